"""Full-text search over names, other names, titles and quotation text: an SQLite FTS5 index built from the store."""
from __future__ import annotations

import html
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kgpub.ontology.kinds import BROWSED, identifying_classes
from kgpub.ontology.vocab import sparql_prefixes

INDEX_FILE = "search.sqlite"
# the kinds of resource a reader looks for, with the classes that make one (the project's first, schema.org's after)
KIND_CLASSES = tuple((kind.name, tuple(map(str, identifying_classes(kind)))) for kind in BROWSED)
KIND_ORDER = {kind: i for i, (kind, _) in enumerate(KIND_CLASSES)}
# name, other names, body text: a hit in a name counts most
WEIGHTS = (10.0, 5.0, 1.0)
MAX_MATCHES = 5000  # facets are counted over at most this many of the best matches
HIT_OPEN, HIT_CLOSE = "\x02", "\x03"

SCHEMA_SQL = """
CREATE VIRTUAL TABLE entries USING fts5(name, other, body, iri UNINDEXED, kind UNINDEXED, label UNINDEXED,
                                        byline UNINDEXED,
                                        tokenize = "unicode61 remove_diacritics 2");
CREATE TABLE facets (entry INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL);
CREATE INDEX facets_by_entry ON facets (entry);
CREATE INDEX facets_by_value ON facets (facet, value);
"""


def rows(store: ox.Store, text: str) -> list[tuple]:
    result = store.query(sparql_prefixes() + text)
    names = [v.value for v in result.variables]
    return [tuple(None if s[n] is None else s[n].value for n in names) for s in result]


@dataclass
class Entry:
    """One findable resource: its names and text, and the facets it can be narrowed by."""

    iri: str
    kind: str
    name: str = ""
    other: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    authors: dict[str, str] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    works: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or (self.body[0][:160] if self.body else self.iri)

    @property
    def byline(self) -> str:
        """Who wrote or said it, and the work it is cited from: shown under a result."""
        return ", ".join([*sorted(self.authors.values()), *self.works])


def collect_entries(store: ox.Store) -> dict[str, Entry]:
    """Every person, work, congress, organisation, quotation and document of the store, with what is searchable."""
    entries: dict[str, Entry] = {}
    values = " ".join(f"(<{c}> '{kind}')" for kind, classes in KIND_CLASSES for c in classes)
    for iri, kind in rows(store, f"SELECT DISTINCT ?x ?kind WHERE {{ VALUES (?c ?kind) {{ {values} }} ?x a ?c "
                                 "FILTER isIRI(?x) }"):
        if iri not in entries or KIND_ORDER[kind] > KIND_ORDER[entries[iri].kind]:
            entries[iri] = Entry(iri, kind)  # a document is a creative work too: the later, narrower kind wins
    for iri, name in rows(store, "SELECT ?x ?n WHERE { ?x schema:name|rdfs:label ?n }"):
        entry = entries.get(iri)
        if entry is not None and not entry.name:
            entry.name = name
        elif entry is not None and name != entry.name and name not in entry.other:
            entry.other.append(name)
    for iri, name in rows(store, "SELECT ?x ?n WHERE { ?x schema:alternateName ?n }"):
        if iri in entries and name not in entries[iri].other:
            entries[iri].other.append(name)
    for iri, text in rows(store, "SELECT ?x ?t WHERE { ?x a schema:Quotation ; schema:text ?t }"):
        if iri in entries:
            entries[iri].body.append(text)
    for iri, text in rows(store, "SELECT ?x ?t WHERE { ?x schema:description ?t }"):
        if iri in entries:
            entries[iri].body.append(text)
    for iri, title in rows(store, "SELECT ?x ?t WHERE { ?x schema:isPartOf ?w . ?w schema:name ?t }"):
        if iri in entries:
            entries[iri].other.append(title)  # a quotation is found by the title of the work it is cited from
            entries[iri].works.append(title)
    for iri, person, name in rows(store, """SELECT ?x ?p ?n WHERE { ?x schema:author|schema:creator ?p
                                            OPTIONAL { ?p schema:name ?n } }"""):
        if iri in entries:
            entries[iri].authors[person] = name or person
    titles = {doc: f"{title or doc.rsplit('/', 1)[-1]}" + (f" ({date[:4]})" if date else "")
              for doc, title, date in rows(store, """SELECT ?doc (SAMPLE(?t) AS ?title) (MIN(STR(?d)) AS ?date)
                  WHERE { ?doc a kg:Document OPTIONAL { ?doc rdfs:label ?t } OPTIONAL { ?doc schema:datePublished ?d } }
                  GROUP BY ?doc""")}
    for iri, doc in rows(store, """SELECT DISTINCT ?x ?doc WHERE {
            ?ann oa:hasBody ?x ; oa:hasTarget ?t . ?t oa:hasSource ?doc }"""):
        if iri in entries:
            entries[iri].documents[doc] = titles.get(doc, doc)
    for entry in entries.values():
        if entry.kind == "document":
            entry.documents[entry.iri] = titles.get(entry.iri, entry.name or entry.iri)
    return entries


