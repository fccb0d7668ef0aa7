"""Works: titles of curated records, and titles the text cites in footnotes or before an edition's volume, names
after a cue or heads with."""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from kgpub.extract.citations import EDITION_CITATION
from kgpub.extract.corpus import Document
from kgpub.extract.dates import MONTHS, find_dates
from kgpub.extract.gazetteer import compile_names, find_names, fold, fold_quotes
from kgpub.extract.markup import author_heading, emphasised_titles, title_heading
from kgpub.extract.model import Mention, mention
from kgpub.extract.registry import Registry, name_key, slugify
from kgpub.extract.structure import editorial_notes, footnotes, header_fields

# A quoted title in a footnote: '[2] "The Trade Unions, ... Mistakes."', possibly after a numbered item "2. ".
# Single quotes inside are part of the title ("Foreword to the Published Speech 'On Deceiving ...'").
FOOTNOTE_TITLE = re.compile(r'"(?:\d{1,2}\.\s+)?(?P<title>[^"\n]{4,200}?)[,.]?"')
# What kind of text a cue word announces; "the pamphlet X", "his article X", "Zinoviev's book X".
KIND_WORDS = (r"pamphlet|booklet|book|article|essay|speech|report|theses|thesis|letter|work|resolution|"
              r"programme|program|manifesto|preface|foreword|introduction|newspaper|journal|magazine|review|"
              r"organ|polemic|treatise|appeal|declaration|document")
OWNER = r"(?:(?P<det>his|her|their|my|our|the|a|an|in)|(?P<owner>[A-Z][\w-]+)'s?)"
# Words a title may hold besides capitalised ones; a title never ends on one of them.
SMALL_WORDS = {"of", "the", "and", "in", "on", "to", "a", "an", "with", "for", "over", "about", "at", "by",
               "from", "against", "as", "into", "or", "its", "their", "our", "is", "are"}
