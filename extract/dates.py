"""Dates: explicit calendar expressions (days, months, years, ranges) normalised to ISO 8601 with their precision."""
from __future__ import annotations

import re
from calendar import monthrange

from kgpub.extract.corpus import Document
from kgpub.extract.model import Mention, mention

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                       "sept": 9, "oct": 10, "nov": 11, "dec": 12}
# Month names as written in prose, abbreviated, or in capitals as headings set them ("APRIL 24-29, 1917").
M = ("(?:" + "|".join(name.capitalize() for name in MONTHS) + "|" + "|".join(name.upper() for name in MONTHS)
     + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)")
D = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
Y = r"(?:1[5-9]\d\d|20\d\d)"
SEP = r"\s*[-/]\s*"
# A four-digit number counting things is not a year ("1500 workers", "at 1800 hours").
COUNTED = ("hours|persons|people|men|women|workers|delegates|members|copies|roubles|rubles|dollars|pounds|francs|"
           "marks|votes|deaths|soldiers|sailors|peasants|troops|strikes|strikers|villages|factories|years|days|"
           "miles|kilometres|kilometers|versts|pages|times|tons|tonnes|poods|acres|hectares|communists|cells")
# Between the ends of a range: a dash or slash, or "to" ("from March to May 1918", "March 8 to 16, 1921").
TO = r"(?:\s*[-/]\s*|\s+(?:to|till|until)\s+)"

# Patterns as data, tried in order; each names its precision. Earlier patterns win overlaps.
PATTERNS: list[tuple[str, str]] = [
    ("iso-date", rf"(?P<y1>{Y})-(?P<mm>0[1-9]|1[0-2])-(?P<dd>0[1-9]|[12]\d|3[01])"),
    # day, month and year in figures, as European sites date a post: "14.12.2006"
    ("numeric-date", rf"(?P<dd>0?[1-9]|[12]\d|3[01])\.(?P<mm>0?[1-9]|1[0-2])\.(?P<y1>{Y})"),
    ("month-day-month-day-range", rf"(?P<m1>{M})\s+(?P<d1>{D}){TO}(?P<m2>{M})\s+(?P<d2>{D}),?\s*(?P<y1>{Y})"),
    ("month-day-range", rf"(?P<m1>{M})\s+(?P<d1>{D}){TO}(?P<d2>{D}),?\s*(?P<y1>{Y})"),
    ("day-month-range", rf"(?P<d1>{D}){TO}(?P<d2>{D})\s+(?P<m1>{M}),?\s+(?P<y1>{Y})"),
    ("month-year-range", rf"(?P<m1>{M}),?\s+(?P<y1>{Y}){TO}(?:{M}{SEP})?(?P<m2>{M}),?\s+(?P<y2>{Y})"),
    ("month-range-year", rf"(?P<m1>{M}){TO}(?P<m2>{M}),?\s+(?P<y1>{Y})"),
    ("month-day-year", rf"(?P<m1>{M})\s+(?P<d1>{D}),?\s*(?P<y1>{Y})"),
    ("day-month-year", rf"(?P<d1>{D})\s+(?:of\s+)?(?P<m1>{M}),?\s+(?P<y1>{Y})"),
    # Old and new style together: "October 25 (November 7), 1917" is two days of 1917.
    ("month-day-dual", rf"(?P<expr>(?P<m1>{M})\s+(?P<d1>{D}))(?=\s*\((?:{M}\s+)?{D}\),?\s*(?P<y1>{Y}))"),
    ("month-day-paren", rf"(?<=\()(?P<expr>(?P<m1>{M})\s+(?P<d1>{D}))\),?\s*(?P<y1>{Y})"),
    ("month-year", rf"(?P<m1>{M}),?\s+(?:of\s+)?(?P<y1>{Y})"),
    # "between March 26 and May 30" (the year from the text before), "between 1914 and 1917"
    ("between-days", rf"\b[Bb]etween\s+(?P<expr>(?P<m1>{M})\s+(?P<d1>{D})\s+and\s+(?P<m2>{M})\s+(?P<d2>{D})"
                     rf"(?:,?\s*(?P<y1>{Y}))?)(?![\w-])"),
    ("between-years", rf"\b[Bb]etween\s+(?P<expr>(?P<y1>{Y})\s+and\s+(?P<y2>{Y}))"),
    ("year-range", rf"(?P<y1>{Y})\s*(?:-|--|/)\s*(?P<y2>{Y}|\d\d?)(?![\d/])"),
    # "from 1924 to 1949" is a period, but "(from Lenin's death) in 1924 to 1949" dates two events
    ("year-to-range", rf"(?<![Ii]n )(?P<y1>{Y})\s+(?:to|till|until)\s+(?P<y2>{Y})(?![\d/])"),
    ("month-day", rf"(?P<m1>{M})\s+(?P<d1>{D})(?!\d)"),
    ("day-month", rf"(?P<d1>{D})\s+(?:of\s+)?(?P<m1>{M})(?![\w-])"),
    ("in-month", rf"\b(?:in|In|of|on|On|by|By|since|Since|until|till|early|late|mid-|end of|Between|between|from|From)"
                 rf"\s+(?P<expr>(?P<m1>{M}))(?![\w-])"),
    ("year", rf"(?P<y1>{Y})(?!\s+(?:{COUNTED})\b)"),
]
# The mention is the group "expr" where a pattern names one (the words around it are context), else all of it;
# the whole match is taken, so that the year of "October 25 (November 7), 1917" is not a date of its own.
# A year may follow "mid-" ("in mid-1918"); other hyphenated numbers are parts of ranges or identifiers.
COMPILED = [(name, re.compile(rf"(?:(?<![\w.-])|(?<=[Mm]id-))"
                              rf"(?:{pattern if '?P<expr>' in pattern else f'(?P<expr>{pattern})'})(?![\w-]|'s|s\b)"))
            for name, pattern in PATTERNS]
