"""Real SPARQL clients with their default settings (SPARQLWrapper, rdflib's SPARQLStore, Debian's roqet, curl) run
SELECT, ASK, CONSTRUCT and DESCRIBE; predeclared prefixes; errors a query writer can act on; SELECT * order."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from urllib.parse import quote

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import SPARQLWrapper

pytestmark = pytest.mark.e2e

PERSON = URIRef("http://schema.org/Person")
LENIN = "https://w3id.org/kgpub/person/vladimir-lenin"
SELECT = "SELECT ?s WHERE { ?s a <http://schema.org/Person> } ORDER BY ?s LIMIT 3"
ASK = "ASK { ?s a <http://schema.org/Person> }"
ASK_NOTHING = "ASK { ?s a <http://schema.org/NoSuchClass> }"
CONSTRUCT = "CONSTRUCT { ?s a <http://schema.org/Person> } WHERE { ?s a <http://schema.org/Person> } LIMIT 3"
DESCRIBE = f"DESCRIBE <{LENIN}>"


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def endpoint(request, server):
    """/sparql of the embedded store's server and of `serve --store` over Virtuoso."""
    url = server if request.param == "embedded" else request.getfixturevalue("virtuoso_server")
    return url + "sparql"


@pytest.fixture(scope="module")
def embedded(server):
    """/sparql of the embedded store's server only: for the matrices of media types, which the Virtuoso-backed
    server answers with the same code (negotiation and serialisation happen before and after the store)."""
    return server + "sparql"


def persons(graph: Graph) -> set:
    return set(graph.subjects(RDF.type, PERSON))


# --- SPARQLWrapper with its defaults: XML results, RDF/XML graphs, format=xml / format=rdf+xml in the URL --------

def test_sparqlwrapper_with_its_defaults_runs_the_four_query_forms(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setQuery(SELECT)
    dom = client.query().convert()
    assert len(dom.getElementsByTagName("result")) == 3
    for query, expected in ((ASK, "true"), (ASK_NOTHING, "false")):
        client.setQuery(query)
        assert client.query().convert().getElementsByTagName("boolean")[0].firstChild.data == expected
    client.setQuery(CONSTRUCT)  # sent with format=xml and Accept: application/rdf+xml
    assert len(persons(client.query().convert())) == 3
    client.setQuery(DESCRIBE)
    assert URIRef(LENIN) in persons(client.query().convert())


@pytest.mark.parametrize("return_format", ["rdf+xml", "turtle", "n3", "json-ld"])
def test_sparqlwrapper_construct_and_describe_in_each_return_format(embedded, return_format):
    client = SPARQLWrapper(embedded)
    if return_format:
        client.setReturnFormat(return_format)
    client.setQuery(CONSTRUCT)
    graph = client.queryAndConvert()
    graph = graph if isinstance(graph, Graph) else Graph().parse(data=graph, format=return_format)
    assert len(persons(graph)) == 3
    client.setQuery(DESCRIBE)
    graph = client.queryAndConvert()
    graph = graph if isinstance(graph, Graph) else Graph().parse(data=graph, format=return_format)
    assert URIRef(LENIN) in persons(graph)


@pytest.mark.parametrize("value,media", [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
    ("tsv", "text/tab-separated-values"), ("application/sparql-results+json", "application/sparql-results+json")])
def test_format_values_for_select(embedded, value, media):
    r = requests.get(embedded, params={"query": SELECT, "format": value})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)


@pytest.mark.parametrize("value,media,syntax", [
    ("xml", "application/rdf+xml", "xml"), ("rdf+xml", "application/rdf+xml", "xml"),
    ("turtle", "text/turtle", "turtle"), ("n3", "text/turtle", "turtle"), ("json-ld", "application/ld+json", "json-ld"),
    ("json", "application/ld+json", "json-ld"), ("application/n-triples", "application/n-triples", "nt")])
def test_format_values_for_construct(embedded, value, media, syntax):
    r = requests.get(embedded, params={"query": CONSTRUCT, "format": value})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)
    assert len(persons(Graph().parse(data=r.content, format=syntax))) == 3