TITLE_WORD = r"(?:[A-Z0-9][\w'.()-]*|\"[A-Z][\w'-]*\"|'[A-Z][\w-]*')"
SMALL = "|".join(sorted(SMALL_WORDS))
GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"  # a title runs on across a line break, never across a blank line
SMALL_BEFORE_WORD = rf"(?:{SMALL})(?=(?:{GAP}(?:{SMALL}))*{GAP}[\"']?[A-Z0-9])"  # "of the" inside a title
UNQUOTED_TITLE = rf"(?P<title>{TITLE_WORD}(?:{GAP}(?:{TITLE_WORD}|{SMALL_BEFORE_WORD}))*\??)"
# a quoted title may run on across one line break (a printed line ends inside it), never across a blank line
QUOTED_TITLE = r"\"(?:\d{1,2}\.\s+)?(?P<title>(?:[^\"\n]|\n(?![ \t]*\n)){4,200}?)[,.]?\""
# One describing word between the determiner and the kind: "the international journal X", "his famous article X".
ADJECTIVE = rf"(?:(?!(?:{SMALL}|entitled|called)\s)[a-z][a-z-]+\s+)?"
MONTH = "(?:" + "|".join(name.capitalize() for name in MONTHS) + ")"
DAY_DATE = rf"(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}),?\s+1[89]\d\d\b"
SEE = r"\((?:[Ss]ee|[Cc]f\.)\s+(?:(?P<owner>[A-Z][\w-]+)'s\s+)?(?!Vol|vol|p\.|pp\.|Ibid|ibid|this|above|below)"
# Cues that introduce a title in running text; group "title" is the title, "owner" a possessor's name.
TITLE_CUES: list[tuple[str, str]] = [
    ("kind-quoted", rf"\b{OWNER}\s+{ADJECTIVE}(?:{KIND_WORDS})\s+(?:entitled\s+|called\s+|on\s+)?{QUOTED_TITLE}"),
    ("kind", rf"\b{OWNER}\s+{ADJECTIVE}(?:{KIND_WORDS})\s+(?:entitled\s+|called\s+)?{UNQUOTED_TITLE}"),
    ("his-quoted", rf"\b(?:his|her|(?P<owner>[A-Z][\w-]+)'s)\s+{QUOTED_TITLE}"),
    ("see-quoted", rf"{SEE}{QUOTED_TITLE}[.,;]?\)"),
    ("see", rf"{SEE}{UNQUOTED_TITLE}[.,;]?\)"),
    # a meeting's resolution and its quoted title: 'the resolution of the Fourteenth Party Conference "The Tasks ..."'
    ("kind-of-quoted", rf"\b(?:the|a|an)\s+{ADJECTIVE}(?:{KIND_WORDS})\s+(?:of|at|by)\s+(?:the\s+)?"
                       rf"(?:[A-Z][\w.()-]*{GAP}){{1,5}}{QUOTED_TITLE}"),
    # a title-cased quoted name with an edition's footnote number glued on: '"The Philosophy of the Epoch."34'
    ("quoted-footnoted", rf"{QUOTED_TITLE}(?=\d{{1,3}}(?!\d))"),
    # a newspaper cited by its issue: "(Kurskaya Pravda, No. 279, December 8, 1925)"
    ("periodical", r"\((?P<title>[A-Z][\w-]+(?:[ \t]+[A-Z][\w-]+){0,3}),\s+No\.\s*\d"),
    # or by the day of its issue, the name two words or more: "(Krasnaya Gazetta, November 23, 1920)",
    # "(see Soviet Russia, August 23, 1920)"; not a place's dateline ("(New York, March 3, 1920)")
    ("periodical", rf"\((?:see\s+|See\s+)?(?!New\s+York\b)(?P<title>[A-Z][\w-]+(?:[ \t]+[A-Z][\w-]+){{1,3}}),\s+"
                   rf"{DAY_DATE}"),
    # a quoted title opening a citation: '("The Trade Unions, ...", LCW, vol. 32, p. 20)'
    ("cite-quoted", rf"\(\s*{QUOTED_TITLE}\s*,\s*[^()\n]{{0,60}}?(?:\b[Vv]ol\.|\b[Vv]olume\b|\bpp?\.)"),
]
# A kind word alone: "his pamphlet" carries no title when what follows is not one.
NOT_TITLES = {"The", "This", "That", "In", "It", "A", "An", "I", "We", "He", "They", "There", "Here", "Vol",
              "See", "Ibid", "Lenin", "Party", "Comrade"}
# Lines that open a web transcription or an edition: "From "Democracy: ..."", "by Bob Avakian", "Lev Kamenev 1920".
FROM_LINE = re.compile(r"^[ \t]*From\s+\"(?P<title>[^\"\n]{4,200})\"[ \t]*$", re.M)
BY_LINE = re.compile(r"^[ \t]*(?:by|By|BY)\s+(?P<name>[A-Z][^\n]{2,60}?)[ \t]*$", re.M)
AUTHOR_YEAR_LINE = re.compile(
    r"^[ \t]*(?P<name>(?:[A-Z][\w.'-]*[ \t]+){1,3}[A-Z][\w'-]+)(?:[ \t]+(?P<year>1[5-9]\d\d|20\d\d))?[ \t]*$", re.M)
DATED_FIELDS = {"written", "published", "first published", "delivered"}
HEADING_LINE = re.compile(r"^[ \t]*(?:[IVXLC|]{1,5}\.\s+)?(?P<title>[A-Z][^\n]{3,150}?)[ \t]*$", re.M)
FUZZY_RATIO = 0.94  # an OCR typo or two in a long title ("Commmism") still names the record


@dataclass
class Found:
    """A title found in the repaired text, with the facts the text gives about its work."""

    start: int
    end: int
    surface: str
    key: str
    rule: str
    facts: dict = field(default_factory=dict)


def title_names(registry: Registry) -> dict[str, str]:
    return {fold_quotes(n): r.id for r in registry.of_kind("work") for n in r.all_names}


def find_known(text: str, registry: Registry) -> list[Found]:
    """Titles of curated records, whichever quotes the text puts around their quoted words."""
    names = title_names(registry)
    pattern = compile_names(names, any_quotes=True)
    return [Found(s, e, surface, names[fold_quotes(surface)], "work:record")
            for s, e, surface in find_names(pattern, text) if fold_quotes(surface) in names]


