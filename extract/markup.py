"""What an HTML page's markup says: its author's and title's headings, its credits, and titles set in italics or bold.

Every function takes the document's raw text and its evidence (extract.html) and returns raw-text spans; a
plain text has no evidence, and every function then finds nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kgpub.extract.corpus import Document
from kgpub.extract.structure import HEADER_FIELD

INITIALS = r"(?:[A-Z][a-z]?\.[ \t]?){1,3}"
NAME_WORD = r"(?:(?:Mac|Mc|O['\u2019]|D['\u2019])?[A-Z][a-z\u00e0-\u00ff]+(?:-[A-Z][a-z\u00e0-\u00ff]+)?)"
PARTICLE = r"(?:von|van|de|der|den|du|la|le)"
# A person's name as a page sets it in a heading or a credit: "Clara Zetkin", "V. I. Lenin", "Wm. Z. Foster",
# "R. Palme Dutt", "Einde O'Callaghan", "Georg Ludwig von Maurer".
PERSON = rf"(?:{INITIALS}|{NAME_WORD}[ \t]+)(?:{INITIALS}|(?:{NAME_WORD}|{PARTICLE})[ \t]+){{0,3}}{NAME_WORD}"
PERSON_LINE = re.compile(rf"^(?P<name>{PERSON})\.?$")
# What a credit line's label says somebody did to the page.
CREDIT = re.compile(r"\b(?:[Tt]ranscri\w*|[Mm]ark(?:ed)?[- ]?[Uu]p|HTML|[Pp]roof-?read\w*|[Tt]ranslat\w*|"
                    r"[Ee]dit(?:ed|or)\w*|[Cc]orrect\w*|[Ss]canned|[Cc]onverted)\b")
CREDIT_NAME = re.compile(PERSON)
# Words that are not in a person's name, though capitalised in a credit line.
NOT_PERSON_WORDS = {"Marxists", "Marxist", "Internet", "Archive", "Archives", "Public", "Domain", "Creative",
                    "Commons", "Progress", "Publishers", "Publishing", "Press", "Library", "Books", "House", "The",
                    "For", "From", "And", "With", "Source", "Transcription", "Markup", "Translated", "Edited",
                    "Proofread", "Proofreader", "Online", "Version", "Copyleft", "Foreign", "Languages", "Lenin",
                    "Collected", "Works", "Volume", "Vol", "International", "Party", "Communist", "Socialist",
                    "Labour", "Labor", "Monthly", "Review", "New", "York", "London", "Moscow", "Ltd", "Co",
                    "University", "Institute", "Society", "Editorial", "Board", "Committee", "January", "February",
                    "March", "April", "May", "June", "July", "August", "September", "October", "November",
                    "December", "Notes", "Note", "Originally", "Published", "Written", "First", "Html", "Xhtml"}
SMALL = {"of", "the", "and", "in", "on", "to", "a", "an", "with", "for", "over", "about", "at", "by", "from",
         "against", "as", "into", "or", "its", "their", "our", "is", "are", "after", "under", "between", "upon",
         "der", "die", "das", "und", "von", "zur", "zum", "des", "den", "dem", "im", "la", "le", "les", "et", "de",
         "du", "l", "d", "en", "au", "aux"}
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
# A page's own furniture in bold or italics: field labels, the archive's name, a translator's signature.
FURNITURE = re.compile(r"(?:Internet Archive|Marxists|marxists\.org|\bPublishers\b|^(?:Translator|Editor|Note|Notes|"
                       r"Footnotes?|Endnotes?|Source|Ibid|Top of the page|Contents|Index|Preface|Introduction)\W*$)",
                       re.I)
FIELD_LABEL = re.compile(rf"^(?:{HEADER_FIELD})(?:\s*(?:/|&|,|and)\s*(?:{HEADER_FIELD}))*\s*:\s*", re.I)
MAX_TITLE = 160


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    rule: str


def folded(s: str) -> str:
    return " ".join(s.split())


def head_parts(doc: Document) -> tuple[str, str]:
    """(author, title) of the page's <title> when it reads "Author: Title (date)", else ("", the whole)."""
    head = doc.meta.get("head_title", "")
    author, sep, title = head.partition(": ")
    if not sep or len(author.split()) > 5:
        return "", head
    return author.strip(), re.sub(r"\s*\([^()]*\)\s*$", "", title).strip()


def opening_headings(doc: Document) -> list[tuple[int, int]]:
    """The headings before the page's first paragraph of running text (its information block or body)."""
    headings = doc.evidence("heading")
    info = doc.evidence("info")
    first_info = info[0][0] if info else None
    out = []
    for s, e in headings:
        if first_info is not None and s > first_info:
            break
        if out and len(doc.text[out[-1][1]:s].strip()) > 400:
            break  # a heading after running text heads a section, not the page
        out.append((s, e))
    return out[:6]


