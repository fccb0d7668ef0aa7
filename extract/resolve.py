"""Resolution: every document's mentions -> one entity per person, work, congress, organisation and quotation."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from kgpub.extract.congresses import english_ordinal
from kgpub.extract.model import Entity, Mention
from kgpub.extract.pipeline import DocumentMentions
from kgpub.extract.quotations import fold_words, quotation_key
from kgpub.extract.registry import Registry, slugify
from kgpub.ontology.kinds import KINDS

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
        author = majority([m.attr("author") for m in group])
        if author and not facts.get("author"):
            facts["author"] = author
        out[(kind, key)] = Entity(kind, slug_of(key), name, alternates, qid, facts)
    return out


# What may stand between a congress and its dates: punctuation, a glued footnote number, "in", "held in".
DATE_GAP = re.compile(r"\s*\d{0,3}\s*[,(]?\s*(?:(?:held\s+)?(?:in|on|of)\s+)?")
# A congress named inside the title of a speech or report: a date after it is the speech's, not the congress's.
TITLE_BEFORE = re.compile(r"(?:Speech|Report|Address|Greetings|Theses|Resolution|Letter|Message)s?\s+"
                          r"(?:at|to|of|on|delivered\s+at)\s+(?:the\s+)?$", re.I)


def adjacent_dates(doc: DocumentMentions) -> dict[int, str]:
    """For each congress mention (by start), the date expression right after it ("..., March 8-16, 1921")."""
    dates = doc.of_kind("date")
    text = doc.doc.text
    out = {}
    for c in doc.of_kind("congress"):
        if TITLE_BEFORE.search(text[max(0, c.start - 40):c.start]):
            continue
        following = next((d for d in dates if 0 <= d.start - c.end <= 12
                          and DATE_GAP.fullmatch(text[c.end:d.start])), None)
        if following is not None:
            out[c.start] = following.key
    return out


def congress_name(position: int | None, meeting: str, scope: str | None, organizer: str | None, year: str | None,
                  article: bool = True) -> str:
    head = english_ordinal(position) if position else (year or "")
    words = " ".join(w for w in (head, scope, meeting.capitalize()) if w)
    return f"{words} of {'the ' if article else ''}{organizer}" if organizer else words


def text_or_record_dates(when: str | None, record) -> tuple[str | None, str | None]:
    """A congress's (start, end): the record's where the text's date agrees with it (it is more precise), else
    the text's."""
    start, end = (when.partition("/")[0], when.partition("/")[2] or when.partition("/")[0]) if when else (None, None)
    if record is not None and (start is None or str(record.facts.get("start", "")).startswith(start)):
        return record.facts.get("start"), record.facts.get("end")
    return start, end


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
        facts = {"position": position, "organizer": org_key, "meeting": first.attr("meeting")}
        record = next((r for r in registry.of_kind("congress") if r.facts.get("organizer") == org_key
                       and r.facts.get("position") == position and r.facts.get("meeting", "congress")
                       == first.attr("meeting")), None)
        name = record.name if record is not None else congress_name(
            position, first.attr("meeting"), majority([m.attr("scope") for m, _ in items]), org_name,
            first.attr("year"), majority([m.attr("organizer_article") for m, _ in items]) is not False)
        facts["start"], facts["end"] = text_or_record_dates(majority([d for _, d in items]), record)
        alternates = {" ".join(m.attr("surface", m.text).split()) for m, _ in items} - {name}
        slug = slugify(name) if org_key or position else slug_of(key)
        entities[("congress", key)] = Entity("congress", slug, name, alternates,
                                             record.qid if record else None, facts)