# Numbers that look like years but are not dates: volumes, pages, numbered items.
NOT_A_YEAR_BEFORE = re.compile(r"(?:Vol\.|vol\.|Volume|volume|p\.|pp\.|No\.|no\.|page|pages|§)\s*$")


def month_number(name: str) -> int:
    """'March' -> 3, 'Sept.' -> 9."""
    name = name.lower().rstrip(".")
    return MONTHS.index(name) + 1 if name in MONTHS else MONTH_ABBREVIATIONS[name]


def day_number(raw: str) -> int:
    return int(re.match(r"\d+", raw).group(0))


def expand_year(first: int, second: str) -> int:
    """'1914-18' -> 1918, '1920-1' -> 1921: a shortened second year takes the leading digits of the first."""
    scale = 10 ** len(second)
    return int(second) if len(second) == 4 else first // scale * scale + int(second)


def valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]


def normalise(name: str, g: dict, context_year: int | None) -> str | None:
    """The ISO value of one match ('1921-03-08/1921-03-16', '1916-10', '1917'), or None if not a date."""
    y1 = int(g["y1"]) if g.get("y1") else context_year
    if y1 is None:
        return None
    m1 = month_number(g["m1"]) if g.get("m1") else None
    if name in ("iso-date", "numeric-date"):
        m1, d1 = int(g["mm"]), int(g["dd"])
        return f"{y1:04d}-{m1:02d}-{d1:02d}" if valid_day(y1, m1, d1) else None
    if name == "year":
        return f"{y1:04d}"
    if name in ("year-range", "year-to-range", "between-years"):
        y2 = expand_year(y1, g["y2"])
        # a dash between two long-apart numbers is rather an identifier; words say a period: "(1613 to 1917)"
        span = 100 if name == "year-range" else 400
        return f"{y1:04d}/{y2:04d}" if y1 < y2 <= y1 + span else None
    if name in ("month-year", "in-month"):
        return f"{y1:04d}-{m1:02d}"
    if name == "month-range-year":
        m2 = month_number(g["m2"])
        return f"{y1:04d}-{m1:02d}/{y1:04d}-{m2:02d}" if m1 < m2 else None
    if name == "month-year-range":
        y2, m2 = int(g["y2"]), month_number(g["m2"])
        return f"{y1:04d}-{m1:02d}/{y2:04d}-{m2:02d}" if (y1, m1) < (y2, m2) else None
    d1 = day_number(g["d1"])
    if not valid_day(y1, m1, d1):
        return None
    if name in ("month-day-month-day-range", "between-days"):
        m2, d2 = month_number(g["m2"]), day_number(g["d2"])
        if not (valid_day(y1, m2, d2) and (m1, d1) < (m2, d2)):
            return None
        return f"{y1:04d}-{m1:02d}-{d1:02d}/{y1:04d}-{m2:02d}-{d2:02d}"
    if name in ("month-day-range", "day-month-range"):
        d2 = day_number(g["d2"])
        if not (valid_day(y1, m1, d2) and d1 < d2):
            return None
        return f"{y1:04d}-{m1:02d}-{d1:02d}/{y1:04d}-{m1:02d}-{d2:02d}"
    return f"{y1:04d}-{m1:02d}-{d1:02d}"


