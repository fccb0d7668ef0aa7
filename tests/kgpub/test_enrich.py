"""`kgpub link --enrich` against a real local endpoint (a Wikidata-shaped fixture), through the build to the pages."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from kgpub.build import run_build
from kgpub.config import load_config

ROOT = Path(__file__).resolve().parents[2]
KGPUB = [sys.executable, "-m", "kgpub.cli"]
FIXTURE = ROOT / "tests" / "fixtures" / "wikidata-fixture.ttl"
SPEECH = """The Dictatorship of the Proletariat

Speech by Lev Kamenev at the Tenth Congress of the R.C.P.(B.), March 8-16, 1921.

Comrades, Vladimir Lenin showed in The State and Revolution that the proletariat needs the state only for a time.
Comrade Zinoviev has said the same. Kamenev, Zinoviev and Lenin spoke at that congress.
"""
# The fixture's fake items: Lenin with image and authority ids, Kamenev with two dates of birth, and for
# Zinoviev an item with no English label.
QIDS = {"Vladimir Lenin": "Q900001", "Lev Kamenev": "Q900002", "Grigory Zinoviev": "Q900030"}
WIKIDATA_FACTS = """PREFIX schema: <http://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name ?p ?o ?when WHERE { ?e schema:name ?name ; owl:sameAs ?item .
  ?record prov:wasDerivedFrom ?item ; prov:generatedAtTime ?when . ?item ?p ?o }"""


@pytest.fixture(scope="module")
def endpoint(serve_data):
    return serve_data(FIXTURE) + "sparql"


@pytest.fixture(scope="module")
def project(tmp_path_factory, endpoint):
    """A one-text corpus whose records link three persons to the fixture's items, enriched once."""
    tmp = tmp_path_factory.mktemp("enrich")
    corpus, records, links = tmp / "corpus", tmp / "records", tmp / "links"
    corpus.mkdir()
    (corpus / "speech.txt").write_text(SPEECH, encoding="utf-8")
    shutil.copytree(ROOT / "data" / "records", records)
    (records / "qids.toml").write_text("".join(
        f'[[qid]]\nkind = "person"\nname = "{name}"\nqid = "{qid}"\nevidence = "test fixture"\n'
        for name, qid in QIDS.items()), encoding="utf-8")
    env = {"KGPUB_RECORDS_DIR": str(records), "KGPUB_LINKS_DIR": str(links), "KGPUB_WIKIDATA_ENDPOINT": endpoint,
           "KGPUB_WIKIDATA_MIN_INTERVAL": "0", "KGPUB_CORPUS_DIR": str(corpus), "KGPUB_BUILD_DIR": str(tmp / "build")}
    first = kgpub(env, "link", "--enrich")
    assert first.returncode == 0, first.stderr
    config = load_config(environ=env, quiet=True)
    run_build(config)
    return config, env, first


def kgpub(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(KGPUB + list(args), capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})


def facts_file(config) -> dict:
    return json.loads((config.links_dir / "wikidata.json").read_text(encoding="utf-8"))["items"]


def test_enrich_fetches_every_linked_item_once(project):
    config, env, first = project
    assert "facts of 3 of 3 linked items" in first.stdout and "2 with an English label" in first.stdout
    items = facts_file(config)
    lenin = items["Q900001"]
    assert lenin["label"] == "Vladimir Lenin" and lenin["description"].startswith("FAKE: Russian revolutionary")
    assert lenin["image"] == ["FAKE Lenin portrait.jpg"]
    assert (lenin["viaf"], lenin["gnd"], lenin["loc"], lenin["bnf"]) == (["900000001"], ["900000001X"],
                                                                          ["n90000001"], ["90000001x"])
    assert items["Q900002"]["born"] == ["1883-07-06T00:00:00Z", "1883-07-18T00:00:00Z"]
    assert "label" not in items["Q900030"] and items["Q900030"]["born"] == ["1883-09-23T00:00:00Z"]
    assert lenin["endpoint"] == config.wikidata_endpoint and lenin["fetched"].endswith("Z")


