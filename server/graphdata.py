"""Read-only look-ups the pages need (a resource's properties, incoming links, evidence, a document's text)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ontology.kinds import BROWSED
from ontology.vocab import KG, OA, sparql_prefixes

PREFIXES = sparql_prefixes()
KG_DOCUMENT = KG.Document


class UnsafeIRI(ValueError):
    """A string that cannot be an IRI in a query (it holds characters an IRI never has)."""


def iri_ref(iri: str) -> str:
    """An IRI as a SPARQL term; NamedNode checks it, and the characters that could end it are refused."""
    if UNSAFE.search(iri):
        raise UnsafeIRI(iri)
    return str(ox.NamedNode(iri))


UNSAFE = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def bind(text: str, bindings: dict[str, str]) -> str:
    """The query with each ?name bound to its IRI by a VALUES block at the start of the WHERE clause."""
    values = " ".join(f"VALUES ?{name} {{ {iri_ref(iri)} }}" for name, iri in bindings.items())
    head, brace, tail = text.partition("WHERE {")
    return f"{head}WHERE {{ {values} {tail}" if brace else text


def query(store: ox.Store, text: str, **bindings) -> list[dict]:
    """SELECT rows as dicts of terms; IRIs are bound through checked VALUES, never pasted raw."""
    result = store.query(PREFIXES + bind(text, bindings))
    names = [v.value for v in result.variables]
    return [{n: sol[n] for n in names} for sol in result]


def value(term) -> str | None:
    return None if term is None else term.value


def exists(store: ox.Store, iri: str) -> bool:
    try:
        return bool(store.query(bind("ASK WHERE { { ?x ?p ?o } UNION { ?s ?p ?x } }", {"x": iri})))
    except (UnsafeIRI, ValueError):
        return False


def construct(store: ox.Store, text: str, **bindings) -> list:
    return list(store.query(PREFIXES + bind(text, bindings)))


def outgoing(store: ox.Store, iri: str) -> list[dict]:
    return query(store, """SELECT ?p ?o WHERE { ?x ?p ?o FILTER (?p != schema:text || !EXISTS { ?x a kg:Document }) }
                           ORDER BY ?p ?o""", x=iri)


def incoming(store: ox.Store, iri: str, limit: int = 300, scan: int = 20000) -> list[dict]:
    """The first `limit` resources linking to the entity (mentions and documents' parts left out), by property and
    IRI, each with its label. Sorted here, not by ORDER BY, which reads a string from the store at every
    comparison; at most `scan` links are read, so a famous entity's page does bounded work."""
    links = query(store, f"""SELECT ?s ?p WHERE {{ ?s ?p ?x FILTER (?p NOT IN (oa:hasBody, oa:hasSource)) }}
                             LIMIT {int(scan)}""", x=iri)
    links = sorted(links, key=lambda r: (r["p"].value, str(r["s"])))[:limit]
    subjects = " ".join(dict.fromkeys(str(r["s"]) for r in links if isinstance(r["s"], ox.NamedNode)))
    labels = {value(r["s"]): r["label"] for r in query(store, f"""SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{
        VALUES ?s {{ {subjects} }} ?s rdfs:label ?l }} GROUP BY ?s""")} if subjects else {}
    return [{"s": r["s"], "p": r["p"], "label": labels.get(r["s"].value)} for r in links]


@dataclass(frozen=True)
class Evidence:
    annotation: str
    document: str
    doc_id: str
    start: int
    end: int
    exact: str
    sentence: str
    rule: str


def mention_count(store: ox.Store, iri: str) -> int:
    """How often the entity is mentioned in the texts: one count over one index, no join."""
    rows = query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?ann oa:hasBody ?x }", x=iri)
    return int(rows[0]["n"].value) if rows else 0


DIGITS = re.compile(r"\d+")


def natural_key(text: str) -> str:
    """A sort key that orders the numbers inside a text by value ('p/9-12' before 'p/10-14')."""
    return DIGITS.sub(lambda m: m.group().zfill(20), text)


