"""Persons: names of curated records, and persons no record knows found from the genre's cues."""
from __future__ import annotations

import re
from functools import lru_cache

from extract.corpus import Document
from extract.gazetteer import compile_names, find_names, fold
from extract.model import Mention, mention
from extract.registry import Registry, slugify
from extract.structure import header_fields

CAP = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
INITIALS = r"(?:[A-Z]\.\s?){1,3}"
# Cues of the genre that introduce a person no record knows; group "name" is the person.
DISCOVERY_CUES: list[tuple[str, str]] = [
    ("comrade", rf"\b[Cc]omrades?\s+(?P<name>(?:{INITIALS})?{CAP})"),
    ("initials", rf"(?<![\w.])(?P<name>{INITIALS}{CAP})\b"),
    ("says", rf"\b(?:says|said|writes|wrote|declares|declared|asserts|asserted)\s+(?P<name>{CAP}(?:\s{CAP})?)\b"),
    ("title", rf"\b(?:General|Admiral|Professor|Dr\.|Mr\.|Mrs\.)\s+(?P<name>{CAP})\b"),
]
CREDIT_FIELDS = {"transcription", "transcribed", "html markup", "markup", "proofreader", "proofread",
                 "proofreading", "translated", "translation", "translator", "editor", "edited"}
# Words that begin with a capital but are never a person's name in this genre.
NOT_NAMES = {"The", "This", "That", "These", "Those", "Party", "Soviet", "Soviets", "Communist", "Congress",
             "State", "Revolution", "Lenin", "Marxism", "Leninism", "Communism", "Socialism", "Bolshevik",
             "Bolsheviks", "Menshevik", "Mensheviks", "Central", "Committee", "Vol", "Ibid", "See", "Comrade",
             "Comrades", "In", "It", "He", "She", "We", "They", "And", "But", "For", "Here", "There"}
PERSON_NAME = re.compile(rf"^(?:{INITIALS})?(?:{CAP}\s)*{CAP}\.?$")


@lru_cache(maxsize=8)
def _known_pattern(registry_id: int, names: tuple[str, ...]) -> re.Pattern | None:
    return compile_names(names)


def known_names(registry: Registry) -> dict[str, str]:
    """Every name and variant of a person record -> the record's id."""
    return {fold(n): r.id for r in registry.of_kind("person") for n in r.all_names}


def find_known(text: str, registry: Registry) -> list[tuple[int, int, str, str, str]]:
    """(start, end, surface, record id, rule) for every curated person name in the text."""
    names = known_names(registry)
    pattern = _known_pattern(id(registry), tuple(sorted(names)))
    return [(s, e, surface, names[fold(surface)], "person:record")
            for s, e, surface in find_names(pattern, text) if fold(surface) in names]


def discovered_key(name: str) -> str:
    """The key of a person no record knows: the slug of the surname, so 'Comrade Tanner' and 'Tanner' meet."""
    return slugify(name.split()[-1].rstrip("."))


def find_discovered(text: str, known: list[tuple[int, int, str, str, str]]) -> list[tuple[int, int, str, str, str]]:
    """Persons no record knows, from the genre's cues, and then every later bare mention of their surname."""
    taken = [(s, e) for s, e, *_ in known]
    found: dict[str, str] = {}
    out = []
    for rule, cue in DISCOVERY_CUES:
        for m in re.finditer(cue, text):
            name = fold(m.group("name"))
            s, e = m.span("name")
            if name.split()[-1] in NOT_NAMES or any(a < e and s < b for a, b in taken):
                continue
            key = "new:" + discovered_key(name)
            found.setdefault(key, name)
            taken.append((s, e))
            out.append((s, e, name, key, f"person:cue:{rule}"))
    surnames = {name.split()[-1]: key for key, name in found.items() if len(name.split()[-1]) > 2}
    pattern = compile_names(surnames)
    for s, e, surface in find_names(pattern, text):
        if not any(a < e and s < b for a, b in taken):
            taken.append((s, e))
            out.append((s, e, surface, surnames[surface], "person:surname-of-discovered"))
    return out


def credited_persons(text: str) -> list[tuple[int, int, str, str, str]]:
    """Persons named in credit header lines ("Transcription: Ted Crawford")."""
    out = []
    for field, value, start, _end in header_fields(text):
        if field not in CREDIT_FIELDS:
            continue
        offset = start
        for part in re.split(r"\s*(?:,|\band\b|&)\s*", value):
            at = text.find(part, offset)
            if part and PERSON_NAME.match(part) and at >= 0:
                out.append((at, at + len(part), part, "new:" + slugify(part), f"person:credit:{field}"))
                offset = at + len(part)
    return out


def extract_persons(doc: Document, registry: Registry, excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Person mentions of a document, in text order, mapped back to raw offsets."""
    norm = doc.normalized
    known = find_known(norm.text, registry)
    credits = credited_persons(norm.text)
    spans = known + [c for c in credits if not any(a < c[1] and c[0] < b for a, b, *_ in known)]
    spans += find_discovered(norm.text, spans)
    out = []
    for s, e, surface, key, rule in sorted(spans):
        if any(a < e and s < b for a, b in excluded):
            continue
        raw_start, raw_end = norm.raw_span(s, e)
        out.append(mention("person", raw_start, raw_end, doc.text[raw_start:raw_end], key, rule, name=surface))
    return out
