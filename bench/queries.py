"""The researcher query mix of the benchmarks: (name, SPARQL query) pairs over the published graph's contract terms."""
from __future__ import annotations

PREFIXES = """PREFIX schema: <http://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
BASE = "https://w3id.org/kgpub/"
LENIN = f"<{BASE}person/vladimir-lenin>"
DOCUMENT = f"<{BASE}document/001_77fa9df67167754d>"

# Names starting with "lookup" are the lookups of the latency target (p95 at one client).
QUERIES: list[tuple[str, str]] = [
    ("lookup_person", PREFIXES + """SELECT ?p ?alt ?wd WHERE {
  ?p a schema:Person ; schema:name "Vladimir Lenin" .
  OPTIONAL { ?p schema:alternateName ?alt }
  OPTIONAL { ?p owl:sameAs ?wd }
}"""),
    ("lookup_work", PREFIXES + """SELECT ?w ?name ?author WHERE {
  ?w a schema:CreativeWork ; schema:name|schema:alternateName "The State and Revolution" ; schema:name ?name .
  OPTIONAL { ?w schema:author/schema:name ?author }
}"""),
    ("person_quotations", PREFIXES + """SELECT ?text ?work ?volume ?page WHERE {
  ?q a schema:Quotation ; schema:text ?text ; schema:creator ?p .
  ?p schema:name "Vladimir Lenin" .
  OPTIONAL { ?q schema:isPartOf/schema:name ?work }
  OPTIONAL { ?q bibo:volume ?volume }
  OPTIONAL { ?q bibo:pageStart ?page }
} ORDER BY ?volume ?page"""),
    ("count_per_speaker", PREFIXES + """SELECT ?speaker (COUNT(?q) AS ?quotations) WHERE {
  ?q a schema:Quotation ; schema:creator/schema:name ?speaker .
} GROUP BY ?speaker ORDER BY DESC(?quotations)"""),
    ("count_per_work", PREFIXES + """SELECT ?work ?title (COUNT(?q) AS ?quotations) WHERE {
  ?q a schema:Quotation ; schema:isPartOf ?work .
  ?work schema:name ?title .
} GROUP BY ?work ?title ORDER BY DESC(?quotations)"""),
    ("congresses_by_date", PREFIXES + """SELECT ?c ?name ?start WHERE {
  ?c a schema:Event ; schema:name ?name ; schema:startDate ?start .
  FILTER (STR(?start) >= "1917")
} ORDER BY ?start"""),
    ("document_mentions", PREFIXES + f"""SELECT ?body ?exact ?start WHERE {{
  ?a oa:hasBody ?body ; oa:hasTarget ?t .
  ?t oa:hasSource {DOCUMENT} ; oa:hasSelector ?where, ?what .
  ?where oa:start ?start .
  ?what oa:exact ?exact .
}} ORDER BY ?start"""),
    ("describe_person", f"DESCRIBE {LENIN}"),
    ("construct_neighbourhood", PREFIXES + f"""CONSTRUCT {{
  {LENIN} ?p ?o . ?q schema:creator {LENIN} ; schema:text ?text ; schema:isPartOf ?work .
}} WHERE {{
  {{ {LENIN} ?p ?o }}
  UNION
  {{ ?q schema:creator {LENIN} ; schema:text ?text . OPTIONAL {{ ?q schema:isPartOf ?work }} }}
}}"""),
    ("text_filter", PREFIXES + """SELECT ?q ?text WHERE {
  ?q a schema:Quotation ; schema:text ?text .
  FILTER (CONTAINS(LCASE(?text), "dictatorship"))
}"""),
    ("optional_group_concat", PREFIXES + """SELECT ?p ?name (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?names)
       (SAMPLE(?wd) AS ?wikidata) WHERE {
  ?p a schema:Person ; schema:name ?name .
  OPTIONAL { ?p schema:alternateName ?alt }
  OPTIONAL { ?p owl:sameAs ?wd }
} GROUP BY ?p ?name ORDER BY ?name"""),
]


def is_graph_query(query: str) -> bool:
    """Whether the query is a CONSTRUCT or DESCRIBE (answered with RDF rather than a results table)."""
    body = "\n".join(line for line in query.splitlines() if not line.lstrip().upper().startswith("PREFIX"))
    return body.lstrip().upper().startswith(("CONSTRUCT", "DESCRIBE"))