def author_heading(doc: Document) -> Span | None:
    """The heading that names the page's author: the <title>'s "Author:" part, or a heading that is a name."""
    head_author, _ = head_parts(doc)
    for s, e in opening_headings(doc):
        line = folded(doc.text[s:e])
        if head_author and line == head_author and PERSON_LINE.match(line) or PERSON_LINE.match(line) and (
                not set(WORD.findall(line)) & NOT_PERSON_WORDS and (re.search(INITIALS, line) or head_author)):
            name = PERSON_LINE.match(line).group("name")
            at = doc.text.index(name[:len(name.split()[0])], s)
            return Span(at, at + len(name), name, "html:author-heading")
    return None


def title_heading(doc: Document) -> Span | None:
    """The heading that is the page's own title: the <title>'s title part, else the first <h1>."""
    _, head_title = head_parts(doc)
    author = author_heading(doc)
    candidates = [(s, e) for s, e in opening_headings(doc) if not author or not (s <= author.start < e)]
    for s, e in candidates:
        line = folded(doc.text[s:e])
        if head_title and (line == head_title or len(min(line, head_title, key=len)) > 12 and (
                head_title.startswith(line) or line.startswith(head_title))):
            return Span(s, e, line, "html:title-heading")
    levels = {(s, e): d for k, s, e, d in doc.meta.get("evidence", ()) if k == "heading"}
    for s, e in candidates:
        line = folded(doc.text[s:e])
        if levels.get((s, e)) == "1" and not re.fullmatch(r"\(?[\w ,.]*\d{4}\)?", line) and len(line) <= MAX_TITLE:
            return Span(s, e, line, "html:title-heading")
    return None


def credited_names(doc: Document) -> list[Span]:
    """Persons a credit line of the information block names: "Transcribed & marked up by Einde O'Callaghan",
    "Translated: Clemens Dutt, Edited by Robert Daglish"."""
    out = []
    for s, e in doc.evidence("info"):
        at = s
        for line in doc.text[s:e].split("\n"):
            label, colon, value = line.partition(":")
            start = at + (len(label) + 1 if colon else 0)
            if not CREDIT.search(label if colon else line) or not colon and " by " not in line:
                at += len(line) + 1
                continue
            body = value if colon else line[line.index(" by ") + 4:]
            offset = at + len(line) - len(body) if not colon else start
            for m in CREDIT_NAME.finditer(body):
                words = WORD.findall(m.group(0))
                if len(words) + m.group(0).count(".") < 2 or set(words) & NOT_PERSON_WORDS:
                    continue
                out.append(Span(offset + m.start(), offset + m.end(), m.group(0), "html:credit"))
            at += len(line) + 1
    return out


def title_shaped(title: str) -> bool:
    """Whether an emphasised phrase reads as a title: it opens with a capital and most of its words have one."""
    words = WORD.findall(title)
    if not words or not title[:1].isupper() and title[:1] not in "\"'\u2018\u201c":
        return False
    content = [w for w in words if w.lower().strip("'\u2019") not in SMALL]
    capitals = sum(1 for w in content if w[:1].isupper())
    return bool(content) and capitals * 2 >= len(content) and words[0][:1].isupper() and len(words) <= 25


def sentence_initial(text: str, at: int) -> bool:
    before = text[max(0, at - 4):at]
    return at == 0 or bool(re.search(r"(?:[.!?:][\"'\u201d\u2019)]?\s+|\n\s*|^\s*)[\"'\u201c\u2018(]?$", before))


def emphasised_titles(doc: Document, person_spans: list[tuple[int, int]] = ()) -> list[Span]:
    """Titles the page sets in italics (<em>, <i>, <cite>) or bold: title-shaped, not a person's name, not the
    page's furniture, not a single word opening a sentence (an emphasis)."""
    text = doc.text
    lower_words = None
    out = []
    info = doc.evidence("info")
    for kind in ("title", "strong"):
        for s, e in doc.evidence(kind):
            line_end = text.find("\n", s, e)
            if line_end >= 0:
                e = line_end
            raw = text[s:e]
            title = FIELD_LABEL.sub("", folded(raw)).strip(" ,;:.\u2013-")
            title = title.strip("\"'\u201c\u201d\u2018\u2019") if title.count("\u201c") != 1 else title
            if not title or len(title) > MAX_TITLE or not title_shaped(title) or FURNITURE.search(title):
                continue
            if raw.rstrip().endswith(":") and any(a <= s < b for a, b in info):
                continue   # a field's label: "Source:"
            if any(a <= s and e <= b for a, b in person_spans):
                continue   # one person's name never becomes a work's
            words = WORD.findall(title)
            if len(words) == 1:
                if lower_words is None:
                    lower_words = set(re.findall(r"\b[a-z][a-z'-]+\b", text))
                if sentence_initial(text, s) and words[0].lower() in lower_words or len(words[0]) < 3:
                    continue
            at = s + raw.index(title[:10]) if title[:10] in raw else s
            out.append(Span(at, at + len(title), title, f"html:{'italic' if kind == 'title' else 'bold'}"))
    return sorted(out, key=lambda x: (x.start, x.end))
