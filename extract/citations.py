"""Citations: volume and pages in "(See Vol. XXV, p. 192.)" and "Lenin, Title, Collected Works, Volume 36, pages
535-537", OCR-damaged Roman numerals, footnote marks and bodies."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kgpub.extract.structure import numbered_notes

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# OCR confusions inside a Roman numeral: digit one and lower-case l read for I, a bar too.
ROMAN_REPAIRS = str.maketrans({"1": "I", "l": "I", "|": "I", "!": "I"})

VOLUME = r"(?P<vol>[IVXLC1l|!](?:\s?[IVXLC1l|!]){0,6}|\d{1,3})"
PAGES = r"[Pp]p?\.\s*(?P<p1>\d{1,4})(?:\s*(?:-|--|and|,|&)\s*(?P<p2>\d{1,4}))?"
CITATION = re.compile(
    rf"\(\s*(?:[Ss]ee\s+|[Cc]f\.\s+)?(?:[^()\n]{{0,130}}?(?:Vol\.|Volume|vol\.)\s*{VOLUME}\s*,?\s*|(?P<ibid>[Ii]bid\.?),?\s*)"
    rf"{PAGES}[^)]{{0,40}}\)")
# A citation of pages alone, perhaps after the cited author's name: "(p.260)", "(Nehru, p.86.)", "(pp. 12-14)".
PAGE_CITATION = re.compile(rf"\(\s*(?:[Ss]ee\s+)?(?:[A-Z][\w'\u2019-]+(?:[ \t][A-Z][\w'\u2019-]+)?,?\s*)?"
                           rf"{PAGES}\.?\s*\)")
# Pages cited right after a quotation inside the parenthesis that holds it: '("... signing" p.197)'.
TRAILING_PAGES = re.compile(rf"[ \t]*,?[ \t]*{PAGES}\.?(?=\s*\))")
# A modern edition's citation: an author and a title before the edition's volume and pages ("Lenin, Notes for a
# Speech at the 10th Congress, Collected Works, Volume 36, pages 535-537", "..., Collected Works, Vol. 36, p. 535"),
# or the edition alone ("Collected Works, vol. 16, p. 447"). The title runs within its line and sentence.
EDITION_TITLE = r"(?P<title>[A-Z](?:[^\n\".!?;:()]|\.(?=\S)|\([^()\n]{1,6}\)){2,160}?)"
EDITION_CITATION = re.compile(
    rf"(?:(?P<author>[A-Z][\w'-]+),[ \t]+{EDITION_TITLE},?[ \t]+)?(?:Collected|Selected)[ \t]+Works,?[ \t]+"
    r"(?:[Vv]ol\.|[Vv]olume)[ \t]*(?P<vol>\d{1,3}),?[ \t]+(?:pages?|pp?\.)[ \t]*(?P<p1>\d{1,4})"
    r"(?:[ \t]*(?:-|--|and)[ \t]*(?P<p2>\d{1,4}))?")
# A parenthesis right after a quotation: a citation, a speaker "(Lenin.)", a work "(See The Foundations of Leninism.)".
# It may run over one line break ("(see Vol.\nXXVI, p. 286)"), not over a blank line, and hold a short parenthesis
# of its own ("(see Resolution on the Report of the Central Committee of the C.P.S.U.(B.))").
PAREN = re.compile(r"\(\s*(?P<body>(?:[^()\n]|\n(?![ \t]*\n)|\([^()\n]{1,6}\)){1,160}?)\s*\)")
FOOTNOTE_MARK = re.compile(r"\[(?P<mark>\d{1,3}|\*{1,3}|[^\]\s\w]{1})\]")
# What a footnote body looks like after its mark: "Ibid.", a quoted title (perhaps after "Tenth Congress ..., 1921."),
# "See ...", or an editor's or transcriber's note in brackets. The body runs to the end of its line.
FOOTNOTE_BODY = re.compile(r'[ \t]*(?:[Ii]bid\b|[^"\n]{0,140}?"[^"\n]{3,}"[^"\n]{0,60}$|See\b|\[)[^\n]*', re.M)
# A footnote line whose opening bracket OCR lost: "1] ..." at the start of a line.
FOOTNOTE_LINE_START = re.compile(r"^[ \t]*\[?(?P<mark>\d{1,3}|\*{1,3}|[^\]\s\w])\][ \t]*(?=\S)", re.M)
BARE_STAR_NOTE = re.compile(r"(?:^|(?<=[.!?\"]\s))(?P<stars>\*{1,3})[ \t]+(?P<body>See\b[^\n]*)", re.M)


@dataclass(frozen=True)
class Footnote:
    """A footnote body: its mark, the span of its text (after the mark) and that text."""

    mark: str
    start: int
    end: int
    body: str

    @property
    def is_ibid(self) -> bool:
        return re.sub(r"^\s*(?:\[[^\]\n]{1,3}\]\s*)*", "", self.body).lower().startswith("ibid")


def roman_to_int(numeral: str) -> int | None:
    """'XXIV' -> 24, with OCR damage repaired: 'XX1V' -> 24, 'XX VI' -> 26, '111' -> 3."""
    cleaned = numeral.replace(" ", "")
    # a lower-case l among capitals is OCR for I ('XXIl' -> 22), so repair before upper-casing makes it an L
    cleaned = (cleaned.translate(ROMAN_REPAIRS) if any(c.isupper() for c in cleaned) else cleaned).upper()
    cleaned = cleaned.translate(ROMAN_REPAIRS)
    if cleaned.isdigit():
        return None
    if not cleaned or any(c not in ROMAN_VALUES for c in cleaned):
        return None
    total = 0
    for i, c in enumerate(cleaned):
        value = ROMAN_VALUES[c]
        total += -value if i + 1 < len(cleaned) and ROMAN_VALUES[cleaned[i + 1]] > value else value
    return total or None


def volume_number(raw: str) -> int | None:
    """A cited volume as an integer: Arabic as it is (but '111' is OCR for III), Roman converted."""
    raw = raw.strip()
    if raw.isdigit():
        # OCR reads Roman I as the digit 1: a volume of only ones is a Roman numeral.
        return roman_to_int(raw) if set(raw) == {"1"} and len(raw) > 1 else int(raw)
    return roman_to_int(raw)


def expand_page(p1: str, p2: str) -> int:
    """The second page of '191-94' written in full: it shares the first page's leading digits."""
    second = int(p2)
    if second < int(p1) and len(p2) < len(p1):
        second = int(p1[: len(p1) - len(p2)] + p2)
    return second


