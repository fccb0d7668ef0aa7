"""The validation report is a standard sh:ValidationReport, as pyshacl writes it, served beside a readable page."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from bench.shacl import report_keys
from kgpub.ontology.vocab import ONTOLOGY_FILE, SH
from kgpub.shapes.validate import SHAPES_FILE

ROOT = Path(__file__).resolve().parents[2]
BROKEN = """@prefix schema: <http://schema.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://w3id.org/kgpub/quotation/q1> a schema:Quotation ;
    schema:creator <https://w3id.org/kgpub/person/vladimir-lenin> .
<https://w3id.org/kgpub/person/vladimir-lenin> a schema:Person ; schema:name "Vladimir Lenin" ;
    owl:sameAs <https://www.wikidata.org/wiki/Q1394> .
<https://w3id.org/kgpub/congress/c> a <https://w3id.org/kgpub/ontology#Congress> , schema:Event ;
    schema:name "Tenth Congress" ; schema:startDate "1921-02-30"^^xsd:date .
<https://w3id.org/kgpub/a> a oa:Annotation ; oa:hasBody <https://w3id.org/kgpub/congress/c> ,
    <https://w3id.org/kgpub/person/vladimir-lenin> .
"""


def test_the_report_of_the_command_line_is_what_pyshacl_reports(tmp_path):
    """Same focus nodes, paths and constraint components as pyshacl on the same data and shapes; and each
    result carries focus node, path, value, source shape, component, severity and message as pyshacl's do."""
    import pyshacl
    data = tmp_path / "broken.ttl"
    data.write_text(BROKEN)
    done = subprocess.run([sys.executable, "-m", "kgpub.cli", "validate", str(data), "--format", "turtle"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1, done.stderr
    ours = Graph().parse(data=done.stdout, format="turtle")
    report = ours.value(None, RDF.type, SH.ValidationReport)
    assert (report, SH.conforms, Literal(False)) in ours

    reference_data = Graph().parse(data=BROKEN, format="turtle").parse(ONTOLOGY_FILE)
    _, theirs, _ = pyshacl.validate(reference_data, shacl_graph=Graph().parse(SHAPES_FILE), inference="none",
                                    advanced=True)
    assert report_keys(ours, report) == report_keys(theirs, theirs.value(None, RDF.type, SH.ValidationReport))
    assert len(list(ours.objects(report, SH.result))) >= 5
    for result in ours.objects(report, SH.result):
        for prop in (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity,
                     SH.resultMessage):
            assert ours.value(result, prop) is not None, prop
    dates = [r for r in ours.objects(report, SH.result) if str(ours.value(r, SH.value)) == "1921-02-30"]
    assert dates and ours.value(dates[0], SH.resultPath) is not None


@pytest.mark.e2e
def test_validation_is_served_as_a_report_and_as_a_page(server):
    turtle = requests.get(server + "validation.ttl", timeout=30)
    assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    report = graph.value(None, RDF.type, SH.ValidationReport)
    assert (report, SH.conforms, Literal(True)) in graph

    jsonld = requests.get(server + "validation", headers={"Accept": "application/ld+json"}, timeout=30)
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)

    page = requests.get(server + "validation", headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "the graph conforms" in page.text and 'href="/validation.ttl"' in page.text


def test_the_page_groups_a_failing_report_by_message(tmp_path):
    from kgpub.server.validation import report_groups
    from kgpub.shapes.validate import validate_file
    data = tmp_path / "broken.ttl"
    data.write_text(BROKEN)
    report = validate_file(data)
    (tmp_path / "report.ttl").write_text(report.graph.serialize(format="turtle"))
    conforms, total, groups = report_groups(tmp_path / "report.ttl")
    assert not conforms and total == len(report.violations)
    by_message = {g["message"]: g for g in groups}
    dates = by_message["event whose schema:startDate is not an xsd:date, xsd:gYearMonth or xsd:gYear"]
    assert dates["count"] == 1 and dates["shape"] == "kgsh:EventShape"
    assert dates["examples"][0]["path"] == "schema:startDate"
    assert dates["examples"][0]["value"] == '"1921-02-30"^^xsd:date'
