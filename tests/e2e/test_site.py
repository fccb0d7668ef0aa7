"""The site against the real server process: the SPARQL protocol's statuses and media types, Linked Data, dumps."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "server" / "static" / "examples.json"
SCHEMA = Namespace("http://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCT = Namespace("http://purl.org/dc/terms/")
LENIN = "person/vladimir-lenin"
SELECT = "SELECT ?s WHERE { ?s a <http://schema.org/Person> } ORDER BY ?s LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?s a <http://schema.org/Person> } WHERE { ?s a <http://schema.org/Person> } LIMIT 3"


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def server(request, server):
    """Each test against the embedded store's server and against `serve --store` over Virtuoso."""
    return server if request.param == "embedded" else request.getfixturevalue("virtuoso_server")


RDFLIB = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
          "application/rdf+xml": "xml"}


def media(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def curl(*args: str) -> tuple[dict[str, str], str]:
    """(headers, body) of a curl request: a client that is not Python."""
    out = subprocess.run(["curl", "-sS", "-D", "-", *args], capture_output=True, check=True).stdout
    head, _, body = out.decode("utf-8").partition("\r\n\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head.splitlines()[1:])}
    headers[":status"] = head.split()[1]
    return headers, body


# --- SPARQL protocol -----------------------------------------------------------------------------------------

def test_get_post_form_and_post_direct_give_the_same_rows(server):
    url = server + "sparql"
    answers = [requests.get(url, params={"query": SELECT}),
               requests.post(url, data={"query": SELECT}),
               requests.post(url, data=SELECT.encode(), headers={"Content-Type": "application/sparql-query"})]
    assert [r.status_code for r in answers] == [200, 200, 200]
    rows = [r.json()["results"]["bindings"] for r in answers]
    assert rows[0] == rows[1] == rows[2] and len(rows[0]) == 3


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_select_results_in_each_media_type(server, accept):
    r = requests.get(server + "sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200 and media(r) == accept
    assert r.text.count("https://w3id.org/kgpub/person/") == 3
    assert r.headers["Vary"] == "Accept"


@pytest.mark.parametrize("accept", list(RDFLIB))
def test_construct_results_in_each_rdf_media_type(server, accept):
    r = requests.get(server + "sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and media(r) == accept
    graph = Graph().parse(data=r.content, format=RDFLIB[accept])
    assert len(set(graph.subjects(RDF.type, SCHEMA.Person))) == 3


def test_accept_q_values_pick_the_preferred_type(server):
    r = requests.get(server + "sparql", params={"query": SELECT},
                     headers={"Accept": "application/sparql-results+json;q=0.2, text/csv;q=0.9, */*;q=0.1"})
    assert media(r) == "text/csv"
    r = requests.get(server + "sparql", params={"query": SELECT},
                     headers={"Accept": "text/csv;q=0, application/sparql-results+xml;q=0.5, text/turtle"})
    assert media(r) == "application/sparql-results+xml"


def test_format_parameter_overrides_accept(server):
    r = requests.get(server + "sparql", params={"query": SELECT, "format": "tsv"}, headers={"Accept": "text/html"})
    assert r.status_code == 200 and media(r) == "text/tab-separated-values"


def test_nothing_acceptable_is_406(server):
    r = requests.get(server + "sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "accept one of" in r.text
    r = requests.get(server + "sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406 and "SELECT" in r.text


def test_malformed_query_is_400_with_message_and_position(server):
    headers, body = curl("-G", server + "sparql", "--data-urlencode", "query=SELECT * WHERE { ?s ?p }")
    assert headers[":status"] == "400" and headers["content-type"].startswith("text/plain")
    assert re.search(r"malformed query: error at \d+:\d+", body) and "Traceback" not in body


def test_wrong_or_missing_media_type(server):
    r = requests.post(server + "sparql", data=SELECT.encode(), headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and "application/sparql-query" in r.text
    r = requests.post(server + "sparql", data=SELECT.encode(), headers={"Content-Type": ""})
    assert r.status_code == 400 and "Content-Type" in r.text
    r = requests.post(server + "sparql", data=SELECT.encode("utf-16"),
                      headers={"Content-Type": "application/sparql-query; charset=utf-16"})
    assert r.status_code == 415 and "UTF-8" in r.text


@pytest.mark.parametrize("request_kwargs", [
    {"method": "POST", "data": "DELETE WHERE { ?s ?p ?o }", "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "POST", "data": {"update": "CLEAR ALL"}},
    {"method": "GET", "params": {"update": "DROP ALL"}},
    {"method": "POST", "data": {"query": "PREFIX s: <http://schema.org/> INSERT DATA { s:a s:b s:c }"}},
])
def test_updates_are_refused_as_read_only(server, request_kwargs):
    r = requests.request(url=server + "sparql", **request_kwargs)
    assert r.status_code == 403 and "read-only" in r.text and "/dumps/" in r.text


def test_other_methods_are_405(server):
    assert requests.put(server + "sparql", data=SELECT).status_code == 405
    assert requests.delete(server + "sparql").status_code == 405


def test_cors_preflight_and_header(server):
    r = requests.options(server + "sparql", headers={"Origin": "https://yasgui.example",
                                                     "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "content-type" in r.headers["Access-Control-Allow-Headers"].lower()
    r = requests.get(server + "sparql", params={"query": SELECT}, headers={"Origin": "https://yasgui.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_results_carry_etag_and_last_modified_and_revalidate(server):
    r = requests.get(server + "sparql", params={"query": SELECT})
    assert r.headers["ETag"] and r.headers["Last-Modified"].endswith("GMT")
    again = requests.get(server + "sparql", params={"query": SELECT}, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    other = requests.get(server + "sparql", params={"query": SELECT + " OFFSET 1"})
    assert other.headers["ETag"] != r.headers["ETag"]


def test_service_is_off_by_default(server):
    r = requests.get(server + "sparql", params={
        "query": "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 403 and "federation is off" in r.text


def test_service_description_at_the_endpoint(server):
    r = requests.get(server + "sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and media(r) == "text/turtle"
    g = Graph().parse(data=r.content, format="turtle")
    service = URIRef(server + "sparql")
    assert (service, RDF.type, SD.Service) in g and (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert list(g.subjects(RDF.type, VOID.Dataset))
    html = requests.get(server + "sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert media(html) == "text/html" and 'id="query"' in html.text


def test_sparqlwrapper_reads_xml_csv_and_turtle(server):
    client = SPARQLWrapper(server + "sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(XML)
    assert len(client.query().convert().getElementsByTagName("result")) == 3
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.query().convert().decode("utf-8"))))
    assert rows[0] == ["s"] and len(rows) == 4
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    assert len(Graph().parse(data=client.query().convert(), format="turtle")) == 3
    client.setQuery("ASK { ?s a <http://schema.org/Quotation> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_constructs_and_asks(server):
    graph = Graph(store=SPARQLStore(server + "sparql", returnFormat="xml"))
    assert len(graph.query(CONSTRUCT).graph) == 3
    assert graph.query("ASK { ?s <http://schema.org/name> \"Vladimir Lenin\" }").askAnswer is True


def test_every_example_query_runs_and_finds_rows(server):
    for example in json.loads(EXAMPLES.read_text(encoding="utf-8")):
        r = requests.post(server + "sparql", data={"query": example["query"]})
        assert r.status_code == 200, (example["title"], r.text)
        assert r.json()["results"]["bindings"], example["title"]


# --- limits, on a server of their own ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def limited(start_server, built) -> str:
    config, _ = built
    return start_server(["--build-dir", str(config.build_dir)], env={
        "KGPUB_MAX_ROWS": "5", "KGPUB_QUERY_TIMEOUT": "1", "KGPUB_MAX_BODY_BYTES": "4000",
        "KGPUB_SERVICE_ALLOWLIST": "http://127.0.0.1:9/sparql"})


def test_truncation_is_announced(limited):
    r = requests.get(limited + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 5
    assert r.headers["X-SPARQL-Truncated"] == "true; max-rows=5" and "truncated" in r.headers["Warning"]
    small = requests.get(limited + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
    assert "X-SPARQL-Truncated" not in small.headers


def test_a_query_past_the_timeout_is_stopped_and_the_server_goes_on(limited):
    r = requests.get(limited + "sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert r.status_code == 503 and "stopped" in r.text and r.headers["Retry-After"]
    after = requests.get(limited + "sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_a_body_over_the_limit_is_413(limited):
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 5000
    r = requests.post(limited + "sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "shorter" in r.text


def test_service_to_an_allowed_endpoint_runs(limited):
    allowed = requests.get(limited + "sparql", params={
        "query": "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert allowed.status_code == 200
    other = requests.get(limited + "sparql", params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:10/sparql> { ?s ?p ?o } }"})
    assert other.status_code == 403 and "http://127.0.0.1:9/sparql" in other.text


# --- Linked Data ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "application/n-triples"])
def test_entity_iri_by_content_negotiation_with_curl(server, built, accept):
    config, _ = built
    headers, body = curl("-H", f"Accept: {accept}", server + LENIN)
    assert headers[":status"] == "200" and headers["content-type"].startswith(accept)
    assert headers["vary"] == "Accept" and headers["content-location"].startswith("/" + LENIN + ".")
    graph = Graph().parse(data=body, format=RDFLIB[accept])
    assert (URIRef(config.base_iri + LENIN), SCHEMA.name, Literal("Vladimir Lenin")) in graph


@pytest.mark.parametrize("ext,accept", [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                        ("nt", "application/n-triples"), ("rdf", "application/rdf+xml")])
def test_explicit_format_urls(server, built, ext, accept):
    config, _ = built
    headers, body = curl(f"{server}{LENIN}.{ext}")
    assert headers[":status"] == "200" and headers["content-type"].startswith(accept)
    assert URIRef(config.base_iri + LENIN) in set(Graph().parse(data=body, format=RDFLIB[accept]).subjects())


def test_unknown_resources_are_404_and_unacceptable_types_406(server):
    assert curl(server + "person/no-such-person")[0][":status"] == "404"
    assert curl(server + "nothing/here")[0][":status"] == "404"
    assert curl("-H", "Accept: image/png", server + LENIN)[0][":status"] == "406"


def test_person_page_shows_everything_about_the_person(server):
    r = requests.get(server + LENIN, headers={"Accept": "text/html"})
    assert r.status_code == 200 and media(r) == "text/html"
    page = r.text
    assert "<h1>Vladimir Lenin</h1>" in page and "schema:Person" in page
    assert 'href="http://www.wikidata.org/entity/Q1394"' in page
    assert "Linked from" in page and re.search(r"\d+ mentions in the texts", page)
    mention = re.search(r'<a href="/document/([\w]+)#c(\d+)">', page)
    assert mention and "<mark>Lenin</mark>" in page
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(embedded)
    assert data["@context"]["@vocab"] == "http://schema.org/" and data["name"] == "Vladimir Lenin"


def test_evidence_links_to_the_document_at_the_position(server):
    page = requests.get(server + LENIN).text
    doc, start = re.search(r'<a href="/document/([\w]+)#c(\d+)">', page).groups()
    document = requests.get(f"{server}document/{doc}").text
    assert f'id="c{start}"' in document
    assert re.search(r'<a class="m person" href="/person/vladimir-lenin"', document)
    assert "Mentioned" in document and 'application/ld+json' in document


def test_quotation_page_says_who_said_it_where_and_who_quotes_it(server):
    r = requests.post(server + "sparql", data={"query": """PREFIX schema: <http://schema.org/>
        SELECT ?q WHERE { ?q a schema:Quotation ; schema:creator ?p ; schema:isPartOf ?w } LIMIT 1"""})
    iri = r.json()["results"]["bindings"][0]["q"]["value"]
    page = requests.get(server + "quotation/" + iri.rsplit("/", 1)[-1]).text
    assert "<blockquote>" in page and "Said by" in page and "<cite>" in page
    assert "Quoted in" in page and re.search(r'href="/document/\w+#c\d+"', page)


def test_ontology_and_shapes_at_their_namespace_iris(server):
    for path in ("ontology", "shapes"):
        ttl = requests.get(server + path, headers={"Accept": "text/turtle"})
        assert ttl.status_code == 200 and media(ttl) == "text/turtle"
        assert len(Graph().parse(data=ttl.content, format="turtle")) > 20
        html = requests.get(server + path, headers={"Accept": "text/html"})
        assert media(html) == "text/html" and "<table" in html.text
    assert "kg:" in requests.get(server + "ontology").text


# --- dumps and VoID ------------------------------------------------------------------------------------------

def test_dumps_listing_and_downloads(server, built):
    _, result = built
    listing = requests.get(server + "dumps/", params={"format": "json"}).json()["dumps"]
    names = {d["name"] for d in listing}
    build_id = result.manifest["build_id"]
    assert {f"kgpub-{build_id}.ttl", f"kgpub-{build_id}.nt.gz", f"kgpub-{build_id}.jsonld", "ontology.ttl",
            "shapes.ttl"} <= names
    expected_types = {".ttl": "text/turtle", ".gz": "application/gzip", ".jsonld": "application/ld+json"}
    for dump in listing:
        r = requests.get(server + "dumps/" + dump["name"])
        assert r.status_code == 200 and media(r) == expected_types[Path(dump["name"]).suffix]
        assert len(r.content) == dump["bytes"] and hashlib.sha256(r.content).hexdigest() == dump["sha256"]
        assert dump["triples"] > 0 and dump["license"].startswith("https://creativecommons.org/")
        assert "immutable" in r.headers["Cache-Control"] and r.headers["ETag"]
    html = requests.get(server + "dumps/").text
    assert all(d["sha256"] in html for d in listing)


def test_dumps_support_ranges_and_revalidation(server, built):
    _, result = built
    name = next(d["name"] for d in result.manifest["dumps"] if d["name"].endswith(".ttl"))
    whole = requests.get(server + "dumps/" + name).content
    part = requests.get(server + "dumps/" + name, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"
    etag = part.headers["ETag"]
    assert requests.get(server + "dumps/" + name, headers={"If-None-Match": etag}).status_code == 304
    assert requests.get(server + "dumps/no-such-file.ttl").status_code == 404


def test_void_lists_dumps_licence_sources_date_and_partitions(server, built):
    _, result = built
    r = requests.get(server + ".well-known/void", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.content, format="turtle")
    dataset = next(g.subjects(RDF.type, VOID.Dataset))
    dumps = {str(o).rsplit("/", 1)[-1] for o in g.objects(dataset, VOID.dataDump)}
    assert {d["name"] for d in result.manifest["dumps"] if d["kind"] == "graph"} == dumps
    assert g.value(dataset, DCT.license) == URIRef(result.manifest["license"])
    assert g.value(dataset, DCT.created) is not None
    assert len(list(g.objects(dataset, DCT.source))) >= len(result.manifest["documents"]) > 0
    assert len(list(g.objects(dataset, VOID.classPartition))) >= 4
    partitions = {g.value(p, VOID.property): int(g.value(p, VOID.triples))
                  for p in g.objects(dataset, VOID.propertyPartition)}
    count = requests.get(server + "sparql", params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://schema.org/name> ?o }"}).json()
    assert partitions[SCHEMA.name] == int(count["results"]["bindings"][0]["n"]["value"])
    assert sum(partitions.values()) == result.manifest["triples"]


def test_no_page_of_the_site_is_a_500(server):
    paths = ["", "sparql", "browse/person", "browse/quotation", "browse/nothing", "dumps/", ".well-known/void",
             "ontology", "shapes", "validation", "-/metadata", "-/versions", LENIN + ".html", "person/%00",
             "person/" + "x" * 3000, "sparql?query=%FF", "document/../../etc/passwd"]
    for path in paths:
        r = requests.get(server + path)
        assert r.status_code < 500 and "Traceback" not in r.text, (path, r.status_code)
