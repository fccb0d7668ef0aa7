"""The W3C SPARQL 1.1 query-evaluation and syntax tests, run over HTTP against one real server.

Every data file the tests name is loaded into one store as a named graph (named by its file IRI) and served
with `kgpub serve --data`; each test sends its query by POST with default-graph-uri / named-graph-uri naming
its data (or, when the query has FROM, with no protocol dataset, so the query's own is used), and compares
the answer with the expected results: solutions as multisets, blank nodes up to renaming; graphs by
isomorphism; CSV/TSV as text rows. Syntax tests expect 200 or 400. The pass count is printed; a floor and
the known failures are asserted, so a regression or a newly passing test is noticed.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
import os
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
import requests
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

# The suites stand in ../shared/w3c/, relative to the project root (KGPUB_W3C_SUITES to point elsewhere).
W3C = Path(os.environ.get("KGPUB_W3C_SUITES", Path(__file__).resolve().parents[3] / "shared" / "w3c"))
SUITE = W3C / "sparql/sparql11"
MANIFEST = SUITE / "manifest-sparql11-query.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
XSD = "http://www.w3.org/2001/XMLSchema#"
SRX = "{http://www.w3.org/2005/sparql-results#}"
EMPTY_GRAPH = "urn:x-kgpub-test:no-such-graph"
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
               ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<([^>]*)>", re.I)
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                             "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}

# Tests this endpoint fails, each with the reason; asserted exactly, so a fix or a regression is noticed.
# All are deviations of the engine (pyoxigraph) itself, reproduced with pyoxigraph directly, not of the protocol.
CANONICAL = "the store keeps typed literals by value: '0'^^xsd:boolean comes back as 'false'"
KNOWN_FAILURES: dict[str, str] = {
    "aggregates/agg-empty-group-count-graph": "a subquery with COUNT inside GRAPH ?g gives no row for an empty match",
    "aggregates/agg-groupconcat-04": "GROUP_CONCAT of literals with one language tag keeps the tag",
    "aggregates/agg-groupconcat-06": "GROUP_CONCAT of literals with one language tag keeps the tag",
    "bindings/graph": "VALUES with UNDEF inside GRAPH ?g leaves ?g unbound instead of joining every graph",
    "cast/cast-bool": CANONICAL, "cast/cast-decimal": CANONICAL, "cast/cast-double": CANONICAL,
    "cast/cast-float": CANONICAL, "cast/cast-int": CANONICAL, "cast/cast-string": CANONICAL,
    "functions/bnode01": "BNODE(str) gives the same blank node across solutions",
    "negation/graph-minus": "MINUS inside GRAPH ?g removes solutions sharing only the graph variable",
    "property-path/zero_or_more_set_end": "a zero-length path from a term not in the graph gives nothing",
    "property-path/zero_or_more_set_start": "a zero-length path from a term not in the graph gives nothing",
    "property-path/zero_or_one_set_end": "a zero-length path from a term not in the graph gives nothing",
    "property-path/zero_or_one_set_start": "a zero-length path from a term not in the graph gives nothing",
}
PASS_FLOOR = 305  # 312 of 328 pass; a small margin

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not MANIFEST.exists() and not os.environ.get("CI"),
                                 reason=f"W3C test suite not found at {SUITE} (set KGPUB_W3C_SUITES)")]


@dataclass(frozen=True)
class EvalTest:
    """One manifest entry: its kind, query file, data (default graph) and named graphs, expected result."""

    name: str
    kind: str
    query: Path
    data: tuple[str, ...] = ()
    graphs: tuple[tuple[str, str], ...] = ()  # (graph IRI, file IRI)
    result: Path | None = None


def file_path(iri: str) -> Path:
    return Path(iri.removeprefix("file://"))


def read_manifests() -> list[EvalTest]:
    top = Graph().parse(MANIFEST, format="turtle")
    includes = Collection(top, next(top.objects(None, MF.include)))
    tests = []
    for sub in includes:
        g = Graph().parse(file_path(str(sub)), format="turtle")
        manifest = next(g.subjects(RDF.type, MF.Manifest))
        for entry in Collection(g, g.value(manifest, MF.entries)):
            kind = str(g.value(entry, RDF.type)).rsplit("#", 1)[-1]
            name = f"{file_path(str(sub)).parent.name}/{str(entry).rsplit('#', 1)[-1]}"
            action = g.value(entry, MF.action)
            if kind.endswith("SyntaxTest11"):
                tests.append(EvalTest(name, kind, file_path(str(action))))
                continue
            graphs = []
            for item in g.objects(action, QT.graphData):
                if isinstance(item, BNode):  # [ qt:graph <file> ; rdfs:label "graph IRI" ]
                    graphs.append((str(g.value(item, RDFS.label)), str(g.value(item, QT.graph))))
                else:
                    graphs.append((str(item), str(item)))
            result = g.value(entry, MF.result)
            tests.append(EvalTest(name, kind, file_path(str(g.value(action, QT.query))),
                                  tuple(sorted(str(d) for d in g.objects(action, QT.data))), tuple(sorted(graphs)),
                                  file_path(str(result)) if result is not None else None))
    return tests


TESTS = read_manifests() if MANIFEST.exists() else []


def query_text(test: EvalTest) -> str:
    """The query with its file as BASE, as the manifest's relative IRIs mean."""
    return f"BASE <{test.query.as_uri()}>\n" + test.query.read_text(encoding="utf-8")