def clean_title(title: str) -> str:
    """A title without the punctuation that closes the sentence around it ("Equality.'" -> "Equality'")."""
    title = fold(title).strip(" ,;:")
    title = re.sub(r"[,.;:]+(['\"])$", r"\1", title)
    return title.rstrip(",;:")


def record_for(title: str, registry: Registry):
    """The curated record a title names: exactly (by spelling-insensitive key) or with an OCR typo or two."""
    record = registry.by_name("work", title)
    if record is not None:
        return record
    key = name_key(title)
    if len(key) < 12:
        return None
    best = max(((difflib.SequenceMatcher(None, key, name_key(n)).ratio(), r) for r in registry.of_kind("work")
                for n in r.all_names), key=lambda x: x[0], default=(0, None))
    return best[1] if best[0] >= FUZZY_RATIO else None


def work_key(title: str, registry: Registry) -> str:
    record = record_for(title, registry)
    # hyphens do not tell titles apart: "On Co-operation" is "On Cooperation" rejoined across a line break
    return record.id if record else "new:" + slugify(name_key(title.replace("-", "")))


def split_date(title: str) -> tuple[str, str | None]:
    """'Speech at ..., July 31, 1919' -> ('Speech at ...', '1919-07-31'): a date closing a title dates it."""
    for start, end, value, _rule in find_dates(title):
        head = title[:start].rstrip()
        if end >= len(title.rstrip(" .,'\"")) and head.endswith(",") and "/" not in value:
            return head.rstrip(","), value
    return title, None


def trim_title(title: str) -> str:
    """An unquoted title without the small words that follow it in the sentence ("Leninism to be" -> "Leninism"),
    and ending where a sentence ends ("On Co-operation. But" -> "On Co-operation")."""
    title = re.sub(r"(?<=[.)])\.?\s*\d{1,2}$", "", title)  # a footnote number after the title
    end = re.search(r"(?<=[a-z\d'\"]{3})\.(?:\s|$)", title)
    title = title[:end.start()] if end else title
    # the year of the sentence, not of the title: "the journal A World To Win in 1992"
    title = re.sub(r"\s+in\s+(?:1[5-9]\d\d|20\d\d)$", "", title)
    words = title.split()
    while words and words[-1].lower() in SMALL_WORDS:
        words.pop()
    return " ".join(words)


def reference_mark(text: str, body_start: int, mark: str) -> int:
    """Where the text refers to a footnote: the last "[mark]" before its body that does not open a line."""
    at = body_start
    while (at := text.rfind(f"[{mark}]", 0, at)) > 0:
        if text[at - 1] != "\n":
            return at
    return body_start


def find_cited(text: str, registry: Registry) -> list[Found]:
    """Titles quoted in footnotes and editorial notes, with a date right after a title as its work's date."""
    out = []
    for note in footnotes(text) + editorial_notes(text):
        body = text[note.start:note.end]
        for m in FOOTNOTE_TITLE.finditer(body):
            title, published = split_date(clean_title(m.group("title")))
            if len(title) < 4 or title.lower().startswith(("ibid", "see ")):
                continue
            s = note.start + m.start("title")
            after = body[m.end():]
            if published is None:
                dates = [d for d in find_dates(after) if d[0] < 6]
                published = dates[0][2] if dates and "/" not in dates[0][2] else None
            facts = {"published": published} if published else {}
            facts["cited_at"] = reference_mark(text, note.start, note.label)
            out.append(Found(s, s + len(title), title, work_key(title, registry), "work:footnote", facts))
    return out


def find_edition_cited(text: str, registry: Registry) -> list[Found]:
    """Titles cited before an edition's volume, by their author: "Lenin, Notes for a Speech at the 10th Congress,
    Collected Works, Volume 36, pages 535-537"."""
    out = []
    for m in EDITION_CITATION.finditer(text):
        title = trim_title(m.group("title") or "")
        if len(title) < 4 or title in NOT_TITLES:
            continue
        s = m.start("title")
        out.append(Found(s, s + len(title), title, work_key(title, registry), "work:cue:edition",
                         {"owner": m.group("author")}))
    return out


