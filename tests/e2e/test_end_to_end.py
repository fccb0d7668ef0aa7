"""End to end: the real corpus built, the real server process, real SPARQL clients, the dump against the contract."""
from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, SPARQLWrapper

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"

pytestmark = pytest.mark.e2e
SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
DCT = Namespace("http://purl.org/dc/terms/")
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def server(request, server):
    """Each test against the embedded store's server and against `serve --store` over Virtuoso."""
    return server if request.param == "embedded" else request.getfixturevalue("virtuoso_server")


def test_curl_counts_every_triple_of_the_build(server, built):
    _, result = built
    out = subprocess.run(["curl", "-sS", "-G", server + "sparql", "--data-urlencode", f"query={COUNT_ALL}",
                          "-H", "Accept: application/sparql-results+json"], capture_output=True, text=True, check=True)
    n = int(json.loads(out.stdout)["results"]["bindings"][0]["n"]["value"])
    assert n == result.manifest["triples"] > 10000


def test_sparqlwrapper_finds_lenin_with_his_wikidata_link(server):
    client = SPARQLWrapper(server + "sparql")
    client.setQuery("""PREFIX schema: <http://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?p ?qid WHERE { ?p a schema:Person ; schema:name "Vladimir Lenin" . OPTIONAL { ?p owl:sameAs ?qid } }""")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert len(rows) == 1
    assert rows[0]["qid"]["value"] == "http://www.wikidata.org/entity/Q1394"


def test_rdflib_sparqlstore_reads_quotations_with_their_speaker(server):
    graph = Graph(store=SPARQLStore(server + "sparql"))
    rows = list(graph.query("""PREFIX schema: <http://schema.org/>
        SELECT ?text ?name WHERE { ?q a schema:Quotation ; schema:text ?text ; schema:creator/schema:name ?name }
        LIMIT 20"""))
    assert len(rows) == 20
    assert all(str(text) for text, _ in rows)


def test_malformed_query_is_a_400_with_the_parsers_message(server):
    r = requests.get(server + "sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400
    assert "malformed query" in r.text and "1:" in r.text
    assert "Traceback" not in r.text


def test_update_is_refused_because_the_endpoint_is_read_only(server):
    r = requests.post(server + "sparql", data="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                      headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    assert "read-only" in r.text


def test_entity_iris_resolve_to_html_and_turtle(server, built):
    config, _ = built
    html = requests.get(server + "person/vladimir-lenin", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Vladimir Lenin" in html.text and "Q1394" in html.text
    out = subprocess.run(["curl", "-sS", "-H", "Accept: text/turtle", server + "person/vladimir-lenin"],
                         capture_output=True, text=True, check=True)
    graph = Graph().parse(data=out.stdout, format="turtle")
    lenin = next(graph.subjects(SCHEMA.name, None))
    assert str(lenin) == config.base_iri + "person/vladimir-lenin"


def test_void_names_the_dumps_and_the_dump_keeps_the_contract(server, built):
    void = Graph().parse(data=requests.get(server + ".well-known/void").text, format="turtle")
    dumps = [str(o) for o in void.objects(None, Namespace("http://rdfs.org/ns/void#").dataDump)]
    turtle_url = next(u for u in dumps if u.endswith(".ttl"))
    response = requests.get(turtle_url)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    _, result = built
    entry = next(d for d in result.manifest["dumps"] if d["name"].endswith(".ttl"))
    assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
    graph = Graph().parse(data=response.content, format="turtle")
    check_contract(graph)


def check_contract(graph: Graph) -> None:
    """Every corpus text is a document with its identifier, and every annotation's offsets select its exact text."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in Path(CORPUS).glob("*.txt")}
    docs = {str(o): s for s, o in graph.subject_objects(DCT.identifier)}
    assert set(texts) <= set(docs)
    checked = 0
    for target, doc in graph.subject_objects(OA.hasSource):
        text = texts[str(graph.value(doc, DCT.identifier))]
        selectors = list(graph.objects(target, OA.hasSelector))
        start = next(int(graph.value(s, OA.start)) for s in selectors if graph.value(s, OA.start) is not None)
        end = next(int(graph.value(s, OA.end)) for s in selectors if graph.value(s, OA.end) is not None)
        exact = next(str(graph.value(s, OA.exact)) for s in selectors if graph.value(s, OA.exact) is not None)
        assert text[start:end] == exact
        checked += 1
    assert checked > 500


def test_gzipped_ntriples_dump_downloads_whole_with_its_checksum(server, built):
    _, result = built
    entry = next(d for d in result.manifest["dumps"] if d["name"].endswith(".nt.gz"))
    response = requests.get(server + "dumps/" + entry["name"])
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
    lines = gzip.decompress(response.content).decode("utf-8").splitlines()
    assert len(lines) == entry["triples"]


def test_home_page_says_what_the_dataset_is(server):
    r = requests.get(server)
    assert r.status_code == 200
    assert "persons" in r.text and "/sparql" in r.text and "/dumps/" in r.text
