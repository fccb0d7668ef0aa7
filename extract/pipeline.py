"""The extraction pipeline: one document at a time, text -> mentions of every kind, in text order."""
from __future__ import annotations

from dataclasses import dataclass

from kgpub.extract.congresses import extract_congresses
from kgpub.extract.corpus import Document
from kgpub.extract.dates import extract_dates
from kgpub.extract.model import Mention
from kgpub.extract.persons import extract_persons
from kgpub.extract.quotations import extract_quotations
from kgpub.extract.registry import Registry
from kgpub.extract.structure import boilerplate_spans
from kgpub.extract.works import extract_works

@dataclass
class DocumentMentions:
    """Everything found in one document."""

    doc: Document
    mentions: list[Mention]

    def of_kind(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]


def excluded_spans(doc: Document) -> list[tuple[int, int]]:
    """Repaired-text spans that are not content (site navigation)."""
    return [(s.start, s.end) for s in boilerplate_spans(doc.normalized.text)]


def extract_document(doc: Document, registry: Registry) -> DocumentMentions:
    """Run every extractor over one document. Later extractors see earlier ones' mentions."""
    excluded = excluded_spans(doc)
    persons = extract_persons(doc, registry, excluded)
    works = extract_works(doc, registry, excluded, persons)
    congresses = extract_congresses(doc, registry, excluded)
    dates = extract_dates(doc, excluded)
    quotations = extract_quotations(doc, persons, works, excluded)
    mentions = sorted(persons + works + congresses + dates + quotations, key=lambda m: (m.start, m.end, m.kind))
    return DocumentMentions(doc, mentions)
