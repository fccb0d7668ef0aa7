"""Search over a served RDF file (`serve --data`, the index built at start): diacritics and case folded, other
names found, operators typed by a reader taken as words, the JSON twin and its facets."""
from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.e2e

DATA = """@prefix schema: <http://schema.org/> .
@prefix kg: <https://w3id.org/kgpub/ontology#> .
<https://w3id.org/kgpub/person/raymond-poincare> a schema:Person, kg:Person ; schema:name "Raymond Poincaré" ;
    schema:alternateName "Poincaré" .
<https://w3id.org/kgpub/person/grigory-zinoviev> a schema:Person, kg:Person ; schema:name "Grigory Zinoviev" ;
    schema:alternateName "G. Zinovyev", "Grigorii Zinov'ev" .
<https://w3id.org/kgpub/quotation/q1> a schema:Quotation, kg:Quotation ;
    schema:text "The dictatorship of the proletariat is a stubborn struggle." ;
    schema:creator <https://w3id.org/kgpub/person/grigory-zinoviev> .
"""


@pytest.fixture(scope="module")
def site(serve_data, tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "search.ttl"
    path.write_text(DATA, encoding="utf-8")
    return serve_data(path)


def found(site: str, q: str, **filters) -> list[str]:
    answer = requests.get(site + "search.json", params={"q": q, **filters}, timeout=30)
    assert answer.status_code == 200
    return [r["iri"].rsplit("/", 1)[-1] for r in answer.json()["results"]]


def test_diacritics_and_case_are_folded(site):
    assert found(site, "poincare") == ["raymond-poincare"]
    assert found(site, "POINCARÉ") == ["raymond-poincare"]


def test_a_transliteration_among_the_other_names_finds_the_person(site):
    assert found(site, "Zinovyev")[0] == "grigory-zinoviev"
    assert found(site, "zinov'ev")[0] == "grigory-zinoviev"


def test_a_phrase_finds_the_quotation_and_facets_narrow(site):
    assert found(site, '"stubborn struggle"') == ["q1"]
    answer = requests.get(site + "search.json", params={"q": "zinoviev"}, timeout=30).json()
    assert {f["value"] for f in answer["facets"]["kind"]} == {"person"}
    assert found(site, "struggle", kind="person") == []


def test_what_a_reader_types_never_breaks_the_search(site):
    for q in ('"unbalanced', "AND OR NOT", "NEAR(a b)", "*", "col:umn", "^x", ")", ""):
        response = requests.get(site + "search", params={"q": q}, timeout=30)
        assert response.status_code == 200, q
    assert requests.get(site + "search", params={"q": "x", "page": "many"}, timeout=30).status_code == 200
