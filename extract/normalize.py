"""Text repairs before matching (quotes, dashes, OCR confusions, hyphenation) that keep a map back to raw offsets."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Each repair is data: a pattern and its replacement. Replacements never need to keep the length:
# the offset map follows every edit, so a span found in the repaired text maps back to the raw text.
REPAIRS: list[tuple[str, str]] = [
    ("[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]", '"'),       # curly and guillemet double quotes
    ("[\u2018\u2019\u201a\u201b\u2032`]", "'"),                  # curly single quotes, primes
    ("''(?=\\w)|(?<=[\\w.,?!])''", '"'),                        # two single quotes used as a double quote
    ("[\u2014\u2015]", " -- "),                                  # em dash
    (r"(?<=[\w.,;:!?\"'])--(?=[A-Z\"'])", " -- "),                # a double hyphen glued to both words
    (r"(?<=\s)--(?=[A-Z\"'])", "-- "),                            # "--J. St.": a dash glued to the next word
    ("[\u2013\u2012\u2212]", "-"),                               # en dash, figure dash, minus
    ("\u00a0", " "),                                             # no-break space
    ("\u00ad", ""),                                              # soft hyphen
    (r"(?<=[a-z])-\n[ \t]*(?=[a-z])", ""),                       # a word hyphenated across a line break
    (r"(?:(?<=^)|(?<=[\s\"(]))\|(?=[\s.,'])", "I"),            # OCR: a bar read for the pronoun I
    (r"(?<=[a-z][.,;:\"'])\d{1,2}(?=\s|$)", ""),                # OCR: a footnote number glued after punctuation
    (r"(?<=[a-z]{3})\d{1,2}(?=[\s,.;:)\]\"'?!]|$)", ""),                 # OCR: a footnote number glued to a word
]
_COMPILED = [(re.compile(pattern, re.M), replacement) for pattern, replacement in REPAIRS]


@dataclass(frozen=True)
class Normalized:
    """Repaired text and, for each of its characters, the offset of the raw character it came from."""

    text: str
    to_raw: tuple[int, ...]  # len(text) + 1 entries; the last is len(raw)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw [start, end) covering the repaired [start, end)."""
        if end <= start:
            return self.to_raw[start], self.to_raw[start]
        return self.to_raw[start], self.to_raw[end - 1] + 1

    def from_raw(self, raw_offset: int) -> int:
        """The first repaired offset whose raw offset is at or after raw_offset."""
        import bisect
        return bisect.bisect_left(self.to_raw, raw_offset, 0, len(self.to_raw) - 1)


def apply(text: str, to_raw: list[int], pattern: re.Pattern, replacement: str) -> tuple[str, list[int]]:
    """Apply one repair everywhere in text, carrying the offset map through it."""
    out_chars: list[str] = []
    out_map: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        out_chars.append(text[last:match.start()])
        out_map.extend(to_raw[last:match.start()])
        new = match.expand(replacement)
        start, end = match.start(), match.end()
        for i, _ in enumerate(new):
            out_map.append(to_raw[min(start + i, end - 1)] if end > start else to_raw[start])
        out_chars.append(new)
        last = end
    out_chars.append(text[last:])
    out_map.extend(to_raw[last:])
    return "".join(out_chars), out_map


def normalize(raw: str) -> Normalized:
    """Apply every repair of REPAIRS to the raw text, keeping the offset map."""
    text, to_raw = raw, list(range(len(raw) + 1))
    for pattern, replacement in _COMPILED:
        body_map = to_raw[:-1]
        text, body_map = apply(text, body_map, pattern, replacement)
        to_raw = body_map + [len(raw)]
    return Normalized(text, tuple(to_raw))
