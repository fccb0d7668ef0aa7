"""Document structure: site boilerplate lines, header lines, footnotes and editorial notes of a corpus text."""
from __future__ import annotations

import re
from dataclasses import dataclass

# A navigation line: short, made of link labels separated by bars ("Marx-Engels | Lenin | Home Page").
NAVIGATION_LINE = re.compile(r"^[^\n]{0,200}?(?:\s*\|\s*[^|\n]{1,40}){2,}\s*$", re.M)
# Header lines of web transcriptions ("Source: pamphlet", "Transcription: Ted Crawford").
HEADER_FIELD = (r"(?:Source|Published|First Published|Written|Online Version|Transcription|Transcribed|"
                r"HTML Markup|Markup|Proofread|Proofreader|Proofreading|Translated|Translation|Translator|Copyleft|"
                r"Public Domain|Delivered|Editor|Edited|Note)s?(?: by)?")
# Fields may be joined: "Transcription/HTML Markup: David Walters".
HEADER_LINE = re.compile(rf"^(?P<field>{HEADER_FIELD}(?:[ \t]*(?:/|&|,|and)[ \t]*{HEADER_FIELD})*):[ \t]*"
                         r"(?P<value>[^\n]*)$", re.M | re.I)
# A footnote line: "[1] ...", "[*] ...", "[¥] ...", "* My italics. -- J. St."
FOOTNOTE_LINE = re.compile(r"^\[(?P<mark>[^\]\n]{1,3})\][ \t]+(?P<body>[^\n]*)$", re.M)
# A footnote printed inline right after its reference mark: 'p. 311.)[1] [1] "Foreword ..."'.
INLINE_FOOTNOTE = re.compile(r"\[(?P<mark>[^\]\n]{1,3})\][ \t]?\[(?P=mark)\][ \t]*(?P<body>[^\n]+)")
# A starred note on its own line: "* My italics. -- J. St."
STAR_NOTE = re.compile(r"^(?P<mark>\*{1,3})[ \t]+(?P<body>[^\n]+)$", re.M)
# A footnote numbered "1." on a line of its own at a page's foot, as printed editions set them: it cites a volume
# or a page ('  1. Lenin: "The Constituent Assembly Elections ..." Collected Works, vol. 16, p. 447.').
NUMBERED_NOTE_LINE = re.compile(r"^[ \t]*(?P<mark>\d{1,3})\.[ \t]+(?P<body>[^\n]*?(?:\b[Vv]ol\.|\b[Vv]olume\b|\bpp?\.)"
                                r"[ \t]*[\dIVXLC][^\n]*)$", re.M)
# An editorial remark in brackets: "[Transcriber's Note: See Lenin's ... -- DJR]".
EDITORIAL_NOTE = re.compile(r"\[(?P<mark>(?:Transcriber|Editor|Translator)'?s?'? [Nn]ote):?[ \t]*(?P<body>[^\]\n]+)\]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


def boilerplate_spans(text: str) -> list[Span]:
    """Spans that are not content: navigation lines of the site the text was saved from."""
    return [Span(m.start(), m.end(), "navigation") for m in NAVIGATION_LINE.finditer(text)
            if m.group(0).count("|") >= 2 and len(m.group(0).split()) <= 20]


def header_fields(text: str, within: int = 3000) -> list[tuple[str, str, int, int]]:
    """(field, value, value start, value end) for header lines near the top of the text."""
    out = []
    for m in HEADER_LINE.finditer(text, 0, min(len(text), within)):
        value = m.group("value").strip()
        if value:
            start = m.start("value") + (len(m.group("value")) - len(m.group("value").lstrip()))
            out.append((m.group("field").lower(), value, start, start + len(value)))
    return out


def footnotes(text: str) -> list[Span]:
    """Footnote bodies (on their own line, numbered at a page's foot, or inline after a doubled mark), each labelled
    with its mark."""
    spans = {(m.start("body"), m.end("body")): m.group("mark")
             for pattern in (FOOTNOTE_LINE, INLINE_FOOTNOTE, STAR_NOTE) for m in pattern.finditer(text)}
    spans.update({(n.start, n.end): n.label for n in numbered_notes(text)})
    return [Span(s, e, mark) for (s, e), mark in sorted(spans.items())]


def numbered_notes(text: str) -> list[Span]:
    """Footnote bodies numbered "1." on their own line, each after a "[1]" the text before it refers to it with."""
    out = []
    for m in NUMBERED_NOTE_LINE.finditer(text):
        reference = text.rfind(f"[{m.group('mark')}]", 0, m.start())
        if reference > 0 and text[reference - 1] != "\n":
            out.append(Span(m.start("body"), m.end("body"), m.group("mark")))
    return out


def editorial_notes(text: str) -> list[Span]:
    """Bracketed remarks of a transcriber, editor or translator."""
    return [Span(m.start("body"), m.end("body"), "editorial") for m in EDITORIAL_NOTE.finditer(text)]


def inside(spans: list[Span], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of the spans."""
    return any(s.start < end and start < s.end for s in spans)


SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")


def sentence_around(text: str, start: int, end: int, limit: int = 400) -> str:
    """The sentence containing [start, end), cut to about `limit` characters, whitespace folded."""
    left = max(0, start - limit)
    right = min(len(text), end + limit)
    s = left
    for m in SENTENCE_END.finditer(text, left, start):
        s = m.end()
    m = SENTENCE_END.search(text, end, right)
    e = m.start() + 1 if m else right
    return " ".join(text[s:e].split())