def write_index(store: ox.Store, path: Path) -> int:
    """Write the search index of the store's resources to `path` (replaced if there); the number of entries."""
    path.unlink(missing_ok=True)
    entries = collect_entries(store)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA_SQL)
        for entry in sorted(entries.values(), key=lambda e: e.iri):
            cursor = connection.execute(
                "INSERT INTO entries (name, other, body, iri, kind, label, byline) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (entry.name, " · ".join(entry.other), "\n".join(entry.body), entry.iri, entry.kind, entry.label,
                 entry.byline))
            facets = [("author", iri, name) for iri, name in entry.authors.items()]
            facets += [("document", iri, title) for iri, title in entry.documents.items()]
            connection.executemany("INSERT INTO facets VALUES (?, ?, ?, ?)",
                                   [(cursor.lastrowid, *f) for f in facets])
        connection.execute("INSERT INTO entries (entries) VALUES ('optimize')")
        connection.commit()
    finally:
        connection.close()
    return len(entries)


TOKEN = re.compile(r'"([^"]*)"|(\w+)')


def fts_query(text: str) -> str:
    """The words a reader typed as an FTS5 query: every word must occur, "quoted words" as a phrase, the last word
    also as a prefix (so a half-typed name finds); no FTS5 operator a reader could type is passed through."""
    parts = []
    for phrase, word in TOKEN.findall(text):
        words = re.findall(r"\w+", phrase or word)
        if words:
            parts.append(('"' + " ".join(words) + '"', bool(word)))
    if not parts:
        return ""
    last, is_word = parts[-1]
    if is_word:
        parts[-1] = (f"({last} OR {last}*)", True)
    return " AND ".join(p for p, _ in parts)


def marked(text: str) -> str:
    """A snippet with the hit markers as <mark>, everything else HTML-escaped."""
    return html.escape(text).replace(HIT_OPEN, "<mark>").replace(HIT_CLOSE, "</mark>")


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str
    label: str
    byline: str
    name_html: str
    snippet_html: str


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass
class Results:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[Facet]]


def open_index(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def search(path: Path, text: str, kind: str | None = None, author: str | None = None,
           document: str | None = None, page: int = 1, per_page: int = 20, facet_size: int = 12) -> Results:
    """One page of the best matches of `text` (narrowed by kind, author and document), with facet counts."""
    query = fts_query(text)
    if not query:
        return Results(text, 0, [], {})
    where = ["entries MATCH ?"]
    params: list = [query]
    if kind:
        where.append("kind = ?")
        params.append(kind)
    for facet, value in (("author", author), ("document", document)):
        if value:
            where.append("rowid IN (SELECT entry FROM facets WHERE facet = ? AND value = ?)")
            params += [facet, value]
    condition = " AND ".join(where)
    connection = open_index(path)
    try:
        try:
            total = connection.execute(f"SELECT COUNT(*) FROM entries WHERE {condition}", params).fetchone()[0]
        except sqlite3.OperationalError:  # a query FTS5 cannot read after all: nothing found rather than a 500
            return Results(text, 0, [], {})
        w = ", ".join(str(x) for x in WEIGHTS)
        found = connection.execute(
            f"""SELECT iri, kind, label, byline, highlight(entries, 0, ?, ?), snippet(entries, 1, ?, ?, '…', 12),
                       snippet(entries, 2, ?, ?, '…', 24)
                FROM entries WHERE {condition} ORDER BY bm25(entries, {w}) LIMIT ? OFFSET ?""",
            [HIT_OPEN, HIT_CLOSE] * 3 + params + [per_page, (max(page, 1) - 1) * per_page]).fetchall()
        hits = []
        for iri, kind_, label, byline, name, other, body in found:
            snippet = body if HIT_OPEN in body else other if HIT_OPEN in other else body or other
            hits.append(Hit(iri, kind_, label, byline, marked(name) if name else html.escape(label),
                            marked(snippet)))
        facets: dict[str, list[Facet]] = {"kind": [
            Facet(k, k, n) for k, n in connection.execute(
                f"""SELECT kind, COUNT(*) FROM (SELECT kind FROM entries WHERE {condition} LIMIT {MAX_MATCHES})
                    GROUP BY kind ORDER BY COUNT(*) DESC""", params)]}
        for facet in ("author", "document"):
            facets[facet] = [Facet(v, lbl, n) for v, lbl, n in connection.execute(
                f"""SELECT f.value, f.label, COUNT(*) FROM facets f
                    JOIN (SELECT rowid AS id FROM entries WHERE {condition} LIMIT {MAX_MATCHES}) m ON f.entry = m.id
                    WHERE f.facet = ? GROUP BY f.value, f.label ORDER BY COUNT(*) DESC, f.label LIMIT ?""",
                params + [facet, facet_size])]
        return Results(text, total, hits, facets)
    finally:
        connection.close()
