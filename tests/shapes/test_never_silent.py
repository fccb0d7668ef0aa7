"""A shape the compiler does not check is checked by the library, or refused by name: never skipped."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kgpub.shapes.validate import ShapesError, load_shapes, validate_data

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""
DATA = PREFIXES + """
ex:good a ex:Person ; ex:name "Rosa" ; ex:age 47 .
ex:bad a ex:Person ; ex:age 47 .
"""
# Each shape says "a person has a name", through a feature the compiler leaves to the library.
SHAPES = {
    "sh:node": "ex:S a sh:NodeShape ; sh:targetClass ex:Person ; sh:node ex:Named .\n"
               "ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
    "sh:and": "ex:S a sh:NodeShape ; sh:targetClass ex:Person ; "
              "sh:and ( [ sh:property [ sh:path ex:name ; sh:minCount 1 ] ] ) .",
    "sh:not": "ex:S a sh:NodeShape ; sh:targetClass ex:Person ; "
              "sh:not [ sh:property [ sh:path ex:name ; sh:maxCount 0 ] ] .",
    "sh:target": "ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; "
                 "sh:select \"SELECT ?this WHERE { ?this a <http://example.org/Person> }\" ] ; "
                 "sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
    "parameter ex:requires": """
        ex:RequiresComponent a sh:ConstraintComponent ;
            sh:parameter [ sh:path ex:requires ] ;
            sh:validator [ a sh:SPARQLAskValidator ; sh:message "a required property is missing" ;
                           sh:ask "ASK { FILTER EXISTS { $this $requires ?any } }" ] .
        ex:S a sh:NodeShape ; sh:targetClass ex:Person ; ex:requires ex:name .""",
}


@pytest.mark.parametrize("feature", SHAPES)
def test_a_shape_the_compiler_leaves_is_checked_by_the_library(feature, tmp_path):
    path = tmp_path / "shapes.ttl"
    path.write_text(PREFIXES + SHAPES[feature])
    shapes = load_shapes(path)
    report = validate_data(DATA.encode(), fmt=ox.RdfFormat.TURTLE, shapes=shapes,
                           ontology=False)
    assert not report.conforms
    assert {str(v.focus) for v in report.violations} == {"http://example.org/bad"}
    assert any(feature in reason for reason in report.delegated.values()), report.delegated
    # The compiler alone says which feature of which shape it does not check.
    with pytest.raises(ShapesError, match=r"in shape <http://example.org/S>"):
        validate_data(DATA.encode(), fmt=ox.RdfFormat.TURTLE, shapes=shapes, ontology=False,
                      library=False)


def test_the_projects_shapes_are_all_compiled():
    """The build's own shapes never reach the slower library: each is compiled to SPARQL."""
    report = validate_data(b"", shapes=load_shapes())
    assert report.conforms and report.delegated == {}
