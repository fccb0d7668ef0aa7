"""Citations: volume and pages in "(See Vol. XXV, p. 192.)", OCR-damaged Roman numerals, and footnote marks."""
from __future__ import annotations

import re

ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# OCR confusions inside a Roman numeral: digit one and lower-case l read for I, a bar too.
ROMAN_REPAIRS = str.maketrans({"1": "I", "l": "I", "|": "I", "!": "I"})

VOLUME = r"(?P<vol>[IVXLC1l|!](?:\s?[IVXLC1l|!]){0,6}|\d{1,3})"
PAGES = r"pp?\.\s*(?P<p1>\d{1,4})(?:\s*(?:-|--|and|,|&)\s*(?P<p2>\d{1,4}))?"
CITATION = re.compile(
    rf"\(\s*(?:[Ss]ee\s+|[Cc]f\.\s+)?(?:(?:Vol\.|Volume|vol\.)\s*{VOLUME}\s*,?\s*|(?P<ibid>[Ii]bid\.?),?\s*){PAGES}"
    r"[^)]{0,40}\)")
FOOTNOTE_MARK = re.compile(r"\[(?P<mark>\d{1,3}|\*|[^\]\s]{1})\]")


def roman_to_int(numeral: str) -> int | None:
    """'XXIV' -> 24, with OCR damage repaired: 'XX1V' -> 24, 'XX VI' -> 26, '111' -> 3."""
    cleaned = numeral.replace(" ", "").upper().translate(ROMAN_REPAIRS)
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


def page_range(p1: str, p2: str | None) -> tuple[int, int]:
    """(first, last) page: 'pp. 191-94' -> (191, 194); 'pp. 15 and 14' -> (14, 15)."""
    first = int(p1)
    if not p2:
        return first, first
    second = int(p2)
    if second < first and len(p2) < len(p1):  # 191-94: the second page shares the first's leading digits
        second = int(p1[: len(p1) - len(p2)] + p2)
    return min(first, second), max(first, second)


def parse_citation(m: re.Match) -> dict:
    """{'volume', 'page_start', 'page_end', 'ibid'} of one CITATION match."""
    start, end = page_range(m.group("p1"), m.group("p2"))
    volume = volume_number(m.group("vol")) if m.group("vol") else None
    return {"volume": volume, "page_start": start, "page_end": end, "ibid": bool(m.group("ibid"))}
