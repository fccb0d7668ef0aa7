"""The researcher query mix of the benchmarks: query templates, and their parameters drawn from the graph served."""
from __future__ import annotations

import re
from collections import Counter
from string import Template

import pyoxigraph as ox

PREFIXES = """PREFIX schema: <http://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
BASE = "https://w3id.org/kgpub/"

# Each template names its parameters ($person, ...); a workload asks about every entity of the graph in turn,
# as many researchers do, rather than repeating one query string. Names starting with "lookup" are the
# lookups of the latency target (p95 at one client).
# The lookup mix: what a reader of one page asks (a person, a work, a person's quotations, congresses from a year).
LOOKUP_TEMPLATES: list[tuple[str, str]] = [
    ("lookup_person", PREFIXES + """SELECT ?p ?alt ?wd WHERE {
  ?p a schema:Person ; schema:name $person .
  OPTIONAL { ?p schema:alternateName ?alt }
  OPTIONAL { ?p owl:sameAs ?wd }
}"""),
    ("lookup_work", PREFIXES + """SELECT ?w ?name ?author WHERE {
  ?w a schema:CreativeWork ; schema:name|schema:alternateName $work ; schema:name ?name .
  OPTIONAL { ?w schema:author/schema:name ?author }
}"""),
    ("person_quotations", PREFIXES + """SELECT ?text ?work ?volume ?page WHERE {
  ?q a schema:Quotation ; schema:text ?text ; schema:creator ?p .
  ?p schema:name $speaker .
  OPTIONAL { ?q schema:isPartOf/schema:name ?work }
  OPTIONAL { ?q bibo:volume ?volume }
  OPTIONAL { ?q bibo:pageStart ?page }
} ORDER BY ?volume ?page"""),
    ("congresses_by_date", PREFIXES + """SELECT ?c ?name ?start WHERE {
  ?c a schema:Event ; schema:name ?name ; schema:startDate ?start .
  FILTER (STR(?start) >= $year)
} ORDER BY ?start"""),
]

# The analytic mix: what a researcher asks of the whole graph (counts over every quotation, a text filter over
# every quotation, graphs around a person, every mention of one document in reading order).
ANALYTIC_TEMPLATES: list[tuple[str, str]] = [
    ("count_per_speaker", PREFIXES + """SELECT ?speaker (COUNT(?q) AS ?quotations) WHERE {
  ?q a schema:Quotation ; schema:creator/schema:name ?speaker .
} GROUP BY ?speaker ORDER BY DESC(?quotations)"""),
    ("count_per_work_volume", PREFIXES + """SELECT ?work ?title ?volume (COUNT(?q) AS ?quotations) WHERE {
  ?q a schema:Quotation ; schema:isPartOf ?work .
  ?work schema:name ?title .
  OPTIONAL { ?q bibo:volume ?volume }
} GROUP BY ?work ?title ?volume ORDER BY DESC(?quotations) ?title ?volume"""),
    ("document_mentions", PREFIXES + """SELECT ?body ?exact ?start WHERE {
  ?a oa:hasBody ?body ; oa:hasTarget ?t .
  ?t oa:hasSource $document ; oa:hasSelector ?where, ?what .
  ?where oa:start ?start .
  ?what oa:exact ?exact .
} ORDER BY ?start"""),
    ("describe_person", "DESCRIBE $person_iri"),
    ("construct_neighbourhood", PREFIXES + """CONSTRUCT {
  $speaker_iri ?p ?o . ?q schema:creator $speaker_iri ; schema:text ?text ; schema:isPartOf ?work .
} WHERE {
  { $speaker_iri ?p ?o }
  UNION
  { ?q schema:creator $speaker_iri ; schema:text ?text . OPTIONAL { ?q schema:isPartOf ?work } }
}"""),
    ("text_filter", PREFIXES + """SELECT ?q ?text WHERE {
  ?q a schema:Quotation ; schema:text ?text .
  FILTER (CONTAINS(LCASE(?text), $word))
}"""),
    ("optional_group_concat", PREFIXES + """SELECT ?p ?name (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?names)
       (SAMPLE(?wd) AS ?wikidata) WHERE {
  ?p a schema:Person ; schema:name ?name .
  OPTIONAL { ?p schema:alternateName ?alt }
  OPTIONAL { ?p owl:sameAs ?wd }
} GROUP BY ?p ?name ORDER BY ?name"""),
]
TEMPLATES = LOOKUP_TEMPLATES + ANALYTIC_TEMPLATES
MIXES = {"lookup mix": [name for name, _ in LOOKUP_TEMPLATES], "analytic mix": [name for name, _ in ANALYTIC_TEMPLATES]}

# The classes figures are summed up by (geometric mean of the ratios of their queries).
CLASSES = {"lookups": ["lookup_person", "lookup_work", "person_quotations", "congresses_by_date", "document_mentions"],
           "aggregates": ["count_per_speaker", "count_per_work_volume", "optional_group_concat"],
           "text filter": ["text_filter"],
           "graph results": ["describe_person", "construct_neighbourhood"]}

# One value per parameter, for a single representative query of each kind (load tests, Virtuoso comparison).
EXAMPLE_PARAMETERS = {"person": '"Vladimir Lenin"', "speaker": '"Vladimir Lenin"', "work": '"The State and Revolution"',
                      "year": '"1917"', "document": f"<{BASE}document/001_77fa9df67167754d>",
                      "person_iri": f"<{BASE}person/vladimir-lenin>", "speaker_iri": f"<{BASE}person/vladimir-lenin>",
                      "word": '"dictatorship"'}
QUERIES: list[tuple[str, str]] = [(name, Template(text).substitute(EXAMPLE_PARAMETERS)) for name, text in TEMPLATES]

PARAMETER_QUERIES = {
    "person": "SELECT DISTINCT ?v WHERE { ?p a schema:Person ; schema:name ?v } ORDER BY ?v",
    "work": "SELECT DISTINCT ?v WHERE { ?w a schema:CreativeWork ; schema:name ?v } ORDER BY ?v",
    "speaker": "SELECT DISTINCT ?v WHERE { ?q a schema:Quotation ; schema:creator/schema:name ?v } ORDER BY ?v",
    "year": "SELECT DISTINCT (SUBSTR(STR(?d), 1, 4) AS ?v) WHERE { ?c a schema:Event ; schema:startDate ?d } "
            "ORDER BY ?v",
    "document": "SELECT DISTINCT ?v WHERE { ?t oa:hasSource ?v } ORDER BY ?v",
    "person_iri": "SELECT DISTINCT ?v WHERE { ?v a schema:Person } ORDER BY ?v",
    "speaker_iri": "SELECT DISTINCT ?v WHERE { ?q a schema:Quotation ; schema:creator ?v } ORDER BY ?v",
}
WORDS_IN_TEXT_FILTER = 20


def sparql_term(term: ox.NamedNode | ox.Literal) -> str:
    """The term as it is written in a query: <iri> or a plain string literal."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    return '"' + term.value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def frequent_words(texts: list[str], count: int) -> list[str]:
    """The `count` most frequent words of six letters or more in the texts, as query literals."""
    words = Counter(w for text in texts for w in re.findall(r"[a-z]{6,}", text.lower()))
    return [f'"{w}"' for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


def parameters(store: ox.Store) -> dict[str, list[str]]:
    """Every value each parameter takes in the graph, in a fixed order; the example value where it takes none."""
    pools = {name: [sparql_term(row["v"]) for row in store.query(PREFIXES + query)]
             for name, query in PARAMETER_QUERIES.items()}
    quotations = PREFIXES + "SELECT ?t WHERE { ?q a schema:Quotation ; schema:text ?t }"
    texts = [row["t"].value for row in store.query(quotations)]
    pools["word"] = frequent_words(texts, WORDS_IN_TEXT_FILTER)
    return {name: values or [EXAMPLE_PARAMETERS[name]] for name, values in pools.items()}


def workload(templates: list[tuple[str, str]], pools: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """(name, query texts) per template: one text per value of its parameter (one text if it has none)."""
    out = []
    for name, text in templates:
        template = Template(text)
        slots = template.get_identifiers()
        if len(slots) > 1:
            raise ValueError(f"query {name} has more than one parameter: {slots}")
        texts = [template.substitute({slots[0]: value}) for value in pools[slots[0]]] if slots else [text]
        out.append((name, texts))
    return out


def interleaved(workload_texts: list[tuple[str, list[str]]]) -> list[str]:
    """The whole mix, kinds in turn so each weighs the same: 1st of each kind, then 2nd of each, ..."""
    longest = max(len(texts) for _, texts in workload_texts)
    return [texts[i % len(texts)] for i in range(longest) for _, texts in workload_texts]


def is_graph_query(query: str) -> bool:
    """Whether the query is a CONSTRUCT or DESCRIBE (answered with RDF rather than a results table)."""
    body = "\n".join(line for line in query.splitlines() if not line.lstrip().upper().startswith("PREFIX"))
    return body.lstrip().upper().startswith(("CONSTRUCT", "DESCRIBE"))