def title_shaped(title: str) -> bool:
    """Whether a quoted phrase reads as a title: two to twenty words, every word but the small ones capitalised."""
    words = [w.strip("\"'(") for w in title.split()]
    return 2 <= len(words) <= 20 and all(w[:1].isupper() for w in words if w.lower() not in SMALL_WORDS)


def span_in(raw: str, title: str, at: int) -> tuple[int, int]:
    """Where a whitespace-folded title lies in the raw match starting at `at` (a line break may sit inside)."""
    m = re.search(r"\s+".join(map(re.escape, title.split())), raw)
    return (at + m.start(), at + m.end()) if m else (at, at + len(title))


def find_cued(text: str, registry: Registry) -> list[Found]:
    """Titles named after a cue of the genre: "his pamphlet On the Trade Unions", "(See X.)"."""
    out = []
    for rule, cue in TITLE_CUES:
        for m in re.finditer(cue, text):
            raw = m.group("title")
            title = clean_title(raw) if raw.count('"') % 2 == 0 else raw
            if "quoted" not in rule and not raw.startswith('"'):
                title = trim_title(title)
            title, published = split_date(title)
            if len(title) > 2 and title[0] == title[-1] == '"' and '"' not in title[1:-1]:
                title = title[1:-1]  # (see "Reply"): the marks enclose the title, they are not part of it
            words = title.split()
            if not words or words[0] in NOT_TITLES and len(words) == 1 or len(title) < 4:
                continue
            if "quoted" in rule and (len(words) < (1 if rule == "kind-quoted" else 3) or not title[0].isupper()):
                continue  # scare quotes ("his 'theory'"), not a title
            if ("\n" in raw or rule == "quoted-footnoted") and not title_shaped(title):
                continue  # a quotation running over lines, or a footnoted one, is not a title unless it looks one
            s, e = span_in(raw, title, m.start("title"))
            facts = {"published": published} if published else {}
            if m.groupdict().get("owner"):
                facts["owner"] = m.group("owner")
            if m.groupdict().get("det") in {"his", "her"} or rule == "his-quoted" and not facts.get("owner"):
                facts["pronoun"] = True  # "his pamphlet X": the person the sentence is about
            if m.groupdict().get("det") in {"my", "our"}:
                facts["no_author"] = True  # the text's own author, whom the text does not name here
            out.append(Found(s, e, title, work_key(title, registry), f"work:cue:{rule}", facts))
    return out


def opening_block(text: str) -> int:
    """Where the opening of a text (title, byline, header lines) ends: at its first paragraph of prose."""
    for m in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        words, lines = len(m.group(0).split()), m.group(0).count("\n") + 1
        if words >= 25 and words / lines >= 8 or len(m.group(0)) >= 200 and lines == 1:
            return m.start()
    return len(text)


