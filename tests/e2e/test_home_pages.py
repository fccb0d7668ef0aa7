"""What the home and list pages say: `serve --data` describes the files served (counts from the data, names not
IRIs, no claim of validation); counted nouns and class names as a reader writes them."""
from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.e2e

DATA = """@prefix ex: <http://example.org/> .
@prefix schema: <http://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Writer rdfs:label "Writer of pamphlets" .
ex:ada a ex:Writer ; schema:name "Ada Example" .
ex:bo a ex:Writer ; rdfs:label "Bo Sample" .
ex:cy a ex:Writer .
ex:ch1 a ex:BookChapter .
"""


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_home_page_of_served_files_describes_those_files(tmp_path, serve_data):
    path = tmp_path / "writers.ttl"
    path.write_text(DATA, encoding="utf-8")
    html = requests.get(serve_data(path), timeout=30).text
    text = text_of(html)
    assert "1 RDF file served as given" in text and "writers.ttl" in text and "7 triples" in text
    assert "2 classes" in text and "validated" not in text and "proletariat" not in text
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td><td>(\d+)</td>", html)
    assert rows == [("Writer of pamphlets", "3"), ("Book chapter", "1")]
    # names where the data has them, the IRI only where it has none
    assert ">Ada Example</a>" in html and ">Bo Sample</a>" in html and ">http://example.org/cy</a>" in html
    assert ">http://example.org/ada</a>" not in html


def test_counted_nouns_and_class_names_as_a_reader_writes_them(server):
    congresses = text_of(requests.get(server + "browse/congress", timeout=30).text)
    assert re.search(r"\b\d+ congresses\b", congresses) and "congresss" not in congresses
    home = text_of(requests.get(server, timeout=30).text)
    assert re.search(r"\b\d+ congresses\b", home) and "validated against the shapes" in home
    documents = re.findall(r'href="(/document/[^"]+)"', requests.get(server + "browse/document", timeout=30).text)
    page = requests.get(server + documents[0].lstrip("/"), timeout=30).text
    kinds = set(re.findall(r'<span class="kind">([^<]*)</span>', page))
    assert "Date" in kinds and "Person" in kinds and not {k for k in kinds if k.islower() or k.isupper()}