def test_an_unknown_format_value_is_a_406_naming_the_known_ones(endpoint):
    r = requests.get(endpoint, params={"query": SELECT, "format": "yaml"})
    assert r.status_code == 406 and "'yaml'" in r.text and "json" in r.text and "turtle" in r.text


# --- rdflib's SPARQLStore ------------------------------------------------------------------------------------------

def test_rdflib_sparqlstore_runs_the_four_query_forms(endpoint):
    graph = Graph(store=SPARQLStore(endpoint))
    assert len(list(graph.query(SELECT))) == 3
    assert graph.query(ASK).askAnswer is True and graph.query(ASK_NOTHING).askAnswer is False
    assert len(persons(graph.query(CONSTRUCT).graph)) == 3
    assert URIRef(LENIN) in persons(graph.query(DESCRIBE).graph)


# --- curl, with no Accept header of its own ---------------------------------------------------------------------

@pytest.mark.parametrize("query,check", [
    (SELECT, lambda body: len(json.loads(body)["results"]["bindings"]) == 3),
    (ASK, lambda body: json.loads(body)["boolean"] is True),
    (CONSTRUCT, lambda body: len(persons(Graph().parse(data=body, format="turtle"))) == 3),
    (DESCRIBE, lambda body: URIRef(LENIN) in persons(Graph().parse(data=body, format="turtle")))])
def test_curl_runs_the_four_query_forms(endpoint, query, check):
    out = subprocess.run(["curl", "-sS", "--fail-with-body", endpoint, "--data-urlencode", f"query={query}"],
                         capture_output=True, text=True, check=True)
    assert check(out.stdout)


# --- Debian's roqet (rasqal-utils) ----------------------------------------------------------------------------------

def roqet(*args: str) -> subprocess.CompletedProcess:
    if shutil.which("roqet") is None:
        pytest.skip("roqet is not installed (Debian's rasqal-utils; `make test` installs it)")
    return subprocess.run(["roqet", *args], capture_output=True, text=True, timeout=60)


def test_roqet_select_through_the_protocol(endpoint):
    out = roqet("-p", endpoint, "-e", SELECT)
    assert out.returncode == 0 and out.stdout.count("row: [s=uri<https://w3id.org/kgpub/person/") == 3


def test_roqet_ask_over_the_endpoint(endpoint):
    # roqet reads every protocol answer as rows; an ASK it evaluates itself, over the rows of a SERVICE call
    for pattern, expected in (("?s a <http://schema.org/Person>", "true"), ("?s a <urn:x:none>", "false")):
        out = roqet("-i", "sparql", "-e", f"ASK {{ SERVICE <{endpoint}> {{ {pattern} }} }}")
        # (roqet 0.9.33 exits with status 2 after every ASK, even one over local data: not a failure)
        assert f"boolean result: {expected}" in out.stderr and "Error" not in out.stderr, out.stderr


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
def test_roqet_reads_a_graph_answer(endpoint, query):
    # the answer to a CONSTRUCT or DESCRIBE, read by roqet as RDF data from its URL and queried
    out = roqet("-D", f"{endpoint}?query={quote(query)}", "-e", "SELECT ?s WHERE { ?s a <http://schema.org/Person> }")
    assert out.returncode == 0 and out.stdout.count("row: [s=uri<https://w3id.org/kgpub/person/") >= 1
    # roqet asks the protocol for SPARQL XML results whatever the query: a graph query gets a graph, not a 406
    sent = roqet("-p", endpoint, "-e", query)
    assert sent.returncode == 0 and "406" not in sent.stderr and "failed" not in sent.stderr.lower()
    r = requests.get(endpoint, params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/rdf+xml")
    assert persons(Graph().parse(data=r.content, format="xml"))


# --- Predeclared prefixes and errors a query writer can act on -------------------------------------------------------

def test_standard_prefixes_need_no_declaration_and_a_query_may_declare_its_own(endpoint):
    r = requests.get(endpoint, params={"query": 'SELECT ?p WHERE { ?p a schema:Person ; schema:name "Vladimir Lenin" ; '
                                                 "owl:sameAs ?q FILTER(STRSTARTS(STR(?q), STR(wd:))) }",
                                       "format": "json"})
    assert r.status_code == 200 and [b["p"]["value"] for b in r.json()["results"]["bindings"]] == [LENIN]
    own = "PREFIX schema: <urn:other:> ASK { ?p a schema:Person }"
    assert requests.get(endpoint, params={"query": own, "format": "json"}).json()["boolean"] is False


def test_the_service_description_lists_the_predeclared_prefixes(endpoint):
    r = requests.get(endpoint, headers={"Accept": "text/turtle"})
    declared = Graph().parse(data=r.text, format="turtle").query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> "
        "SELECT ?p ?ns WHERE { ?s sh:declare [ sh:prefix ?p ; sh:namespace ?ns ] }")
    prefixes = {str(p): str(ns) for p, ns in declared}
    for name in ("schema", "oa", "bibo", "dcterms", "owl", "rdf", "rdfs", "xsd", "time", "skos", "wd", "wdt", "kg"):
        assert name in prefixes
    assert prefixes["schema"] == "http://schema.org/" and prefixes["wdt"] == "http://www.wikidata.org/prop/direct/"