def evidence(store: ox.Store, iri: str, limit: int = 100, offset: int = 0) -> list[Evidence]:
    """One page of the entity's mentions, each with its document, offsets, words, sentence and rule.

    The mentions are ordered by their annotation IRIs in natural order (a build mints them per document and
    offset, so a document's mentions come together, in the order of its text); the page is cut here and only its
    rows are read in full, by one query. The work grows with the number of mentions (their IRIs are read once),
    never with their texts nor with the graph: no ORDER BY over strings in the store, no type pattern that
    matches every selector of the graph."""
    annotations = store.query(PREFIXES + bind("SELECT ?ann WHERE { ?ann oa:hasBody ?x }", {"x": iri}))
    page = sorted((a.value for a in (row["ann"] for row in annotations) if isinstance(a, ox.NamedNode)),
                  key=natural_key)[offset:offset + limit]
    if not page:
        return []
    rows = query(store, f"""SELECT ?ann ?doc ?id ?start ?end ?exact ?sentence ?rule WHERE {{
        VALUES ?ann {{ {" ".join(iri_ref(a) for a in page)} }}
        ?ann oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?ps , ?qs .
        ?ps oa:start ?start ; oa:end ?end . ?qs oa:exact ?exact .
        OPTIONAL {{ ?doc dcterms:identifier ?id }}
        OPTIONAL {{ ?ann kg:sentence ?sentence }} OPTIONAL {{ ?ann kg:rule ?rule }} }}""")
    found = {value(r["ann"]): Evidence(value(r["ann"]), value(r["doc"]), value(r["id"]) or "", int(r["start"].value),
                                       int(r["end"].value), value(r["exact"]), value(r["sentence"]) or "",
                                       value(r["rule"]) or "") for r in rows}
    return [found[a] for a in page if a in found]


def document_text(store: ox.Store, iri: str) -> str | None:
    rows = query(store, "SELECT ?text WHERE { ?x a kg:Document ; schema:text ?text }", x=iri)
    return value(rows[0]["text"]) if rows else None


@dataclass(frozen=True)
class Annotation:
    start: int
    end: int
    body: str
    kind: str
    label: str


def document_annotations(store: ox.Store, iri: str) -> list[Annotation]:
    rows = query(store, """SELECT ?start ?end ?body ?type ?label WHERE {
        ?t oa:hasSource ?x ; oa:hasSelector ?ps . ?ps a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        ?ann oa:hasTarget ?t ; oa:hasBody ?body .
        OPTIONAL { ?body a ?type FILTER (STRSTARTS(STR(?type), STR(kg:))) }
        OPTIONAL { ?body rdfs:label ?label }
    } ORDER BY ?start ?end""", x=iri)
    out = []
    for r in rows:
        kind = value(r["type"]).rsplit("#", 1)[-1].lower() if r["type"] is not None else "thing"
        out.append(Annotation(int(r["start"].value), int(r["end"].value), value(r["body"]), kind,
                              value(r["label"]) or ""))
    return out


def label_of(store: ox.Store, iri: str) -> str | None:
    rows = query(store, """SELECT ?l WHERE { { ?x rdfs:label ?l } UNION { ?x schema:name ?l }
                           UNION { ?x schema:text ?l FILTER NOT EXISTS { ?x a kg:Document } } } LIMIT 1""", x=iri)
    return value(rows[0]["l"]) if rows else None


def counts(store: ox.Store) -> dict[str, int]:
    """The number of entities of each kind, of documents and of annotations, by kind name ("annotation")."""
    classes = {str(kind.own_class): kind.name for kind in BROWSED} | {str(OA.Annotation): "annotation"}
    values = " ".join(f"<{c}>" for c in classes)
    rows = query(store, f"""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?c {{ {values} }} ?x a ?c }}
        GROUP BY ?c""")
    return {classes[value(r["c"])]: int(r["n"].value) for r in rows}


