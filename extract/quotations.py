"""Quotations: quoted passages with their exact text, speaker, cited volume and pages, and the work quoted."""
from __future__ import annotations

import hashlib
import re

from extract.citations import CITATION, FOOTNOTE_MARK, parse_citation
from extract.corpus import Document
from extract.model import Mention, mention
from extract.registry import name_key
from extract.structure import FOOTNOTE_LINE, paragraphs

MIN_WORDS = 5
# An attribution interrupting a quotation: '"...," says Lenin, "..."'.
INTERRUPTION = re.compile(r"^[,:]?\s*(?:says|said|writes|wrote|continues|adds|declares)\s+[A-Z][\w.' ]{1,40}?,\s*$|"
                          r"^[,:]?\s*[A-Z][\w.' ]{1,40}?\s+(?:says|said|writes|wrote|continues|adds|declares),\s*$")
SPEECH_VERB = re.compile(r"\b(?:says|said|say|writes|wrote|write|declares|declared|states|stated|thinks|"
                         r"asserts|asserted|puts it|continues|added|adds|according to|in the words of|"
                         r"Here is what|here is what|as follows)\b")


def quotation_key(text: str) -> str:
    """The identity of a passage: a hash of its words, so typography and OCR spacing do not split it."""
    return hashlib.sha1(name_key(text).encode("utf-8")).hexdigest()[:16]


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Inner spans of double-quoted passages, paired within each paragraph."""
    out = []
    for para in paragraphs(text):
        marks = [m.start() for m in re.finditer('"', text[para.start:para.end])]
        for a, b in zip(marks[0::2], marks[1::2]):
            out.append((para.start + a + 1, para.start + b))
    return out


def join_interrupted(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Groups of quoted spans that form one quotation: parts separated only by an attribution."""
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups:
            last = groups[-1][-1]
            between = text[last[1] + 1: span[0] - 1]
            if INTERRUPTION.match(between):
                groups[-1].append(span)
                continue
        groups.append([span])
    return groups


def clean(text: str) -> str:
    return " ".join(text.split())


def footnote_bodies(text: str) -> list[tuple[int, str, str]]:
    """(offset, mark, body) of every footnote line, in text order."""
    return [(m.start(), m.group("mark"), m.group("body")) for m in FOOTNOTE_LINE.finditer(text)]


def nearest_person(persons: list[Mention], norm_spans: list[tuple[int, int, Mention]], lo: int, hi: int) -> Mention | None:
    """The last person mention between lo and hi (repaired offsets)."""
    inside = [m for s, e, m in norm_spans if lo <= s and e <= hi]
    return inside[-1] if inside else None


def extract_quotations(doc: Document, persons: list[Mention], works: list[Mention],
                       excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Quotation mentions of a document: one per passage occurrence, raw offsets of its whole extent."""
    norm = doc.normalized
    text = norm.text
    person_spans = [(norm.from_raw(m.start), norm.from_raw(m.end), m) for m in persons]
    footnote_lines = [(m.start(), m.end()) for m in FOOTNOTE_LINE.finditer(text)]
    notes = footnote_bodies(text)
    last_work: str | None = None
    out = []
    for group in join_interrupted(text, quoted_spans(text)):
        start, end = group[0][0], group[-1][1]
        body = " ".join(clean(text[s:e]) for s, e in group)
        if len(body.split()) < MIN_WORDS or any(a < end and start < b for a, b in excluded + footnote_lines):
            continue
        facts: dict = {}
        after = text[end + 1: end + 200]
        cite = CITATION.search(after)
        if cite and cite.start() < 15:
            facts.update(parse_citation(cite))
            after_cite = after[cite.end():]
            mark = FOOTNOTE_MARK.match(after_cite.lstrip())
            if mark:
                note = next((b for off, mk, b in notes if mk == mark.group("mark") and off > end), None)
                if note is not None:
                    if note.lower().startswith("ibid"):
                        facts["work"] = last_work
                    else:
                        title = re.search(r'"(?:\d{1,2}\.\s+)?([^"]{4,200}?)[,.]?"', note)
                        if title:
                            note_at = text.find(note, end)
                            work = next((w for w in works if note_at >= 0 and
                                         norm.from_raw(w.start) >= note_at and w.text.strip() in note), None)
                            if work is not None:
                                facts["work"] = work.key
                                last_work = work.key
        para_start = text.rfind("\n\n", 0, start) + 2
        speaker = None
        window_after = text[end + 1: end + 60]
        paren = re.match(r'\s*[,.]?\s*\(([A-Z][\w. ]+?)\.?\)', window_after)
        if paren:
            speaker = next((m for s, e, m in person_spans if end < s < end + 60), None)
        if speaker is None and len(group) > 1:
            speaker = nearest_person(persons, person_spans, group[0][1], group[1][0])
        if speaker is None:
            lead = text[para_start:start]
            if SPEECH_VERB.search(lead[-200:]):
                speaker = nearest_person(persons, person_spans, max(para_start, start - 200), start)
        raw_start, raw_end = norm.raw_span(start, end)
        out.append(mention("quotation", raw_start, raw_end, doc.text[raw_start:raw_end], quotation_key(body),
                           "quotation:quoted", passage=body, speaker=speaker.key if speaker else None,
                           volume=facts.get("volume"), page_start=facts.get("page_start"),
                           page_end=facts.get("page_end"), work=facts.get("work")))
    return out
