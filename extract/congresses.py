"""Congresses, conferences and plenums: ordinal, kind, organiser (through abbreviations and context) and year."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kgpub.extract.corpus import Document
from kgpub.extract.gazetteer import fold
from kgpub.extract.model import Mention, mention
from kgpub.extract.registry import Registry, slugify

ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                 "eighteenth", "nineteenth", "twentieth"]
TENS = {"twenty": 20, "thirty": 30}
_UNITS = "|".join(w.capitalize() for w in ORDINAL_WORDS[:9])
# Ordinal words capitalised or not ("the second All-Russia Congress"): the capitalised meeting word marks a name.
ORDINAL = (r"(?:(?:[Tt]wenty|[Tt]hirty)-(?:" + "|".join(ORDINAL_WORDS[:9]) + "|" + _UNITS + ")|"
           + "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in reversed(ORDINAL_WORDS)) + r"|[1-9]\d?(?:st|nd|rd|th)"
           # Roman numerals as Soviet editions print them ("the XIV Congress", "the XVth Conference"); not a lone "I".
           + r"|(?P<roman>(?=[IVX]{2}|[IVX]+(?:st|nd|rd|th)|[VX]\s+(?:[A-Z][\w-]*\s+){0,3}(?:Congress|Conference)\b)"
             r"X{0,3}(?:IX|IV|V?I{0,3})(?:st|nd|rd|th)?))")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ROMAN = {"I": 1, "V": 5, "X": 10}
MEETING = r"(?:Congress|Conference|Convention|Plenum|Plenary\s+Session)(?![\w-])"
SCOPE = (r"(?:(?:All-Russian|All-Russia|All-Union|World|Party|International|National|Extraordinary|Joint|"
         r"Enlarged|Special|Regular|Annual|Emergency|Founding|Constituent)\s+)*")
# An organisation named by the text but not curated: capitalised words, joined by the small words of names
# ("Workers in Education and Socialist Culture", "Soviets of Workers' and Soldiers' Deputies").
MONTH_OR_DAY = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?![\w-])")
NAME_WORD = rf"(?!{MONTH_OR_DAY})(?:(?:[A-Z]\.){{2,}}(?:\s?\([A-Z]\.?\))?|[A-Z][A-Za-z]*(?:-[A-Za-z]+)*(?:'s?)?)"
# "in"/"on" join a name only before a name of two words or more ("in Education and Socialist Culture"),
# not before a place or a date ("of Soviets in Moscow").
JOIN = rf"(?:of|and|for|the|de|du|des|der|und|(?:in|on)(?=\s+{NAME_WORD}\s+(?:(?:and|of|for|the)\s+)*{NAME_WORD}))"
# An article alone is no name: "at the 10th Congress of The, Collected Works" (a title cut short).
NEW_ORGANISATION = rf"(?!(?:The|A|An)(?![\w-])(?!\s+[A-Z])){NAME_WORD}(?:\s+(?:{JOIN}\s+)*{NAME_WORD}){{0,11}}"
OUR_PARTY = r"(?:our|the)\s+Party(?![\w-])"
# Glued footnote numbers an OCR'd edition leaves after an abbreviation ("C.P.S.U.(B.)24").
ORG_END = r"(?![A-Za-z-])"


@dataclass(frozen=True)
class Organisations:
    """The curated organisations as patterns: names (for the 'of ...' slot and before the meeting word)."""

    names: dict[str, str]          # folded name -> record id
    pattern: str                   # alternation of every name, longest first


def organisations(registry: Registry) -> Organisations:
    names = {fold(n): r.id for r in registry.of_kind("organization") for n in r.all_names if n.strip()}
    unique = sorted(names, key=lambda n: (-len(n), n))
    body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in unique) or r"(?!)"
    return Organisations(names, rf"(?:{body}){ORG_END}")


def congress_pattern(orgs: Organisations) -> re.Pattern:
    """'Tenth Congress of the R.C.P.(B.)', 'the 1934 Party Congress', '2nd Comintern Congress', 'Eleventh Congress of
    our Party', 'Seventh (April) All-Russia Conference': ordinal or year, the month it met in parentheses, optional
    organisation name, scope words, meeting word, optional 'of ...' phrase."""
    of = (rf"\s+of\s+(?:(?P<our>{OUR_PARTY})|(?P<the>the\s+)?(?P<known>{orgs.pattern})"
          rf"|(?P<the2>the\s+)?(?P<new>{NEW_ORGANISATION}))")
    # "the April Party Conference", "the July 1928 Plenum": a meeting named by its month (and year).
    month = rf"(?P<month>{'|'.join(MONTHS)})\s+(?:(?P<month_year>1[89]\d\d)\s+)?"
    return re.compile(
        rf"(?<![\w-])(?:(?P<poss>{orgs.pattern}|Party)'s\s+)?"
        rf"(?:(?P<ordinal>{ORDINAL})|(?P<year>1[89]\d\d)|{month})\s*(?<=\s)(?:\((?:{'|'.join(MONTHS)})\)\s+)?"
        rf"(?:(?P<pre>{orgs.pattern})\s+)?"
        rf"(?P<scope>{SCOPE})(?P<meeting>{MEETING})(?:{of})?")


def ordinal_number(word: str) -> int:
    """'Tenth' -> 10, '14th' -> 14, 'Twenty-Second' -> 22, 'XIV' -> 14."""
    digits = re.match(r"\d+", word)
    if digits:
        return int(digits.group(0))
    roman = re.match(r"[IVX]+", word)
    if roman:
        values = [ROMAN[c] for c in roman.group(0)]
        return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    tens, _, unit = word.lower().partition("-")
    if unit:
        return TENS[tens] + ORDINAL_WORDS.index(unit) + 1
    return ORDINAL_WORDS.index(tens) + 1


def english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def context_party(text: str, registry: Registry) -> str | None:
    """The party a text calls 'the Party' or 'our Party': the organisation record it names most, by name or by the
    words of its `party_of` (its country's adjective, its members' name)."""
    best, best_count = None, 0
    for record in registry.of_kind("organization"):
        if not record.facts.get("party_of"):
            continue
        names = sorted(record.all_names, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")" + ORG_END)
        words = record.facts["party_of"]
        words = [words] if isinstance(words, str) else words
        count = len(pattern.findall(text)) + sum(len(re.findall(rf"\b{re.escape(w)}\b", text)) for w in words)
        if count > best_count:
            best, best_count = record.id, count
    return best


def record_by_year(registry: Registry, organizer: str | None, meeting: str, year: str) -> int | None:
    """The ordinal of the organiser's meeting held in a year ('the 1934 Party Congress' -> 17) or month ('1925-04'),
    if exactly one."""
    found = [r.facts.get("position") for r in registry.of_kind("congress")
             if r.facts.get("organizer") == organizer and r.facts.get("meeting", "congress") == meeting
             and str(r.facts.get("start", "")).startswith(year)]
    return found[0] if len(found) == 1 else None


def month_of(m: re.Match, text: str) -> str | None:
    """'1925-04' for "the April Party Conference": its own year, else the year of the nearest "April 1925" the text
    gives within a few pages, else the last year the text gave before it."""
    if not m.group("month"):
        return None
    base = max(0, m.start() - 6000)
    dated = [(abs(base + d.start() - m.start()), d.group(1)) for d in re.finditer(
        rf"\b{m.group('month')}\s+(1[89]\d\d)(?!\d)", text[base:m.end() + 6000])]
    near = min(dated)[1] if dated else None
    year = m.group("month_year") or near or next(
        iter(reversed(re.findall(r"(?<![\w-])1[89]\d\d(?!\d)", text[:m.start()]))), None)
    return f"{year}-{MONTHS.index(m.group('month')) + 1:02d}" if year else None


def find_congresses(text: str, registry: Registry) -> list[tuple[int, int, str, str, str, dict]]:
    """(start, end, surface, key, rule, facts) of every specific congress a text names, in text order.

    The organiser comes from the 'of ...' phrase or the name before the meeting word; an ordinal congress
    without one is the same-numbered meeting named in full elsewhere in the text, else the text's own party."""
    orgs = organisations(registry)
    party = context_party(text, registry)
    found = []
    for m in congress_pattern(orgs).finditer(text):
        meeting = m.group("meeting").split()[0].lower()
        scope_words = (m.group("scope") or "").split()
        organizer, org_name, article = None, None, None
        named_org = m.group("known") or m.group("pre") or m.group("poss")
        if named_org and named_org != "Party":
            organizer = orgs.names[fold(named_org)]
        elif m.group("our") or named_org == "Party":
            organizer = party
        elif m.group("new"):
            org_name = fold(m.group("new"))
            organizer, article = "new:" + slugify(org_name), bool(m.group("the2"))
        elif "Party" in scope_words:
            organizer = party
        position = ordinal_number(m.group("ordinal")) if m.group("ordinal") else None
        when = m.group("year") or month_of(m, text)
        if position is None and organizer is not None and when:
            position = record_by_year(registry, organizer, meeting, when)
        found.append((m, meeting, scope_words, organizer, org_name, article, position, when))
    named = {(meeting, position): organizer for _, meeting, _, organizer, *_ in found if organizer}
    out = []
    for m, meeting, scope_words, organizer, org_name, article, position, when in found:
        if organizer is None and position is not None:
            organizer = named.get((meeting, position)) or party
        if organizer is None:
            continue
        if position is None and not when:
            continue
        # A possessive before the ordinal ("the Party's Tenth Congress") names the organiser, not the congress.
        start, end = next(m.start(g) for g in ("ordinal", "year", "month") if m.group(g)), m.end()
        number = position if position is not None else f"y{when}"
        label = m.group("year") or (f"{m.group('month')} {when[:4]}" if m.group("month") and when else None)
        key = f"{organizer}/{meeting}/{number}"
        scope = " ".join(w for w in scope_words if w != "Party")
        out.append((start, end, text[start:end], key, "congress:pattern",
                    {"position": position, "meeting": meeting, "organizer": organizer, "organizer_name": org_name,
                     "organizer_article": article, "scope": scope or None, "year": label}))
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