def title_case(title: str) -> str:
    """'CONCERNING QUESTIONS OF LENINISM' -> 'Concerning Questions of Leninism'."""
    words = title.lower().split()
    return " ".join(w if i and w in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def header_year(text: str) -> str | None:
    """The date of a "Written:" or "Published:" header line, which dates the text's own work."""
    for name, value, _s, _e in header_fields(text):
        dates = [d for d in find_dates(value) if "/" not in d[2]]
        if name in DATED_FIELDS and dates:
            return dates[0][2]
    return None


def find_headed(text: str, registry: Registry, persons: list[tuple[int, int, Mention]] = ()) -> list[Found]:
    """The text's own title and the work it comes from, from the lines that open it.

    'From "X"' names the work excerpted; the line before "by NAME" or after "NAME 1920" is the title
    (its author NAME, its year 1920); a heading in capitals at the top is a title too."""
    end = opening_block(text)
    out: list[Found] = []
    by = BY_LINE.search(text, 0, end)
    # the author's line: a name and a year, or a line that is a person's name and nothing else
    author_year = next((m for m in AUTHOR_YEAR_LINE.finditer(text, 0, end) if m.group("year") or any(
        s <= m.start("name") and m.end("name") <= e for s, e, _ in persons)), None)
    for m in FROM_LINE.finditer(text, 0, end):
        title = clean_title(m.group("title"))
        out.append(Found(m.start("title"), m.start("title") + len(title), title, work_key(title, registry),
                         "work:heading:from"))
    lines = list(HEADING_LINE.finditer(text, 0, end))
    for i, m in enumerate(lines):
        title = m.group("title")
        facts: dict = {}
        if by and m.end() < by.start() and not text[m.end():by.start()].strip():
            rule, facts["author_name"] = "work:heading:by", by.group("name")
            facts["published"] = header_year(text)
        elif author_year and i > 0 and lines[i - 1].start() == author_year.start():
            rule, facts["author_name"] = "work:heading:author-year", author_year.group("name")
            facts["published"] = author_year.group("year") or header_year(text)
        elif title.isupper() and len(title.split()) >= 2 and "|" not in title:
            rule = "work:heading:capitals"
        else:
            continue
        if ":" in title and rule == "work:heading:capitals" or title.endswith("."):
            continue
        s = m.start("title")
        parts = [(s, title)]
        if " from " in title:  # "The Dictatorship of the Proletariat from The Foundations of Leninism"
            head, _, tail = title.partition(" from ")
            parts = [(s, head), (s + len(head) + 6, tail)]
        for at, part in parts:
            named = title_case(part) if part.isupper() else part
            out.append(Found(at, at + len(part), named, work_key(named, registry), rule, dict(facts)))
    return out


def find_marked(doc: Document, registry: Registry, persons: list[Mention] = ()) -> list[Found]:
    """Works an HTML page's markup names: its own title (its heading, by the author its heading names) and the
    titles it sets in italics or bold."""
    norm = doc.normalized
    out = []
    title = title_heading(doc)
    if title is not None:
        author = author_heading(doc)
        facts = {"author_name": fold(author.text)} if author else {}
        out.append(Found(norm.from_raw(title.start), norm.from_raw(title.end), fold(title.text),
                         work_key(fold(title.text), registry), "work:" + title.rule, facts))
    for span in emphasised_titles(doc, [(m.start, m.end) for m in persons]):
        named = fold(span.text)
        out.append(Found(norm.from_raw(span.start), norm.from_raw(span.end), named, work_key(named, registry),
                         "work:" + span.rule))
    return out


def overlaps(a: Found, spans: list[Found]) -> bool:
    return any(b.start < a.end and a.start < b.end for b in spans)


def person_at(persons: list[tuple[int, int, Mention]], start: int, end: int) -> Mention | None:
    """The person mention covering [start, end) of the repaired text, if any."""
    return next((m for s, e, m in persons if s < end and start < e), None)


def person_before(persons: list[tuple[int, int, Mention]], text: str, at: int, reach: int = 400,
                  sentence: bool = True) -> Mention | None:
    """The nearest person mention before `at` within its sentence ("Lenin says ... in his pamphlet X"),
    or within its paragraph (a footnote's mark after a quotation: "... says Lenin, "..." (See ...)[1]")."""
    boundary = r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z])|\n\s*\n" if sentence else r"\n\s*\n"
    ends = [m.end() for m in re.finditer(boundary, text[max(0, at - reach):at])]
    floor = max(0, at - reach) + (ends[-1] if ends else 0)
    paragraph = text.rfind("\n\n", 0, at) + 1
    # a person named inside a quotation is talked about; the one who speaks is named outside it
    before = [m for s, e, m in persons if floor <= s and e <= at and text.count('"', paragraph, s) % 2 == 0]
    return before[-1] if before else None


