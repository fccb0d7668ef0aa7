"""sh:datatype holds only for well-formed literals: impossible dates and out-of-range numbers are violations."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kgpub.shapes.validate import STORE_MERGES, ShapesError, load_shapes, validate_data

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:value ;
    sh:property [ sh:path ex:value ; sh:datatype xsd:{datatype} ] .
"""

# (datatype, lexical form, well-formed?): the datatypes the project's shapes use first, then the other
# datatypes the compiler checks itself.
CASES = [
    ("date", "1917-11-07", True), ("date", "2020-02-29", True), ("date", "2021-02-30", False),
    ("date", "2021-02-29", False), ("date", "1917-13-01", False), ("date", "1917-1-07", False),
    ("date", "1917-11-07Z", True), ("date", "07.11.1917", False),
    ("gYearMonth", "1917-11", True), ("gYearMonth", "1917-13", False), ("gYearMonth", "1917-00", False),
    ("gYear", "1917", True), ("gYear", "-0044", True), ("gYear", "17", False), ("gYear", "1917a", False),
    ("integer", "42", True), ("integer", "-7", True), ("integer", "123456789012345678901234567890", True),
    ("integer", "4.0", False), ("integer", "forty", False), ("integer", "", False),
    ("string", "any text", True),
    ("decimal", "4.0", True), ("decimal", "1234567890123456789012345678901234567890.5", True),
    ("decimal", "4,0", False), ("double", "1e3", True), ("double", "INF", True), ("double", "1e", False),
    ("float", "1.5", True), ("float", "one", False),
    ("boolean", "true", True), ("boolean", "0", True), ("boolean", "yes", False),
    ("dateTime", "1917-11-07T10:00:00", True), ("dateTime", "1917-11-07T25:00:00", False),
    ("dateTime", "1917-02-30T10:00:00", False), ("time", "23:59:59", True), ("time", "24:30:00", False),
    ("duration", "P1Y2M", True), ("duration", "1 year", False),
    ("gMonth", "--11", True), ("gMonth", "--13", False), ("gDay", "---31", True), ("gDay", "---32", False),
    ("gMonthDay", "--02-29", True), ("gMonthDay", "--02-30", False),
    ("byte", "127", True), ("byte", "300", False), ("unsignedByte", "-1", False),
    ("nonNegativeInteger", "-1", False), ("int", "3000000000", False), ("anyURI", "http://example.org/", True),
]
PROJECT_DATATYPES = {"date", "gYearMonth", "gYear", "integer", "string"}


def data(datatype: str, lexical: str) -> bytes:
    return (f'<http://example.org/x> <http://example.org/value> '
            f'"{lexical}"^^<http://www.w3.org/2001/XMLSchema#{datatype}> .\n').encode()


def shapes_for(datatype: str, tmp_path) -> Graph:
    path = tmp_path / "shapes.ttl"
    path.write_text(SHAPES.replace("{datatype}", datatype))
    return load_shapes(path)


@pytest.mark.parametrize("datatype, lexical, valid", CASES, ids=[f"{d}-{v}" for d, v, _ in CASES])
def test_a_literal_conforms_exactly_when_well_formed(datatype, lexical, valid, tmp_path):
    report = validate_data(data(datatype, lexical), shapes=shapes_for(datatype, tmp_path), ontology=False)
    assert report.conforms is valid, report.summary()
    # The datatypes of the project's shapes are checked by the compiler, not left to the slower library.
    assert not report.delegated or datatype not in PROJECT_DATATYPES
    if not valid:
        assert [str(v.value) for v in report.violations] == [lexical]
        assert report.violations[0].component.endswith("DatatypeConstraintComponent")


def test_the_projects_shapes_refuse_an_impossible_date():
    """A work published on 30 February breaks the shapes, as a work with a well-formed date does not."""
    def work(date: str) -> bytes:
        return ('<https://w3id.org/kgpub/work/w> <http://schema.org/datePublished> '
                f'"{date}"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
                '<https://w3id.org/kgpub/work/w> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                '<https://w3id.org/kgpub/ontology#Work> .\n').encode()

    def date_messages(date: str) -> list[str]:
        return [v.message for v in validate_data(work(date)).violations if "datePublished" in v.message]

    assert date_messages("1917-02-30") == [
        "work whose schema:datePublished is not an xsd:date, xsd:gYearMonth or xsd:gYear"]
    assert date_messages("1917-02-28") == []


@pytest.mark.parametrize("derived", ["int", "byte", "nonNegativeInteger"])
def test_a_datatype_the_store_would_merge_is_left_to_the_library(derived, tmp_path):
    """The store files "5"^^xsd:int under xsd:integer: sh:datatype xsd:integer then goes to pyshacl, which
    tells them apart; the compiler alone refuses, naming the feature and the shape."""
    assert any(d.endswith(derived) for d in map(str, STORE_MERGES[next(iter(STORE_MERGES))]))
    shapes = shapes_for("integer", tmp_path)
    report = validate_data(data(derived, "5"), shapes=shapes, ontology=False)
    assert not report.conforms and report.delegated
    with pytest.raises(ShapesError, match="xsd:integer"):
        validate_data(data(derived, "5"), shapes=shapes, ontology=False, library=False)


def test_out_of_range_values_of_a_bounded_type_are_violations(tmp_path):
    """xsd:byte holds -128..127: "300"^^xsd:byte is ill-formed (checked by the library: the store drops the type)."""
    shapes = shapes_for("byte", tmp_path)
    assert validate_data(data("byte", "100"), shapes=shapes, ontology=False).conforms
    report = validate_data(data("byte", "300"), shapes=shapes, ontology=False)
    assert not report.conforms
    assert [str(v.value) for v in report.violations] == ["300"]


def test_the_store_still_merges_what_the_gate_says_it_merges():
    """If a newer pyoxigraph kept xsd:int apart, the gate could compile more: this says when that happens."""
    store = ox.Store()
    for merged in STORE_MERGES:
        for derived in STORE_MERGES[merged]:
            sample = "2020-01-01T00:00:00Z" if "dateTime" in str(derived) else "5"
            store.add(ox.Quad(ox.NamedNode("http://example.org/x"), ox.NamedNode(str(derived)),
                              ox.Literal(sample, datatype=ox.NamedNode(str(derived)))))
    rows = store.query("SELECT ?p (datatype(?o) AS ?d) WHERE { ?s ?p ?o }")
    stored = {str(row["p"].value): str(row["d"].value) for row in rows}
    assert stored == {str(d): str(m) for m, group in STORE_MERGES.items() for d in group}