def test_the_build_publishes_them_apart_from_the_texts(project, start_server):
    config, env, _ = project
    url = start_server(["--build-dir", str(config.build_dir)])
    client = SPARQLWrapper(url + "sparql")
    client.setReturnFormat(JSON)
    client.setQuery(WIKIDATA_FACTS)
    rows = [{k: v["value"] for k, v in b.items()} for b in client.queryAndConvert()["results"]["bindings"]]
    by_name: dict[str, dict[str, set]] = {}
    for r in rows:
        by_name.setdefault(r["name"], {}).setdefault(r["p"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], set()).add(r["o"])
    assert by_name["Lev Kamenev"]["birthDate"] == {"1883-07-06", "1883-07-18"}
    assert by_name["Vladimir Lenin"]["sameAs"] == {
        "http://viaf.org/viaf/900000001", "https://d-nb.info/gnd/900000001X",
        "http://id.loc.gov/authorities/names/n90000001", "http://data.bnf.fr/ark:/12148/cb90000001x"}
    assert by_name["Vladimir Lenin"]["image"] == {
        "https://commons.wikimedia.org/wiki/Special:FilePath/FAKE_Lenin_portrait.jpg"}
    assert "label" not in by_name["Grigory Zinoviev"] and by_name["Grigory Zinoviev"]["deathDate"] == {"1936-08-25"}
    # What the texts say stays on our entities: none of these facts is stated about them.
    client.setQuery("ASK { ?e a <http://schema.org/Person> ; <http://schema.org/birthDate>|"
                    "<http://schema.org/description>|<http://schema.org/sameAs> ?x }")
    assert client.queryAndConvert()["boolean"] is False
    page = requests.get(url + "person/vladimir-lenin", timeout=30).text
    assert "FAKE: Russian revolutionary (1870-1924)" in page and "1870-04-22 – 1924-01-21" in page
    assert 'href="https://commons.wikimedia.org/wiki/File:FAKE_Lenin_portrait.jpg"' in page
    assert "1883-07-06 or 1883-07-18" in requests.get(url + "person/lev-kamenev", timeout=30).text
    record = requests.get(url + "wikidata/Q900001", headers={"Accept": "text/turtle"}, timeout=30)
    assert record.status_code == 200 and "wasDerivedFrom" in record.text  # the provenance node resolves
    # The reconciliation service tells namesakes apart by the fetched dates of life.
    queries = {"right": {"query": "Kamenev", "type": "Person", "properties": [{"pid": "born", "v": "1883"}]},
               "commander": {"query": "Kamenev", "type": "Person", "properties": [{"pid": "P569", "v": "1881"}]}}
    answer = requests.post(url + "reconcile", data={"queries": json.dumps(queries)}, timeout=30).json()
    assert answer["right"]["result"][0]["match"] is True
    assert not any(r["match"] for r in answer["commander"]["result"])
    extended = requests.post(url + "reconcile", data={"extend": json.dumps(
        {"ids": ["person/lev-kamenev"], "properties": [{"id": "born"}, {"id": "qid"}]})}, timeout=30).json()
    assert extended["rows"]["person/lev-kamenev"] == {
        "born": [{"date": "1883-07-06T00:00:00Z"}, {"date": "1883-07-18T00:00:00Z"}], "qid": [{"str": "Q900002"}]}


def test_offline_and_unreachable_runs_keep_the_facts(project):
    config, env, _ = project
    before = facts_file(config)
    offline = kgpub(env, "link", "--enrich", "--offline")
    assert offline.returncode == 0, offline.stderr
    assert "0 queries sent" in offline.stdout and facts_file(config) == before
    down = kgpub({**env, "KGPUB_WIKIDATA_ENDPOINT": "http://127.0.0.1:9/sparql"}, "link", "--enrich")
    assert down.returncode == 2 and "did not answer" in down.stderr and "Traceback" not in down.stderr
    assert facts_file(config) == before  # nothing lost
    rebuilt = kgpub(env, "build", "--force")  # a build needs no network at all
    assert rebuilt.returncode == 0, rebuilt.stderr