def entities_of(store: ox.Store, cls: str, limit: int = 2000, offset: int = 0) -> list[dict]:
    """The entities of a class, most mentioned first (then by label), from `offset` on: rows of IRI, label and
    mentions. Counted by one query and labelled by another, sorted here (not by ORDER BY over strings in the
    store); a document is labelled by its title, never by its text."""
    counted = query(store, """SELECT ?x (COUNT(?ann) AS ?mentions) WHERE { ?x a ?c OPTIONAL { ?ann oa:hasBody ?x } }
                              GROUP BY ?x""", c=cls)
    text_label = "" if cls == str(KG_DOCUMENT) else "UNION { ?x schema:text ?l }"
    labels = {value(r["x"]): r["label"] for r in query(store, f"""SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{
        ?x a ?c . {{ ?x rdfs:label ?l }} {text_label} }} GROUP BY ?x""", c=cls)}
    rows = [{"x": r["x"], "label": labels.get(r["x"].value), "mentions": r["mentions"]} for r in counted]
    rows.sort(key=lambda r: (-int(r["mentions"].value), (r["label"] or r["x"]).value))
    return rows[offset:offset + limit]


@dataclass(frozen=True)
class Quoting:
    """A document quoting a passage, and where."""

    document: str
    doc_id: str
    title: str
    start: int


@dataclass(frozen=True)
class QuotationInfo:
    """Who said a passage, where it is cited from, and every document quoting it."""

    speakers: list[tuple[str, str]]
    works: list[tuple[str, str]]
    volume: str | None
    pages: str | None
    quoted_in: list[Quoting]


def quotation_info(store: ox.Store, iri: str, limit: int = 1000) -> QuotationInfo:
    speakers = query(store, """SELECT DISTINCT ?p ?name WHERE { ?x schema:creator ?p
                               OPTIONAL { ?p schema:name ?name } } ORDER BY ?name""", x=iri)
    works = query(store, """SELECT DISTINCT ?w ?name WHERE { ?x schema:isPartOf ?w
                            OPTIONAL { ?w schema:name ?name } } ORDER BY ?name""", x=iri)
    cited = query(store, """SELECT ?volume ?start ?end WHERE { OPTIONAL { ?x bibo:volume ?volume }
                            OPTIONAL { ?x bibo:pageStart ?start } OPTIONAL { ?x bibo:pageEnd ?end } } LIMIT 1""",
                  x=iri)
    rows = query(store, f"""SELECT ?doc ?id ?title (MIN(?start) AS ?first) WHERE {{
        ?ann oa:hasBody ?x ; oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?ps . ?ps oa:start ?start .
        OPTIONAL {{ ?doc dcterms:identifier ?id }} OPTIONAL {{ ?doc rdfs:label ?title }}
    }} GROUP BY ?doc ?id ?title ORDER BY ?id LIMIT {int(limit)}""", x=iri)
    c = cited[0] if cited else {}
    pages = "–".join(dict.fromkeys(v for v in (value(c.get("start")), value(c.get("end"))) if v)) or None
    return QuotationInfo(
        [(value(r["p"]), value(r["name"]) or value(r["p"])) for r in speakers],
        [(value(r["w"]), value(r["name"]) or value(r["w"])) for r in works],
        value(c.get("volume")), pages,
        [Quoting(value(r["doc"]), value(r["id"]) or "", value(r["title"]) or value(r["id"]) or value(r["doc"]),
                 int(r["first"].value)) for r in rows])


def class_counts(store: ox.Store, limit: int = 30) -> list[dict]:
    """The classes of the data with their number of instances, most first, and the data's own label of each."""
    return query(store, f"""SELECT ?c (COUNT(DISTINCT ?x) AS ?n) (SAMPLE(?l) AS ?label) WHERE {{
        ?x a ?c FILTER (isIRI(?c)) OPTIONAL {{ ?c rdfs:label|schema:name ?l FILTER (lang(?l) IN ("", "en")) }} }}
        GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT {int(limit)}""")


def named_instances(store: ox.Store, cls: str, limit: int = 5) -> list[dict]:
    """A few instances of a class, those with a name (schema:name, rdfs:label) first, each with its name."""
    return query(store, f"""SELECT ?x (MIN(STR(?l)) AS ?name) WHERE {{
        ?x a ?c OPTIONAL {{ ?x schema:name|rdfs:label ?l }} }}
        GROUP BY ?x ORDER BY DESC(BOUND(?name)) ?name ?x LIMIT {int(limit)}""", c=cls)
