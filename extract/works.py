"""Works: titles of curated records, and titles the text cites in footnotes or names after a cue."""
from __future__ import annotations

import re

from extract.corpus import Document
from extract.dates import find_dates
from extract.gazetteer import compile_names, find_names, fold
from extract.model import Mention, mention
from extract.registry import Registry, name_key, slugify
from extract.structure import FOOTNOTE_LINE

# A quoted title in a footnote: '[2] "The Trade Unions, ... Mistakes."', possibly after a numbered item "2. ".
FOOTNOTE_TITLE = re.compile(r'"(?:\d{1,2}\.\s+)?(?P<title>[^"\n]{4,200}?)[,.]?"')
# Cues that introduce a title in running text; group "title" runs to the next comma, period or quote.
TITLE_CUES: list[tuple[str, str]] = [
    ("pamphlet", r"\b(?:his|her|the|my|a)\s+(?:pamphlet|book|article|essay|speech|report|theses)\s+"
                 r"(?:entitled\s+|on\s+)?\"(?P<title>[^\"\n]{4,150}?)[,.]?\""),
]


def title_names(registry: Registry) -> dict[str, str]:
    return {fold(n): r.id for r in registry.of_kind("work") for n in r.all_names}


def find_known(text: str, registry: Registry) -> list[tuple[int, int, str, str, str, dict]]:
    names = title_names(registry)
    pattern = compile_names(names)
    return [(s, e, surface, names[fold(surface)], "work:record", {})
            for s, e, surface in find_names(pattern, text) if fold(surface) in names]


def work_key(title: str, registry: Registry) -> str:
    record = registry.by_name("work", title)
    return record.id if record else "new:" + slugify(name_key(title))


def find_cited(text: str, registry: Registry) -> list[tuple[int, int, str, str, str, dict]]:
    """Titles quoted in footnote lines, with the footnote's date as the work's date."""
    out = []
    for line in FOOTNOTE_LINE.finditer(text):
        body_start = line.start("body")
        body = line.group("body")
        for m in FOOTNOTE_TITLE.finditer(body):
            title = m.group("title").strip()
            if len(title.split()) < 1 or title.lower().startswith(("ibid", "see ")):
                continue
            s, e = body_start + m.start("title"), body_start + m.start("title") + len(title)
            after = body[m.end():]
            dates = [d for d in find_dates(after) if d[0] < 40]
            facts = {"published": dates[0][2]} if dates and "/" not in dates[0][2] else {}
            out.append((s, e, title, work_key(title, registry), "work:footnote", facts))
    for rule, cue in TITLE_CUES:
        for m in re.finditer(cue, text):
            title = m.group("title").strip()
            out.append((m.start("title"), m.start("title") + len(title), title, work_key(title, registry),
                        f"work:cue:{rule}", {}))
    return out


def extract_works(doc: Document, registry: Registry, excluded: list[tuple[int, int]] = ()) -> list[Mention]:
    """Work mentions of a document, in text order, mapped back to raw offsets."""
    norm = doc.normalized
    cited = find_cited(norm.text, registry)
    spans = cited + [k for k in find_known(norm.text, registry)
                     if not any(a < k[1] and k[0] < b for a, b, *_ in cited)]
    out = []
    for s, e, surface, key, rule, facts in sorted(spans, key=lambda x: (x[0], x[1])):
        if any(a < e and s < b for a, b in excluded):
            continue
        raw_start, raw_end = norm.raw_span(s, e)
        out.append(mention("work", raw_start, raw_end, doc.text[raw_start:raw_end], key, rule,
                           title=fold(surface), **facts))
    return out
