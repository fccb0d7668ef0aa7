"""Read-only look-ups the pages need (a resource's properties, incoming links, evidence, a document's text)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ontology.kinds import BROWSED
from ontology.vocab import OA, sparql_prefixes

PREFIXES = sparql_prefixes()


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


def incoming(store: ox.Store, iri: str, limit: int = 300) -> list[dict]:
    return query(store, f"""SELECT ?s ?p ?label WHERE {{ ?s ?p ?x FILTER (?p NOT IN (oa:hasBody, oa:hasSource))
                            OPTIONAL {{ ?s rdfs:label ?label }} }} ORDER BY ?p ?s LIMIT {int(limit)}""", x=iri)


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


def evidence(store: ox.Store, iri: str, limit: int = 500) -> list[Evidence]:
    rows = query(store, f"""SELECT ?ann ?doc ?id ?start ?end ?exact ?sentence ?rule WHERE {{
        ?ann oa:hasBody ?x ; oa:hasTarget ?t .
        OPTIONAL {{ ?ann kg:sentence ?sentence }} OPTIONAL {{ ?ann kg:rule ?rule }}
        ?t oa:hasSource ?doc ; oa:hasSelector ?ps , ?qs .
        ?ps a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        ?qs a oa:TextQuoteSelector ; oa:exact ?exact .
        OPTIONAL {{ ?doc dcterms:identifier ?id }}
    }} ORDER BY ?id ?start LIMIT {int(limit)}""", x=iri)
    return [Evidence(value(r["ann"]), value(r["doc"]), value(r["id"]) or "", int(r["start"].value),
                     int(r["end"].value), value(r["exact"]), value(r["sentence"]) or "", value(r["rule"]) or "")
            for r in rows]


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


def entities_of(store: ox.Store, cls: str, limit: int = 2000) -> list[dict]:
    return query(store, f"""SELECT ?x ?label (COUNT(?ann) AS ?mentions) WHERE {{
        ?x a ?c . OPTIONAL {{ ?x rdfs:label ?label }} OPTIONAL {{ ?x schema:text ?label }}
        OPTIONAL {{ ?ann oa:hasBody ?x }} }} GROUP BY ?x ?label ORDER BY DESC(?mentions) ?label LIMIT {int(limit)}""",
                 c=cls)


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


def quotation_info(store: ox.Store, iri: str) -> QuotationInfo:
    speakers = query(store, """SELECT DISTINCT ?p ?name WHERE { ?x schema:creator ?p
                               OPTIONAL { ?p schema:name ?name } } ORDER BY ?name""", x=iri)
    works = query(store, """SELECT DISTINCT ?w ?name WHERE { ?x schema:isPartOf ?w
                            OPTIONAL { ?w schema:name ?name } } ORDER BY ?name""", x=iri)
    cited = query(store, """SELECT ?volume ?start ?end WHERE { OPTIONAL { ?x bibo:volume ?volume }
                            OPTIONAL { ?x bibo:pageStart ?start } OPTIONAL { ?x bibo:pageEnd ?end } } LIMIT 1""",
                  x=iri)
    rows = query(store, """SELECT ?doc ?id ?title (MIN(?start) AS ?first) WHERE {
        ?ann oa:hasBody ?x ; oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?ps .
        ?ps a oa:TextPositionSelector ; oa:start ?start .
        OPTIONAL { ?doc dcterms:identifier ?id } OPTIONAL { ?doc rdfs:label ?title }
    } GROUP BY ?doc ?id ?title ORDER BY ?id""", x=iri)
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
