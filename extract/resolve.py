"""Resolution: every document's mentions -> one entity per person, work, congress, organisation and quotation."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from extract.congresses import english_ordinal
from extract.model import Entity, Mention
from extract.pipeline import DocumentMentions
from extract.registry import Registry, slugify

POSSESSIVE = re.compile(r"(?:'s|s')$")


@dataclass
class ResolvedCorpus:
    """Entities by (kind, key), and each document's mentions, ready to be written as RDF."""

    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    documents: list[DocumentMentions] = field(default_factory=list)

    def entity(self, kind: str, key: str) -> Entity | None:
        return self.entities.get((kind, key))


def surface_name(text: str) -> str:
    return POSSESSIVE.sub("", " ".join(text.split())).strip()


def slug_of(key: str) -> str:
    return key[4:] if key.startswith("new:") else slugify(key)


def majority(values: list) -> object:
    """The most common non-None value (ties broken by first seen), or None."""
    present = [v for v in values if v is not None]
    return Counter(present).most_common(1)[0][0] if present else None


def resolve_named(kind: str, mentions: list[Mention], registry: Registry) -> dict[tuple[str, str], Entity]:
    """Persons and works: one entity per key, named by its record or by its fullest surface form."""
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_key[m.key].append(m)
    out = {}
    for key, group in by_key.items():
        record = registry.get(kind, key)
        surfaces = {surface_name(m.attr("title") or m.attr("name") or m.text) for m in group}
        surfaces.discard("")
        if record is not None:
            name, qid, facts = record.name, record.qid, dict(record.facts)
            alternates = (surfaces | set(record.variants)) - {name}
        else:
            name = max(sorted(surfaces), key=lambda s: (len(s.split()), len(s)))
            qid, facts, alternates = None, {}, surfaces - {name}
        published = majority([m.attr("published") for m in group])
        if published and not facts.get("published"):
            facts["published"] = published
        out[(kind, key)] = Entity(kind, slug_of(key), name, alternates, qid, facts)
    return out


def adjacent_dates(doc: DocumentMentions) -> dict[int, str]:
    """For each congress mention (by start), the date expression right after it ("..., March 8-16, 1921")."""
    dates = doc.of_kind("date")
    out = {}
    for c in doc.of_kind("congress"):
        following = next((d for d in dates if 0 <= d.start - c.end <= 4
                          and doc.doc.text[c.end:d.start].strip() in {",", "", "(", "in", "of"}), None)
        if following is not None:
            out[c.start] = following.key
    return out


def congress_name(position: int | None, meeting: str, scope: str | None, organizer: str | None, year: str | None) -> str:
    head = english_ordinal(position) if position else (year or "")
    words = " ".join(w for w in (head, scope, meeting.capitalize()) if w)
    return f"{words} of the {organizer}" if organizer else words


def resolve_congresses(corpus: list[DocumentMentions], registry: Registry,
                       entities: dict[tuple[str, str], Entity]) -> None:
    """Congresses (and the organisations that hold them), with dates from the text or their record."""
    groups: dict[str, list[tuple[Mention, str | None]]] = defaultdict(list)
    for doc in corpus:
        dates = adjacent_dates(doc)
        for m in doc.of_kind("congress"):
            groups[m.key].append((m, dates.get(m.start)))
    for key, items in groups.items():
        first = items[0][0]
        org_key, org_name = first.attr("organizer"), majority([m.attr("organizer_name") for m, _ in items])
        if org_key:
            record = registry.get("organization", org_key)
            org_name = record.name if record else org_name or org_key
            org = entities.setdefault(("organization", org_key), Entity(
                "organization", slug_of(org_key), org_name, set(record.variants) if record else set(),
                record.qid if record else None))
            org.alternate_names.update(m.attr("organizer_name") for m, _ in items if m.attr("organizer_name")
                                       and m.attr("organizer_name") != org.name)
        position = first.attr("position")
        name = congress_name(position, first.attr("meeting"), majority([m.attr("scope") for m, _ in items]),
                             org_name, first.attr("year"))
        facts = {"position": position, "organizer": org_key, "meeting": first.attr("meeting")}
        record = next((r for r in registry.of_kind("congress") if r.facts.get("organizer") == org_key
                       and r.facts.get("position") == position and r.facts.get("meeting", "congress")
                       == first.attr("meeting")), None)
        when = majority([d for _, d in items])
        if when:
            facts["start"], _, facts["end"] = when.partition("/")
            facts["end"] = facts["end"] or facts["start"]
        if record is not None:
            facts.setdefault("start", record.facts.get("start"))
            facts.setdefault("end", record.facts.get("end"))
        alternates = {" ".join(m.attr("surface", m.text).split()) for m, _ in items} - {name}
        slug = slugify(name) if org_key or position else slug_of(key)
        entities[("congress", key)] = Entity("congress", slug, name, alternates,
                                             record.qid if record else None, facts)


def resolve_quotations(corpus: list[DocumentMentions], entities: dict[tuple[str, str], Entity]) -> None:
    """One entity per passage; attribution by the majority of its occurrences."""
    groups: dict[str, list[Mention]] = defaultdict(list)
    for doc in corpus:
        for m in doc.of_kind("quotation"):
            groups[m.key].append(m)
    for key, items in groups.items():
        facts = {name: majority([m.attr(name) for m in items])
                 for name in ("speaker", "work", "volume", "page_start", "page_end")}
        text = max((m.attr("passage") for m in items), key=len)
        entities[("quotation", key)] = Entity("quotation", key, text, set(), None, facts)


def resolve(corpus: list[DocumentMentions], registry: Registry) -> ResolvedCorpus:
    """All documents' mentions -> entities keyed by (kind, key)."""
    entities: dict[tuple[str, str], Entity] = {}
    for kind in ("person", "work"):
        entities.update(resolve_named(kind, [m for d in corpus for m in d.of_kind(kind)], registry))
    resolve_congresses(corpus, registry, entities)
    resolve_quotations(corpus, entities)
    return ResolvedCorpus(entities, corpus)