def data_files(tests: list[EvalTest]) -> dict[str, str]:
    """{graph IRI: file IRI} of every graph the tests need, FROM / FROM NAMED targets included."""
    graphs: dict[str, str] = {}
    for test in tests:
        for iri in test.data:
            graphs[iri] = iri
        for name, iri in test.graphs:
            graphs[name] = iri
        if test.kind == "QueryEvaluationTest":
            for _, target in FROM.findall(test.query.read_text(encoding="utf-8")):
                iri = (test.query.parent / target).as_uri() if ":" not in target else target
                graphs[iri] = iri
    return {g: f for g, f in graphs.items() if file_path(f).suffix in RDF_FORMATS and file_path(f).exists()}


def quads_of(graph: str, path: Path, index: int):
    """The file's triples in the named graph; blank nodes renamed so no two files share one."""
    def fresh(term):
        return ox.BlankNode(f"f{index}x{term.value}") if isinstance(term, ox.BlankNode) else term
    for q in ox.parse(path=str(path), format=RDF_FORMATS[path.suffix], base_iri=path.as_uri()):
        yield ox.Quad(fresh(q.subject), q.predicate, fresh(q.object), ox.NamedNode(graph))


@pytest.fixture(scope="module")
def endpoint(start_server, tmp_path_factory) -> str:
    """One server with every data file of the suite as a named graph."""
    quads = []
    for index, (graph, iri) in enumerate(sorted(data_files(TESTS).items())):
        quads += list(quads_of(graph, file_path(iri), index))
    path = tmp_path_factory.mktemp("w3c-query") / "suite.nq"
    ox.serialize(quads, str(path), format=ox.RdfFormat.N_QUADS)
    return start_server(["--data", str(path)]) + "sparql"


def send(endpoint: str, test: EvalTest, accept: str) -> requests.Response:
    query = query_text(test)
    params: list[tuple[str, str]] = []
    if not FROM.search(query):
        params += [("default-graph-uri", d) for d in test.data or (EMPTY_GRAPH,)]
        params += [("named-graph-uri", name) for name, _ in test.graphs or ((EMPTY_GRAPH, ""),)]
    return requests.post(endpoint, params=params, data=query.encode("utf-8"), timeout=60,
                         headers={"Content-Type": "application/sparql-query", "Accept": accept})


# --- results as comparable rows -------------------------------------------------------------------------

Term = tuple  # ("uri", iri) | ("bnode", id) | ("literal", lexical, datatype, lang)


def literal(value: str, datatype: str | None, lang: str | None) -> Term:
    if lang:
        return ("literal", value, "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", lang.lower())
    return ("literal", value, datatype or XSD + "string", "")


