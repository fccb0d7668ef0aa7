"""Publishing to a real Virtuoso and serving from it: whole loads, an atomic switch, the embedded server's answers."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

ROOT = Path(__file__).resolve().parents[2]
KGPUB = [sys.executable, "-m", "kgpub.cli"]
EXAMPLES = json.loads((ROOT / "server" / "static" / "examples.json").read_text(encoding="utf-8"))
pytestmark = pytest.mark.e2e


def kgpub(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KGPUB_STORE_")}
    return subprocess.run(KGPUB + list(args), capture_output=True, text=True, cwd=ROOT, env={**clean, **(env or {})},
                          timeout=300)


def count(endpoint: str, graph: str | None = None) -> int:
    """Triples in a graph of the store (or in the default graph of a kgpub server's endpoint)."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    r = requests.get(endpoint, params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def version(virtuoso, graph: str) -> list[str]:
    query = f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> <http://purl.org/dc/terms/hasVersion> ?v }} }}"
    r = requests.get(virtuoso.sparql, params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                     timeout=30)
    return [b["v"]["value"] for b in r.json()["results"]["bindings"]]


def rows(endpoint: str, query: str) -> list[tuple]:
    r = requests.post(endpoint + "sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                      timeout=60)
    assert r.status_code == 200, r.text
    data = r.json()
    return sorted(tuple((k, v["value"]) for k, v in sorted(b.items())) for b in data["results"]["bindings"])


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    """A second, much smaller build (one text), to publish over the session's build."""
    corpus = tmp_path_factory.mktemp("small-corpus")
    shutil.copy(min((ROOT / "data" / "corpus").glob("*.txt"), key=lambda p: p.stat().st_size), corpus)
    build_dir = tmp_path_factory.mktemp("small-build")
    done = kgpub("build", "--corpus", str(corpus), "--build-dir", str(build_dir), "--quiet")
    assert done.returncode == 0, done.stderr
    return build_dir


def test_publish_loads_every_triple_into_a_build_graph_and_switches_the_stable_one(built, virtuoso, published):
    config, result = built
    build_id, triples = result.manifest["build_id"], result.manifest["triples"]
    graph = config.published_graph
    assert f"switched <{graph}> to build {build_id}" in published
    assert version(virtuoso, graph) == [f"{graph}/{build_id}"]
    assert count(virtuoso.sparql, f"{graph}/{build_id}") == triples


def test_readers_see_the_old_build_or_the_new_one_never_half(built, virtuoso, small_build, start_server):
    config, result = built
    graph = "http://example.org/switch-test"
    assert kgpub("publish", "--build-dir", str(config.build_dir), "--to", virtuoso.update, "--graph", graph,
                 env=virtuoso.env).returncode == 0
    reader_url = start_server(["--build-dir", str(config.build_dir), "--store", virtuoso.sparql, "--graph", graph])
    big = result.manifest["triples"]
    small = json.loads((small_build / "current" / "manifest.json").read_text())["triples"]
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set() or seen[-1] != small:
            seen.append(count(reader_url + "sparql"))
            if done.is_set() and len(seen) > 10_000:
                break

    reader = threading.Thread(target=read)
    reader.start()
    try:
        switched = kgpub("publish", "--build-dir", str(small_build), "--to", virtuoso.update, "--graph", graph,
                         env=virtuoso.env)
    finally:
        done.set()
        reader.join()
    assert switched.returncode == 0, switched.stderr
    assert seen[0] == big and seen[-1] == small and set(seen) == {big, small}
    assert seen == sorted(seen, reverse=True)  # once switched, never back


def test_a_build_loaded_in_pieces_arrives_whole(built, virtuoso, monkeypatch):
    """Large builds go up in several Graph Store requests (PUT, then POSTs); none of their triples is lost."""
    import kgpub.publish as publishing
    config, result = built
    monkeypatch.setattr(publishing, "CHUNK_LINES", 5000)
    target = publishing.Target(virtuoso.update, virtuoso.graph_store, *virtuoso.env.values())
    said: list[str] = []
    done = publishing.publish(config.with_overrides(store_graph="http://example.org/pieces"), target, said.append)
    assert result.manifest["triples"] > 3 * 5000 and done.triples == result.manifest["triples"]
    assert count(virtuoso.sparql, done.build_graph) == result.manifest["triples"]
    assert version(virtuoso, "http://example.org/pieces") == [done.build_graph]


def test_wrong_credentials_stop_publishing_without_printing_them(built, virtuoso, published):
    config, result = built
    secret = "not-the-password-7f3a"
    done = kgpub("publish", "--build-dir", str(config.build_dir), "--to", virtuoso.update, "--graph",
                 "http://example.org/refused", env={"KGPUB_STORE_USER": "dba", "KGPUB_STORE_PASSWORD": secret})
    assert done.returncode == 2 and "KGPUB_STORE_USER" in done.stderr
    assert secret not in done.stdout + done.stderr
    assert version(virtuoso, "http://example.org/refused") == []
    assert version(virtuoso, config.published_graph) == [f"{config.published_graph}/{result.manifest['build_id']}"]


def test_credentials_in_the_url_are_refused(built, virtuoso):
    config, _ = built
    url = virtuoso.update.replace("http://", "http://dba:dba@")
    done = kgpub("publish", "--build-dir", str(config.build_dir), "--to", url)
    assert done.returncode == 2 and "KGPUB_STORE_PASSWORD" in done.stderr and "dba:dba" not in done.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["title"][:40] for e in EXAMPLES])