def author_of(f: Found, text: str, persons: list[tuple[int, int, Mention]], registry: Registry) -> str | None:
    """The person key of a work's author, when the text says it: owner ("Zinoviev's book"), byline, "his"."""
    owner = f.facts.pop("owner", None)
    name = f.facts.pop("author_name", None)
    cited_at = f.facts.pop("cited_at", None)
    record = registry.get("work", f.key)
    if f.facts.pop("no_author", False) or record is not None and record.facts.get("author"):
        return None  # the record knows
    if owner or name:
        target = text.find(owner or name, max(0, f.start - 400) if owner else 0)
        m = person_at(persons, target, target + len(owner or name)) if target >= 0 else None
        return m.key if m else None
    if f.rule == "work:footnote" or f.facts.pop("pronoun", False):
        m = person_before(persons, text, f.start if cited_at is None else cited_at, sentence=cited_at is None)
        return m.key if m else None
    return None


def extract_works(doc: Document, registry: Registry, excluded: list[tuple[int, int]] = (),
                  persons: list[Mention] = ()) -> list[Mention]:
    """Work mentions of a document, in text order, mapped back to raw offsets."""
    norm = doc.normalized
    text = norm.text
    person_spans = [(norm.from_raw(m.start), norm.from_raw(m.end), m) for m in persons]
    spans = find_cited(text, registry)
    marked = find_marked(doc, registry, persons)
    # a page's heading says which line is its title better than the shape of its opening lines
    headed = [] if any(f.rule == "work:html:title-heading" for f in marked) else find_headed(text, registry,
                                                                                             person_spans)
    for f in (find_known(text, registry) + headed + find_cued(text, registry)
              + find_edition_cited(text, registry) + marked):
        if f.rule == "work:cue:periodical":  # "Kurskaya Pravda" is its own paper, not "Pravda"
            spans = [g for g in spans if not (f.start <= g.start and g.end <= f.end and g.rule == "work:record")]
        if not overlaps(f, spans):
            spans.append(f)
    kept = [f for f in sorted(spans, key=lambda x: (x.start, x.end))
            if not any(a < f.end and f.start < b for a, b in excluded)]
    authors = [author_of(f, text, person_spans, registry) for f in kept]
    keys = short_title_keys(kept, authored_keys(kept, authors))
    out = []
    for f, author, key in zip(kept, authors, keys, strict=True):
        raw_start, raw_end = norm.raw_span(f.start, f.end)
        out.append(mention("work", raw_start, raw_end, doc.text[raw_start:raw_end], key, f.rule,
                           title=fold(f.surface), author=author, **f.facts))
    return out


# A shorter title names a longer one of the same text only when the longer goes on from it with a preposition: "the
# Declaration" is the "Declaration by the Editorial Board" named before, where "Capital" is not "Capital and Labour".
TITLE_HEAD_LINKS = frozenset({"by", "of", "to", "on", "for", "from", "in", "at", "against", "concerning"})


def short_title_keys(found: list[Found], keys: list[str]) -> list[str]:
    """A title cut short in one place and given in full in another of the same text ("The Tasks of the Comintern and
    the R.C.P.(B.)" ... "The Tasks of the Comintern and the R.C.P.(B.) in Connection with ...") is one work."""
    words = [name_key(f.surface).split() for f in found]
    out = list(keys)
    for i, short in enumerate(words):
        if not keys[i].startswith("new:") or not short:
            continue
        longer = [j for j, w in enumerate(words) if len(w) > len(short) and w[:len(short)] == short
                  and keys[j].startswith("new:") and (len(short) >= 4 or w[len(short)] in TITLE_HEAD_LINKS)]
        if longer:
            out[i] = keys[max(longer, key=lambda j: len(words[j]))]
    return out


def authored_keys(found: list[Found], authors: list[str | None]) -> list[str]:
    """Keys of works no record knows, told apart by author where the text names one: Kamenev's and Stalin's
    "The Dictatorship of the Proletariat" are two works. Within one text a title is one work, by the author
    most of its mentions give."""
    by_title: dict[str, Counter] = {}
    for f, author in zip(found, authors, strict=True):
        if f.key.startswith("new:") and author:
            by_title.setdefault(f.key, Counter())[author] += 1
    keys = []
    for f in found:
        counts = by_title.get(f.key)
        if not f.key.startswith("new:") or not counts:
            keys.append(f.key)
        else:
            author = counts.most_common(1)[0][0]
            keys.append(f"{f.key}--{slugify(author.removeprefix('new:'))}")
    return keys