def json_term(t: dict) -> Term:
    if t["type"] == "uri":
        return ("uri", t["value"])
    if t["type"] == "bnode":
        return ("bnode", t["value"])
    return literal(t["value"], t.get("datatype"), t.get("xml:lang"))


def rdflib_term(t) -> Term:
    if isinstance(t, URIRef):
        return ("uri", str(t))
    if isinstance(t, BNode):
        return ("bnode", str(t))
    return literal(str(t), str(t.datatype) if t.datatype else None, t.language)


Rows = list[dict[str, Term]]


def parse_srx(text: bytes) -> tuple[bool | None, Rows]:
    root = ElementTree.fromstring(text)
    boolean = root.find(f"{SRX}boolean")
    if boolean is not None:
        return boolean.text.strip() == "true", []
    rows = []
    for result in root.iter(f"{SRX}result"):
        row = {}
        for binding in result.findall(f"{SRX}binding"):
            node = binding[0]
            tag = node.tag.removeprefix(SRX)
            if tag == "uri":
                row[binding.get("name")] = ("uri", node.text or "")
            elif tag == "bnode":
                row[binding.get("name")] = ("bnode", node.text or "")
            else:
                row[binding.get("name")] = literal(node.text or "", node.get("datatype"),
                                                   node.get("{http://www.w3.org/XML/1998/namespace}lang"))
        rows.append(row)
    return None, rows


def parse_srj(text: bytes) -> tuple[bool | None, Rows]:
    data = json.loads(text)
    if "boolean" in data:
        return bool(data["boolean"]), []
    return None, [{v: json_term(t) for v, t in b.items()} for b in data["results"]["bindings"]]


def parse_rdf_results(path: Path) -> tuple[bool | None, Rows]:
    """A result set written in RDF with the rs: vocabulary."""
    g = Graph().parse(path, format="turtle")
    results = next(g.subjects(RDF.type, RS.ResultSet))
    boolean = g.value(results, RS.boolean)
    if boolean is not None:
        return boolean.toPython(), []
    rows = [{str(g.value(b, RS.variable)): rdflib_term(g.value(b, RS.value)) for b in g.objects(s, RS.binding)}
            for s in g.objects(results, RS.solution)]
    return None, rows


def expected_results(path: Path) -> tuple[bool | None, Rows]:
    if path.suffix == ".srx":
        return parse_srx(path.read_bytes())
    if path.suffix == ".srj":
        return parse_srj(path.read_bytes())
    return parse_rdf_results(path)


def same_term(a: Term, b: Term) -> bool:
    if a == b:
        return True
    if a[0] == b[0] == "literal" and a[2] == b[2] and a[2] in NUMERIC:
        try:  # the same number written differently ("1.0" and "1.00" as xsd:decimal)
            return Decimal(a[1]) == Decimal(b[1])
        except InvalidOperation:
            return False
    return False


def match_rows(expected: Rows, actual: Rows) -> bool:
    """Equal as multisets of solutions, blank nodes up to a consistent renaming."""
    if len(expected) != len(actual):
        return False
    has_bnodes = any(t[0] == "bnode" for row in expected + actual for t in row.values())
    if not has_bnodes and Counter(map(frozen, expected)) == Counter(map(frozen, actual)):
        return True
    return search(expected, actual, 0, set(), {}, {})


def frozen(row: dict[str, Term]) -> frozenset:
    return frozenset(row.items())


def search(expected: Rows, actual: Rows, i: int, used: set[int], forward: dict, backward: dict) -> bool:
    """Backtracking: match expected row i with an unused actual row, extending the blank node bijection."""
    if i == len(expected):
        return True
    want = expected[i]
    for j, row in enumerate(actual):
        if j in used or set(row) != set(want):
            continue
        added = []
        ok = True
        for var, term in want.items():
            other = row[var]
            if term[0] == "bnode" and other[0] == "bnode":
                if forward.get(term[1], other[1]) != other[1] or backward.get(other[1], term[1]) != term[1]:
                    ok = False
                    break
                if term[1] not in forward:
                    forward[term[1]], backward[other[1]] = other[1], term[1]
                    added.append(term[1])
            elif not same_term(term, other):
                ok = False
                break
        if ok:
            used.add(j)
            if search(expected, actual, i + 1, used, forward, backward):
                return True
            used.discard(j)
        for key in added:
            backward.pop(forward.pop(key))
    return False