def test_the_example_queries_give_the_same_rows_from_virtuoso(server, virtuoso_server, example):
    assert rows(virtuoso_server, example["query"]) == rows(server, example["query"])


@pytest.mark.parametrize("path", ["/person/vladimir-lenin.ttl", "/document/000_61cde4feabb096c6.ttl"])
def test_resource_descriptions_are_the_same_graph(server, virtuoso_server, path):
    embedded, remote = (requests.get(s.rstrip("/") + path, timeout=60) for s in (server, virtuoso_server))
    assert embedded.status_code == remote.status_code == 200
    assert isomorphic(Graph().parse(data=embedded.text, format="turtle"),
                      Graph().parse(data=remote.text, format="turtle"))


def test_pages_dumps_and_descriptions_are_served(server, virtuoso_server):
    for path in ["", "person/vladimir-lenin", "dumps/", ".well-known/void", "sparql", "-/metadata"]:
        embedded = requests.get(server + path, timeout=60)
        remote = requests.get(virtuoso_server + path, timeout=60)
        assert remote.status_code == embedded.status_code == 200, path
        assert remote.headers["Content-Type"] == embedded.headers["Content-Type"], path
    lenin = requests.get(virtuoso_server + "person/vladimir-lenin", timeout=60).text
    assert "Vladimir Lenin" in lenin and "Q1394" in lenin


@pytest.fixture(scope="module")
def limited(start_server, built, virtuoso, published) -> str:
    config, _ = built
    return start_server(["--build-dir", str(config.build_dir), "--store", virtuoso.sparql], env={
        "KGPUB_MAX_ROWS": "5", "KGPUB_QUERY_TIMEOUT": "1"})


def test_limits_refusals_and_errors_are_the_embedded_ones(limited):
    cut = requests.get(limited + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert cut.status_code == 200 and len(cut.json()["results"]["bindings"]) == 5
    assert cut.headers["X-SPARQL-Truncated"] == "true; max-rows=5"
    slow = requests.get(limited + "sparql", timeout=60, params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert slow.status_code == 503 and "stopped" in slow.text and slow.headers["Retry-After"]
    update = requests.post(limited + "sparql", data={"update": "DROP ALL"}, timeout=30)
    assert update.status_code == 403 and "read-only" in update.text
    service = requests.get(limited + "sparql", timeout=30, params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:10/sparql> { ?s ?p ?o } }"})
    assert service.status_code == 403 and "not allowed" in service.text
    bad = requests.get(limited + "sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}, timeout=30)
    assert bad.status_code == 400 and re.match(r"malformed query: error at 1:\d+", bad.text)
    pragma = requests.get(limited + "sparql", timeout=30, params={
        "query": "DEFINE input:default-graph-uri <http://www.openlinksw.com/schemas/virtrdf#> SELECT * { ?s ?p ?o }"})
    assert pragma.status_code == 400 and pragma.text.startswith("malformed query:")
    after = requests.get(limited + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_a_store_that_does_not_answer_is_a_503_not_a_500(start_server, built):
    config, _ = built
    url = start_server(["--build-dir", str(config.build_dir), "--store", "http://127.0.0.1:9/sparql"])
    r = requests.get(url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert r.status_code == 503 and "does not answer" in r.text and "Traceback" not in r.text
    page = requests.get(url + "person/vladimir-lenin", timeout=30)
    assert page.status_code == 503 and "Traceback" not in page.text
