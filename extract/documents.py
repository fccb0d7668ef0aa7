"""A corpus text's bibliographic record: title, author, date, publisher from byline, header lines and README."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kgpub.extract.dates import find_dates
from kgpub.extract.model import Mention
from kgpub.extract.structure import boilerplate_spans, header_fields

TOP = 1500  # a byline stands near the top of a text
BYLINE = re.compile(r"^[ \t]*(?:by|By|BY)[ \t]+(?P<name>[^\n]{3,60}?)[ \t]*$", re.M)
# A README row describing a text by the row above it: "The same work, whole (chapters I to VII), ...".
SAME_AS_ABOVE = re.compile(r"^\s*(?:The|the)\s+same\s+(?:work|text|book|pamphlet|article|speech)\b")
# A README row that cites the text as "Author, *Title* ...": the italic title is the text's own.
CITED_TITLE = re.compile(r"^[^,*|]{2,60},\s*\*(?P<title>[^*\n]{3,200}?)\*")
MARKUP = re.compile(r"[*`]")
NAME_LINE = re.compile(r"^[ \t]*(?P<name>[A-Z][^\n\d]{2,40}?)(?:,?[ \t]+(?P<year>1[5-9]\d\d|20\d\d))?[ \t]*$", re.M)


@dataclass(frozen=True)
class DocumentRecord:
    """What a text says about itself."""

    title: str
    author: str | None = None          # a person key, as the person mentions resolve it
    date: str | None = None            # ISO value of the date of writing or publication
    publisher: str | None = None
    source: str | None = None
    written: str | None = None         # ISO value of the date of writing ("Written: May 1919")
    first_published: str | None = None  # ISO value of the first publication's date
    translator: str | None = None      # a person key


def first_line(text: str, skip: str | None = None) -> str:
    """The first line of the text that is content (not site navigation, not the byline `skip`)."""
    navigation = boilerplate_spans(text)
    offset = 0
    for line in text.splitlines(keepends=True):
        folded = " ".join(line.split())
        if folded and folded != skip and not any(s.start <= offset < s.end for s in navigation):
            return folded[:300]
        offset += len(line)
    return ""


def byline(text: str, persons: list[Mention]) -> tuple[str | None, str | None, str | None]:
    """(person key, year, the line) of a byline near the top: "by Bob Avakian", or a line that is a name and a year."""
    for pattern in (BYLINE, NAME_LINE):
        for m in pattern.finditer(text, 0, min(len(text), TOP)):
            s, e = m.span("name")
            person = next((p for p in persons if s <= p.start and p.end <= e and p.end - p.start >= e - s - 3), None)
            if person is not None:
                return person.key, m.groupdict().get("year"), " ".join(m.group(0).split())
    return None, None, None


def without_markup(description: str | None) -> str | None:
    """A README description as plain text: its Markdown emphasis and code marks removed."""
    return MARKUP.sub("", description) if description else None


def cited_title(description: str | None) -> str | None:
    """The title of a README description that cites the text ("J. V. Stalin, *Concerning Questions of Leninism*")."""
    m = CITED_TITLE.match(description or "")
    return " ".join(m.group("title").split()) if m else None


def described_author(description: str | None, persons_by_name: dict[str, str]) -> str | None:
    """The author a corpus README's description (without markup) opens with ("J. V. Stalin, Concerning ...")."""
    if not description:
        return None
    for name, key in sorted(persons_by_name.items(), key=lambda kv: -len(kv[0])):
        if description.startswith(name):
            return key
    return None


def document_record(text: str, persons: list[Mention], description: str | None = None,
                    persons_by_name: dict[str, str] | None = None) -> DocumentRecord:
    """The record of one text: its byline and header lines first, the README's description second; but a title
    the README cites the text by (in italics) is preferred to the text's first line, which may be a chapter
    heading or a site's name."""
    plain = without_markup(description)
    author, year, line = byline(text, persons)
    author = author or described_author(plain, persons_by_name or {})
    fields = {name: value for name, value, _s, _e in header_fields(text)}
    date = year
    for candidate in (fields.get("published"), fields.get("written"), fields.get("first published"), plain):
        if date is None and candidate:
            found = find_dates(candidate)
            date = found[0][2].split("/")[0] if found else None
    publisher = fields.get("published")
    if publisher:
        publisher = re.sub(r",?\s*(?:\d{1,2}\s+)?(?:[A-Z][a-z]+\s+)?\d{4}\.?$", "", publisher).strip() or None
    title = cited_title(description) or first_line(text, skip=line)
    return DocumentRecord(title, author, date, publisher, fields.get("source"))


def first_date(value: str | None) -> str | None:
    found = find_dates(value) if value else []
    return found[0][2].split("/")[0] if found else None


def field_person(fields: list[tuple[str, str, int, int]], persons: list[Mention], word: str) -> str | None:
    """The key of the first person named in the value of a header field whose name holds `word`."""
    for name, _value, start, end in fields:
        if word in name:
            person = next((p for p in persons if start <= p.start and p.end <= end), None)
            if person is not None:
                return person.key
    return None


def page_record(record: DocumentRecord, doc, persons: list[Mention]) -> DocumentRecord:
    """A record completed by what a page (HTML or text) says in its header lines and, for HTML, its headings:
    the author's and title's headings, the dates written and first published, the translator, the source."""
    from kgpub.extract.markup import author_heading, head_parts, title_heading
    fields = header_fields(doc.text)
    values = {name: value for name, value, _s, _e in fields}
    written = first_date(values.get("written"))
    published = first_date(values.get("first published") or values.get("published"))
    author, title = record.author, record.title
    if doc.media_type == "text/html":
        heading = author_heading(doc)
        person = heading and next((p for p in persons if heading.start <= p.start < heading.end), None)
        author = person.key if person else author
        page_title = title_heading(doc)
        title = page_title.text if page_title else (head_parts(doc)[1] or title)
        lines = [line.strip() for a, b in doc.evidence("info") for line in doc.text[a:b].split("\n")]
        source = record.source or next((line[5:] for line in lines if line.startswith("From ")), None)
        record = replace(record, source=source)
    return replace(record, author=author, title=title, written=written, first_published=published,
                   date=published or record.date or written,
                   translator=field_person(fields, persons, "translat"),
                   source=record.source or values.get("first published"))


def document_records(corpus: list, registry, descriptions: dict[str, str]
                     ) -> dict[str, tuple[DocumentRecord, str | None]]:
    """(record, README description without its markup) of every document of a corpus (DocumentMentions), by id.

    A README row describing a text as "The same work, ..." as the row above gives it that row's author and,
    unless it cites a title of its own, that row's title."""
    names = {n: r.id for r in registry.of_kind("person") for n in r.all_names}
    out = {}
    previous: DocumentRecord | None = None
    for dm in corpus:
        description = descriptions.get(dm.doc.doc_id)
        record = page_record(document_record(dm.doc.text, dm.of_kind("person"), description, names), dm.doc,
                             dm.of_kind("person"))
        if previous is not None and description and SAME_AS_ABOVE.match(description):
            record = replace(record, author=record.author or previous.author,
                             title=cited_title(description) or previous.title)
        out[dm.doc.doc_id] = (record, without_markup(description))
        previous = record
    return out