def text_rows(text: str, delimiter: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)
            if row] if delimiter == "," else [line.split("\t") for line in text.splitlines() if line]


def same_text_table(expected: str, actual: str, delimiter: str) -> bool:
    """CSV/TSV answers: the same header and the same rows in any order, blank node labels up to renaming."""
    exp, act = text_rows(expected, delimiter), text_rows(actual, delimiter)
    if not exp or not act or exp[0] != act[0]:
        return False
    def as_rows(rows):
        return [{str(i): ("bnode", c[2:]) if c.startswith("_:") else ("text", c) for i, c in enumerate(r)}
                for r in rows[1:]]
    return match_rows(as_rows(exp), as_rows(act))


# --- running one test ------------------------------------------------------------------------------------

def run(endpoint: str, test: EvalTest) -> tuple[bool, str]:
    """(passed, what happened) for one test."""
    if test.kind == "PositiveSyntaxTest11":
        # parsed: answered, or refused for what it asks (an unknown extension function), not for its syntax
        r = send(endpoint, test, "application/sparql-results+json, application/n-triples")
        return r.status_code == 200 or (r.status_code == 400 and "malformed" not in r.text), \
            f"{r.status_code} {r.text[:200]}"
    if test.kind == "NegativeSyntaxTest11":
        r = send(endpoint, test, "application/sparql-results+json, application/n-triples")
        return r.status_code == 400 and "malformed query" in r.text, f"{r.status_code} {r.text[:200]}"
    if test.result is None:
        return False, "no expected result in the manifest"
    if test.result.suffix in (".csv", ".tsv"):
        media, delimiter = ("text/csv", ",") if test.result.suffix == ".csv" else ("text/tab-separated-values", "\t")
        r = send(endpoint, test, media)
        if r.status_code != 200:
            return False, f"{r.status_code} {r.text[:200]}"
        return same_text_table(test.result.read_text(encoding="utf-8"), r.content.decode("utf-8"), delimiter), \
            r.text[:300]
    r = send(endpoint, test, "application/sparql-results+json, application/n-triples")
    if r.status_code != 200:
        return False, f"{r.status_code} {r.text[:200]}"
    media = r.headers["Content-Type"].split(";")[0]
    if media == "application/n-triples":
        expected = Graph().parse(test.result, format={".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}.get(
            test.result.suffix, "turtle"))
        actual = Graph().parse(data=r.content, format="nt")
        return isomorphic(expected, actual), f"{len(actual)} triples, {len(expected)} expected"
    got_boolean, got_rows = parse_srj(r.content)
    want_boolean, want_rows = expected_results(test.result)
    if want_boolean is not None or got_boolean is not None:
        return got_boolean == want_boolean, f"boolean {got_boolean}, expected {want_boolean}"
    return match_rows(want_rows, got_rows), f"{len(got_rows)} rows, {len(want_rows)} expected"


def test_sparql11_query_evaluation_suite(endpoint: str) -> None:
    outcomes = {test.name: run(endpoint, test) for test in TESTS}
    failed = {name: detail for name, (ok, detail) in outcomes.items() if not ok}
    passed = len(outcomes) - len(failed)
    print(f"\nW3C SPARQL 1.1 query evaluation over HTTP: {passed} of {len(outcomes)} tests pass")
    for name, detail in sorted(failed.items()):
        print(f"  FAIL {name}: {detail[:160]!r}")
    assert passed >= PASS_FLOOR
    assert set(failed) == set(KNOWN_FAILURES), {
        "newly failing": sorted(set(failed) - set(KNOWN_FAILURES)),
        "now passing (remove from KNOWN_FAILURES)": sorted(set(KNOWN_FAILURES) - set(failed))}