def test_an_undeclared_prefix_is_a_400_naming_it_with_the_line_to_add(endpoint):
    r = requests.get(endpoint, params={"query": "SELECT ?n WHERE { ?p foaf:name ?n }"})
    assert r.status_code == 400 and "'foaf:'" in r.text
    assert "PREFIX foaf: <http://xmlns.com/foaf/0.1/>" in r.text and "\\u{" not in r.text
    r = requests.get(endpoint, params={"query": "SELECT ?n WHERE { ?p myvocab:name ?n }"})
    assert r.status_code == 400 and "'myvocab:'" in r.text and "error at 1:" in r.text and "\\u{" not in r.text


@pytest.mark.parametrize("query,says", [
    ("SELCT ?s WHERE { ?s ?p ?o }",
     ["error at 1:1", "'SELCT'", "SELECT, CONSTRUCT, DESCRIBE or ASK", "did you mean SELECT"]),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMT 3", ["error at 1:30", "'LIMT'", "did you mean LIMIT"]),
    ("SELECT ?s WHERE {\n  ?s ?p ?o FILTER(STRLN(?o) > 3) }", ["error at 2:19", "'STRLN'", "did you mean STRLEN"])])
def test_a_misspelt_keyword_says_where_and_what_was_expected(endpoint, query, says):
    r = requests.get(endpoint, params={"query": query})
    assert r.status_code == 400 and all(s in r.text for s in says), r.text


# --- SELECT * keeps the variables in the order of the query ----------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_star_keeps_the_variables_in_query_order(endpoint, fmt):
    query = f"SELECT * WHERE {{ BIND(<{LENIN}> AS ?zperson) ?zperson schema:name ?name ; a ?class }} LIMIT 2"
    r = requests.get(endpoint, params={"query": query, "format": fmt})
    assert r.status_code == 200
    if fmt == "json":
        names = r.json()["head"]["vars"]
    elif fmt == "xml":
        names = [v.split('"')[1] for v in r.text.split("<variable ")[1:]]
    else:
        names = next(csv.reader(io.StringIO(r.text), delimiter="," if fmt == "csv" else "\t"))
    assert [n.lstrip("?") for n in names] == ["zperson", "name", "class"]


@pytest.mark.parametrize("query,fmt", [
    ("SELECT ?n WHERE { ?p foaf:name ?n }", None), ("SELCT ?s WHERE { ?s ?p ?o }", None),
    (CONSTRUCT, "xml"), (CONSTRUCT, "rdf+xml"), (ASK, "json"), (CONSTRUCT, "yaml"),
    ("SELECT * WHERE { ?s a schema:Person ; schema:name ?n } ORDER BY ?s LIMIT 2", "csv")])
def test_get_and_post_give_the_same_answer(embedded, query, fmt):
    """A GET is answered by the plain WSGI path, a POST by the Flask view: one behaviour."""
    params = {"query": query, **({"format": fmt} if fmt else {})}
    got, posted = requests.get(embedded, params=params), requests.post(embedded, data=params)
    assert got.status_code == posted.status_code
    assert got.headers["Content-Type"] == posted.headers["Content-Type"] and got.text == posted.text
