"""Read-only look-ups the pages need (a resource's properties, incoming links, evidence, a document's text)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kgpub.ontology.kinds import BROWSED
from kgpub.ontology.vocab import KG, OA, sparql_prefixes

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
