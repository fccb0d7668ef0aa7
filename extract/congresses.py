"""Congresses, conferences and plenums: ordinal, kind, organiser (through abbreviations and context) and year."""
from __future__ import annotations

import re

from extract.corpus import Document
from extract.gazetteer import compile_names, fold
from extract.model import Mention, mention
from extract.registry import Registry, slugify

ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                 "eighteenth", "nineteenth", "twentieth"]
ORDINAL = r"(?:" + "|".join(w.capitalize() for w in ORDINAL_WORDS) + r"|\d{1,2}(?:st|nd|rd|th))"
MEETING = r"(?:Congress|Conference|Plenum|Plenary\s+Session)"
SCOPE = r"(?:(?:All-Russian|All-Russia|All-Union|World|Party|International|National|Extraordinary|Joint)\s+)*"
CONGRESS = re.compile(
    rf"\b(?:(?P<ordinal>{ORDINAL})|(?P<year>1[89]\d\d))\s+(?P<scope>{SCOPE})(?P<meeting>{MEETING})"
    rf"(?:\s+of\s+(?P<of>(?:the\s+)?[^\n,;:.]{{2,80}}?(?:\.\([A-Z]\.\)|\([A-Z]\.?\))?)(?=[,;:\n]|\.\s|\.$|\s+(?:in|on|at|held|which|was|that|and)\b|$))?")
OUR_PARTY = re.compile(r"^(?:our|the)\s+Party$", re.I)


def ordinal_number(word: str) -> int:
    """'Tenth' -> 10, '14th' -> 14."""
    digits = re.match(r"\d+", word)
    return int(digits.group(0)) if digits else ORDINAL_WORDS.index(word.lower()) + 1


def english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def context_party(text: str, registry: Registry) -> str | None:
    """The party a text calls 'the Party' or 'our Party': the organisation record with `party_of` it names most."""
    best, best_count = None, 0
    for record in registry.of_kind("organization"):
        if not record.facts.get("party_of"):
            continue
        pattern = compile_names(record.all_names)
        count = len(pattern.findall(text)) if pattern else 0
        count += text.count(record.facts["party_of"])
        if count > best_count:
            best, best_count = record.id, count
    return best


def resolve_organizer(of: str | None, scope: str, text: str, registry: Registry) -> tuple[str | None, str | None]:
    """(organisation key, its name) for the 'of ...' phrase of a congress, or the context party."""
    if of:
        phrase = fold(re.sub(r"^the\s+", "", of.strip()))
        if OUR_PARTY.match(of.strip()):
            party = context_party(text, registry)
            return party, None
        record = registry.by_name("organization", phrase)
        if record is None:
            for candidate in registry.of_kind("organization"):
                if any(phrase.startswith(n) for n in candidate.all_names if len(n) > 3):
                    record = candidate
                    break
        if record is not None:
            return record.id, record.name
        if phrase[:1].isupper():
            return "new:" + slugify(phrase), phrase
        return None, None
    if "Party" in scope:
        return context_party(text, registry), None
    return None, None


def find_congresses(text: str, registry: Registry) -> list[tuple[int, int, str, str, str, dict]]:
    out = []
    for m in CONGRESS.finditer(text):
        organizer, org_name = resolve_organizer(m.group("of"), m.group("scope") or "", text, registry)
        meeting = m.group("meeting").split()[0].lower()
        position = ordinal_number(m.group("ordinal")) if m.group("ordinal") else None
        end = m.end() if m.group("of") else m.end("meeting")
        if organizer is None and position is None:
            continue
        number = position if position is not None else f"y{m.group('year')}"
        key = f"{organizer or 'unknown'}/{meeting}/{number}"
        scope = " ".join(w for w in (m.group("scope") or "").split() if w != "Party")
        out.append((m.start(), end, text[m.start():end], key, "congress:pattern",
                    {"position": position, "meeting": meeting, "organizer": organizer, "organizer_name": org_name,
                     "scope": scope or None, "year": m.group("year")}))
    return out


def extract_congresses(doc: Document, registry: Registry, excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Congress mentions of a document, mapped back to raw offsets."""
    norm = doc.normalized
    out = []
    for s, e, surface, key, rule, facts in find_congresses(norm.text, registry):
        if any(a < e and s < b for a, b in excluded):
            continue
        raw_start, raw_end = norm.raw_span(s, e)
        out.append(mention("congress", raw_start, raw_end, doc.text[raw_start:raw_end], key, rule,
                           surface=fold(surface), **facts))
    return out