def page_range(p1: str, p2: str | None) -> tuple[int, int]:
    """(first, last) page: 'pp. 191-94' -> (191, 194); 'pp. 15 and 14' -> (14, 15)."""
    first = int(p1)
    if not p2:
        return first, first
    second = expand_page(p1, p2)
    return min(first, second), max(first, second)


def listed_pages(m: re.Match) -> list[int]:
    """The pages of a citation in the order written: 'pp. 15 and 14' -> [15, 14]; 'p. 192' -> [192]."""
    if not m.group("p2"):
        return [int(m.group("p1"))]
    return [int(m.group("p1")), expand_page(m.group("p1"), m.group("p2"))]


def parse_citation(m: re.Match) -> dict:
    """{'volume', 'page_start', 'page_end', 'ibid', 'pages'} of one CITATION match."""
    start, end = page_range(m.group("p1"), m.group("p2"))
    volume = volume_number(m.group("vol")) if m.group("vol") else None
    return {"volume": volume, "page_start": start, "page_end": end, "ibid": bool(m.group("ibid")),
            "pages": listed_pages(m), "and_list": bool(m.group("p2")) and "-" not in m.group(0)}


def edition_pages(m: re.Match) -> dict:
    """{'volume', 'page_start', 'page_end'} of one EDITION_CITATION match."""
    first, last = page_range(m.group("p1"), m.group("p2"))
    return {"volume": int(m.group("vol")), "page_start": first, "page_end": last}


def cited_titles(text: str) -> list[tuple[int, int]]:
    """Spans of the titles an edition's citations name ("Lenin, Notes for a Speech ..., Collected Works, ...")."""
    return [m.span("title") for m in EDITION_CITATION.finditer(text) if m.group("title")]


def footnote_bodies(text: str) -> list[Footnote]:
    """Every footnote body, in text order: lines opening with a mark ("[1] ...", OCR's "1] ..."), lines numbered
    "1." at a page's foot (see numbered_notes), and bodies set inline after their reference
    ('(See Vol. XXV, p. 192.)[1][1] "Left-Wing Communism..."')."""
    found: dict[int, Footnote] = {}
    for m in FOOTNOTE_LINE_START.finditer(text):
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        found[m.start()] = Footnote(m.group("mark"), m.end(), end, text[m.end():end])
    for m in FOOTNOTE_MARK.finditer(text):
        if m.start() in found or any(f.start <= m.start() < f.end for f in found.values()):
            continue
        body = FOOTNOTE_BODY.match(text, m.end())
        if body and body.group(0).strip():
            found[m.start()] = Footnote(m.group("mark"), body.start(), body.end(), body.group(0))
    for note in numbered_notes(text):
        found.setdefault(note.start, Footnote(note.label, note.start, note.end, text[note.start:note.end]))
    # An editor's note set off by bare asterisks after a sentence: "... proletariat." * See this volume, p. 106. --Ed.
    for m in BARE_STAR_NOTE.finditer(text):
        if not any(f.start - 4 <= m.start() < f.end for f in found.values()):
            found[m.start()] = Footnote("*" * len(m.group("stars")), m.end("stars"), m.end(), m.group("body"))
    return [found[k] for k in sorted(found)]


def note_pages(note: Footnote) -> dict:
    """Volume and pages a footnote gives ("See this volume, p. 106.", "Collected Works, vol. 16, p. 447."), when
    the citation in the text gave none; an edition's citation ("..., Collected Works, Volume 36, pages 535-537")."""
    edition = EDITION_CITATION.search(note.body)
    if edition:
        return edition_pages(edition)
    m = re.search(PAGES, note.body)
    if not m:
        return {}
    first, last = page_range(m.group("p1"), m.group("p2"))
    volume = re.search(rf"(?:\b[Vv]ol\.|\b[Vv]olume)\s*{VOLUME}\s*,?\s*$", note.body[:m.start()])
    return {"page_start": first, "page_end": last, "volume": volume_number(volume.group("vol")) if volume else None}


def body_for(footnotes: list[Footnote], mark: str, after: int) -> Footnote | None:
    """The body of the footnote whose reference mark `mark` ends at `after`: the next body with that mark."""
    return next((f for f in footnotes if f.mark == mark and f.start >= after), None)