def same_passage(a: list[str], b: list[str]) -> tuple[bool, int]:
    """Whether two occurrences are one passage as cut (words equal up to OCR noise: differing stretches are near
    misspellings, and at most 5% of the words otherwise differ, edges included), and their longest common run."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    longest = max((blk.size for blk in matcher.get_matching_blocks()), default=0)
    real = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        x, y = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if x and y and SequenceMatcher(None, x, y, autojunk=False).ratio() >= 0.7:
            continue
        real += max(i2 - i1, j2 - j1)
    return real <= 0.05 * max(len(a), len(b)), longest


def ocr_damage(text: str) -> int:
    """How many words of a reading look OCR-damaged: a digit inside a word ("1s", "XX1V"), a bar for I."""
    return len(re.findall(r"\b\w*(?:[a-z]\d|\d[a-z])\w*\b|\|", text))


# A word trigram found in more readings than this says little about which passage a reading belongs to
# ("of the proletariat"); candidates come from rarer trigrams, so the cost stays linear in the corpus.
COMMON_TRIGRAM = 50


def quotation_clusters(items: list[Mention]) -> tuple[list[list[int]], set[tuple[int, int]]]:
    """Occurrences grouped into passages, and the pairs of passages (by occurrence index) that overlap.

    Identical readings are grouped without comparing them; distinct readings are compared only with readings
    that share rare trigrams and are not already in their group."""
    words = [fold_words(m.attr("passage") or m.text) for m in items]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[tuple[str, ...], int] = {}
    for i, w in enumerate(words):
        parent[i] = first_of.setdefault(tuple(w), i)
    distinct = sorted(set(first_of.values()))
    grams = {i: {tuple(words[i][k:k + 3]) for k in range(max(1, len(words[i]) - 2))} for i in distinct}
    index: dict[tuple, list[int]] = defaultdict(list)
    for i in distinct:
        for gram in grams[i]:
            index[gram].append(i)
    overlaps = set()
    for i in distinct:
        telling = [g for g in grams[i] if len(index[g]) <= COMMON_TRIGRAM] or grams[i]
        candidates = Counter(j for gram in telling for j in index[gram] if j > i)
        for j, shared in candidates.items():
            if shared < 2 and min(len(words[i]), len(words[j])) > 4:
                continue
            if find(i) == find(j):
                continue
            same, longest = same_passage(words[i], words[j])
            if same:
                parent[find(i)] = find(j)
            elif longest >= 10 or longest == min(len(words[i]), len(words[j])):  # a long shared run, or contained
                overlaps.add((i, j))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[find(i)].append(i)
    return list(groups.values()), overlaps


def resolve_quotations(corpus: list[DocumentMentions], entities: dict[tuple[str, str], Entity]) -> None:
    """One entity per passage as cut, across documents: occurrences whose words agree up to typography and OCR
    noise are one quotation; different cuts of a passage (a fragment re-quoted, a longer excerpt elsewhere) are
    distinct quotations linked by kg:overlapsWith. The node keeps one text (schema:text), the reading of its
    canonical occurrence: the longest (its words define the cut), then the one with the fewest OCR-damaged words
    ("1s" for "is"), then the smallest; the IRI key hashes its folded words, so neither depends on the order
    documents are read. Other documents' readings (British spelling, OCR noise) stay in their annotations'
    oa:exact, not in the node's text. Attribution is the
    majority of the occurrences that state it; a quotation from a work whose author is known, with no speaker
    stated, is that author's (a writer quoting his own earlier work)."""
    items = [m for doc in corpus for m in doc.of_kind("quotation")]
    clusters, overlaps = quotation_clusters(items)
    key_of: dict[int, str] = {}
    for members in clusters:
        canonical = min(members, key=lambda i: (-len(fold_words(items[i].attr("passage") or "")),
                                                ocr_damage(items[i].attr("passage") or ""),
                                                " ".join(fold_words(items[i].attr("passage") or ""))))
        key = quotation_key(items[canonical].attr("passage") or items[canonical].text)
        group = [items[i] for i in members]
        facts = {name: majority([m.attr(name) for m in group])
                 for name in ("speaker", "work", "volume", "page_start", "page_end")}
        if facts["speaker"] is None and facts["work"]:
            work = entities.get(("work", facts["work"]))
            facts["speaker"] = work.facts.get("author") if work else None
        if facts["page_start"] is not None and (facts["page_end"] is None or facts["page_end"] < facts["page_start"]):
            facts["page_end"] = facts["page_start"]
        text = items[canonical].attr("passage") or items[canonical].text
        entity = entities.setdefault(("quotation", key), Entity("quotation", key, text, set(), None, {}))
        entity.facts.update(facts)
        entity.facts.setdefault("overlaps", set())
        for i in members:
            key_of[i] = key
    for i, j in overlaps:
        if key_of[i] != key_of[j]:
            entities[("quotation", key_of[i])].facts["overlaps"].add(key_of[j])
            entities[("quotation", key_of[j])].facts["overlaps"].add(key_of[i])
    position = 0
    for doc in corpus:
        renamed = []
        for m in doc.mentions:
            if m.kind == "quotation":
                m = replace(m, key=key_of[position])
                position += 1
            renamed.append(m)
        doc.mentions = renamed


def attribute_own_words(corpus: ResolvedCorpus, authors: dict[str, str | None]) -> None:
    """A writer quoting himself ("in my pamphlet X it is stated:", "I said") speaks in his own words: a quotation
    with no speaker, marked so by its lead-in, is the words of the author of the document quoting it. Authors come
    from the documents' bibliographic records (extract/documents.py), known only after extraction."""
    for dm in corpus.documents:
        author = authors.get(dm.doc.doc_id)
        if not author or corpus.entity("person", author) is None:
            continue
        for m in dm.of_kind("quotation"):
            entity = corpus.entity("quotation", m.key)
            if m.attr("own") and entity is not None and entity.facts.get("speaker") is None:
                entity.facts["speaker"] = author


def resolve(corpus: list[DocumentMentions], registry: Registry) -> ResolvedCorpus:
    """All documents' mentions -> entities keyed by (kind, key)."""
    entities: dict[tuple[str, str], Entity] = {}
    for kind in [k.name for k in KINDS if k.by_name]:
        entities.update(resolve_named(kind, [m for d in corpus for m in d.of_kind(kind)], registry))
    resolve_congresses(corpus, registry, entities)
    resolve_quotations(corpus, entities)
    return ResolvedCorpus(entities, corpus)
