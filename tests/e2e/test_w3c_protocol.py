"""The W3C SPARQL 1.1 Protocol test suite, run request by request against the real server over HTTP.

The manifest's datasets (data1.nt .. data3.nt) are served as named graphs by `kgpub serve --data`. Query-side
tests must pass as written. The endpoint is read-only, so an update-side test passes when its update is
refused (4xx, and for a well-formed update a message saying the endpoint is read-only); the requests that
would check the update's effect are not sent.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.collection import Collection

# The suites stand in ../shared/w3c/, relative to the project root (KGPUB_W3C_SUITES to point elsewhere).
W3C = Path(os.environ.get("KGPUB_W3C_SUITES", Path(__file__).resolve().parents[3] / "shared" / "w3c"))
SUITE = W3C / "sparql/sparql11/protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
DATA_GRAPH = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
RESULT_TYPES = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
                "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                            "text/tab-separated-values"),
                "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json")}
READ_ONLY_HINT = "read-only"
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not MANIFEST.exists() and not os.environ.get("CI"),
                                 reason=f"W3C test suite not found at {SUITE} (set KGPUB_W3C_SUITES)")]


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected_status: set[str]
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    label: str
    requests: list[Request] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        """An update-side test: its first request carries a SPARQL Update (direct, form or GET)."""
        first = self.requests[0]
        text = (first.body or b"").decode("utf-8", "replace") + first.path
        return ("sparql-update" in first.headers.get("content-type", "") or "update=" in text
                or "using-graph-uri" in text or "using-named-graph-uri" in text)


def read_manifest() -> list[ProtocolTest]:
    g = Graph().parse(MANIFEST, format="turtle")
    manifest = next(g.subjects(MF.entries, None))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        test = ProtocolTest(str(entry).rsplit("#", 1)[-1], str(g.value(entry, MF.name)))
        action = g.value(entry, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            if g.value(req, HT.headers) is not None:
                for h in Collection(g, g.value(req, HT.headers)):
                    headers[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
            body = None
            if (content := g.value(req, HT.body)) is not None:
                encoding = str(g.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(content, CNT.chars)).encode(encoding)
            resp = g.value(req, HT.resp)
            boolean = g.value(resp, MF.expectedBoolean)
            test.requests.append(Request(
                str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)), headers, body,
                {str(s).rsplit("StatusCode", 1)[-1] for s in g.objects(resp, MF.expectedStatus)},
                str(g.value(resp, MF.expectedFormat)) if g.value(resp, MF.expectedFormat) else None,
                None if boolean is None else boolean.toPython()))
        tests.append(test)
    return tests


TESTS = read_manifest() if MANIFEST.exists() else []


@pytest.fixture(scope="module", params=["embedded", "virtuoso"])
def endpoint(request, start_server, tmp_path_factory) -> str:
    """A server over the suite's three datasets, each in its named graph: the embedded store's, or Virtuoso's
    (the graphs loaded into it by the Graph Store Protocol, `serve --data FILE --store URL`)."""
    quads = []
    for n in (1, 2, 3):
        for triple in ox.parse(path=str(SUITE / f"data{n}.nt"), format=ox.RdfFormat.N_TRIPLES):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(DATA_GRAPH.format(n))))
    path = tmp_path_factory.mktemp("w3c-protocol") / "protocol.nq"
    ox.serialize(quads, str(path), format=ox.RdfFormat.N_QUADS)
    if request.param == "embedded":
        return start_server(["--data", str(path)]) + "sparql"
    from kgpub.publish import StoreClient, Target
    virtuoso = request.getfixturevalue("virtuoso")
    client = StoreClient(Target(virtuoso.update, virtuoso.graph_store, *virtuoso.env.values()))
    client.learn_challenge(virtuoso.graph_store)
    for n in (1, 2, 3):
        client.graph_put(DATA_GRAPH.format(n), (SUITE / f"data{n}.nt").read_bytes(), replace=True)
    return start_server(["--data", str(path), "--store", virtuoso.sparql, "--graph", VIRTUOSO_DEFAULT_GRAPH]) + "sparql"


# Where Virtuoso, behind `serve --store`, answers otherwise than the suite expects (none are hidden: each is run
# and must still fail, so a fixed deviation is noticed).
VIRTUOSO_DEFAULT_GRAPH = "http://example.org/w3c-protocol/default"
VIRTUOSO_DEVIATIONS: dict[str, str] = {}


def send(endpoint: str, req: Request) -> requests.Response:
    assert req.path.startswith("/sparql/")
    url = endpoint + req.path[len("/sparql/"):]
    # requests adds no Content-Type of its own to a bytes body: a missing header stays missing
    return requests.request(req.method, url, data=req.body, headers=req.headers, timeout=30)


def status_class(code: int) -> str:
    return f"{code // 100}xx"


def check_response(req: Request, response: requests.Response) -> None:
    assert status_class(response.status_code) in req.expected_status, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if req.expected_format:
        assert media in RESULT_TYPES[req.expected_format], media
        if req.expected_format == "RDF":
            fmt = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt",
                   "application/ld+json": "json-ld"}[media]
            Graph().parse(data=response.content, format=fmt)
    if req.expected_boolean is not None:
        if media == "application/sparql-results+json":
            value = json.loads(response.content)["boolean"]
        else:
            value = "<boolean>true</boolean>" in response.text
        assert value is req.expected_boolean


def refused_update(req: Request, response: requests.Response) -> None:
    """A read-only endpoint answers an update with a 4xx; a well-formed one is told why."""
    assert status_class(response.status_code) == "4xx", (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "Traceback" not in response.text
    if req.expected_status != {"4xx"}:  # the suite expects it to succeed: refused because read-only
        assert response.status_code == 403 and READ_ONLY_HINT in response.text


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_protocol(request, endpoint: str, test: ProtocolTest) -> None:
    if "virtuoso" in request.node.callspec.id and test.name in VIRTUOSO_DEVIATIONS:
        request.applymarker(pytest.mark.xfail(reason=VIRTUOSO_DEVIATIONS[test.name], strict=True))
    if test.is_update:
        first = test.requests[0]
        refused_update(first, send(endpoint, first))
        return
    for req in test.requests:
        check_response(req, send(endpoint, req))


def test_the_whole_manifest_is_run() -> None:
    """All 34 tests of the manifest are read: 21 query-side, 13 update-side (refused)."""
    kinds = [t.is_update for t in TESTS]
    print(f"\nW3C SPARQL 1.1 Protocol: {kinds.count(False)} query-side, {kinds.count(True)} update-side tests")
    assert len(TESTS) == 34 and kinds.count(False) >= 20