def precision(value: str) -> str:
    """'day', 'month' or 'year' of a single ISO value (the start of an interval)."""
    return {10: "day", 7: "month", 4: "year"}[len(value.split("/")[0])]


def find_dates(text: str, excluded: list[tuple[int, int]] = (), no_context: list[tuple[int, int]] = ()
               ) -> list[tuple[int, int, str, str]]:
    """(start, end, ISO value, rule) for every date expression of a text, in text order.

    A date without a year ("November 20th", "in May") takes the year of the nearest explicit
    year before it, as a reader would; with no year before it, it is left out. Years within `no_context` (the
    dates of a transcription's credits) give no year to the dates after them."""
    taken: list[tuple[int, int]] = list(excluded)
    found: list[tuple[int, int, str, dict]] = []
    for name, pattern in COMPILED:
        for m in pattern.finditer(text):
            start, end = m.span("expr")
            if any(s < end and start < e for s, e in taken):
                continue
            if NOT_A_YEAR_BEFORE.search(text[max(0, start - 12):start]):
                continue
            taken.append((min(start, m.start()), max(end, m.end())))
            found.append((start, end, name, {k: v for k, v in m.groupdict().items() if v and k != "expr"}))
    found.sort()
    out, context_year = [], None
    for start, end, name, groups in found:
        value = normalise(name, groups, context_year)
        if groups.get("y1") and not any(a <= start < b for a, b in no_context):
            context_year = int(groups.get("y2") and len(groups["y2"]) == 4 and groups["y2"] or groups["y1"])
        if value:
            out.append((start, end, value, f"date:{name}"))
    return out


# Lines of an HTML page's information block that date the text itself: when it was written, delivered, published.
TEXT_DATE_LINE = re.compile(r"^\s*(?:Written|Delivered|Spoken|Dated?|(?:First\s+)?Published|From)\b", re.I)


def credit_lines(doc: Document) -> list[tuple[int, int]]:
    """Raw spans of the lines of an HTML page's information block that do not date the text (its source edition,
    transcription, copyright)."""
    out = []
    for a, b in doc.evidence("info"):
        at = a
        for line in doc.text[a:b].split("\n"):
            if not TEXT_DATE_LINE.match(line):
                out.append((at, at + len(line)))
            at += len(line) + 1
    return out


def extract_dates(doc: Document, excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Date mentions of a document, found in its repaired text and mapped back to raw offsets."""
    norm = doc.normalized
    out = []
    credits = [(norm.from_raw(a), norm.from_raw(b)) for a, b in credit_lines(doc)]
    for start, end, value, rule in find_dates(norm.text, excluded, credits):
        raw_start, raw_end = norm.raw_span(start, end)
        out.append(mention("date", raw_start, raw_end, doc.text[raw_start:raw_end], value, rule,
                           precision=precision(value)))
    return out
