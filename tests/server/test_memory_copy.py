"""Queries move to an in-memory copy of the build once it is loaded: same answers, same time limit, new builds too."""
from __future__ import annotations

import json
import os
import shutil
import time

import pyoxigraph as ox
import pytest
import requests

from kgpub.builds import current_build, publish_build

pytestmark = pytest.mark.e2e
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PER_SPEAKER = """PREFIX schema: <http://schema.org/>
SELECT ?speaker (COUNT(?q) AS ?quotations) WHERE { ?q a schema:Quotation ; schema:creator/schema:name ?speaker }
GROUP BY ?speaker ORDER BY DESC(?quotations) ?speaker"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = {"Accept": "application/sparql-results+json"}


def ask(url: str, query: str) -> requests.Response:
    return requests.get(url + "sparql", params={"query": query}, headers=JSON, timeout=60)


def wait_for_line(server, text: str, timeout: float = 120) -> str:
    """The server's output once it holds a line containing `text`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        output = server.output()
        if text in output:
            return output
        time.sleep(0.1)
    raise AssertionError(f"the server never said {text!r}:\n{server.output()}")


def copy_build(built, tmp_path):
    """A build folder of its own holding a copy of the session's build, in service."""
    config, _ = built
    build = current_build(config.build_dir)
    build_dir = tmp_path / "builds"
    build_dir.mkdir()
    shutil.copytree(build.path, build_dir / ".tmp-a")
    publish_build(build_dir, build_dir / ".tmp-a", build.build_id)
    return build_dir, build


def test_answers_stay_the_same_on_the_in_memory_copy_and_runaway_queries_are_still_stopped(built, launch, tmp_path):
    build_dir, build = copy_build(built, tmp_path)
    server = launch(["--build-dir", str(build_dir)], {**os.environ, "KGPUB_QUERY_TIMEOUT": "2"})
    on_disk = ask(server.url, PER_SPEAKER)  # the first query: answered at once, from the on-disk store
    assert on_disk.status_code == 200 and on_disk.json()["results"]["bindings"]
    wait_for_line(server, "queries run on an in-memory copy of " + str(build_dir / build.build_id / "store"))
    in_memory = ask(server.url, PER_SPEAKER)
    assert in_memory.status_code == 200 and in_memory.json() == on_disk.json()
    assert int(ask(server.url, COUNT).json()["results"]["bindings"][0]["n"]["value"]) == build.manifest["triples"]
    stopped = ask(server.url, RUNAWAY)
    assert stopped.status_code == 503 and "stopped" in stopped.text
    assert ask(server.url, PER_SPEAKER).json() == on_disk.json()  # the worker killed was replaced


def test_a_new_build_is_answered_at_once_then_from_a_copy_of_its_own(built, launch, tmp_path):
    build_dir, build = copy_build(built, tmp_path)
    server = launch(["--build-dir", str(build_dir)])
    assert ask(server.url, COUNT).status_code == 200
    wait_for_line(server, "queries run on an in-memory copy of " + str(build_dir / build.build_id / "store"))
    new_id = build.build_id + "-b"
    folder = build_dir / ".tmp-b"
    shutil.copytree(build.path, folder)
    store = ox.Store(str(folder / "store"))
    store.add(ox.Quad(ox.NamedNode("urn:x:new"), ox.NamedNode("urn:x:p"), ox.Literal("in the new build only")))
    store.flush()
    del store
    manifest = {**build.manifest, "build_id": new_id, "triples": build.manifest["triples"] + 1}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    publish_build(build_dir, folder, new_id)
    new_triple = 'ASK { <urn:x:new> <urn:x:p> "in the new build only" }'
    answer = ask(server.url, new_triple)  # before the new copy is loaded: from the new build on disk
    assert answer.json()["boolean"] is True and answer.headers["X-Build"] == new_id
    wait_for_line(server, "queries run on an in-memory copy of " + str(build_dir / new_id / "store"))
    assert ask(server.url, new_triple).json()["boolean"] is True
    assert int(ask(server.url, COUNT).json()["results"]["bindings"][0]["n"]["value"]) == manifest["triples"]


def test_a_graph_over_the_memory_budget_is_queried_on_disk(built, launch):
    config, _ = built
    server = launch(["--build-dir", str(config.build_dir)], {**os.environ, "KGPUB_QUERY_MEMORY_MB": "1"})
    assert ask(server.url, PER_SPEAKER).status_code == 200
    output = wait_for_line(server, "queries run on the on-disk store")
    assert "over half the budget of 1 MiB (KGPUB_QUERY_MEMORY_MB)" in output
    assert ask(server.url, PER_SPEAKER).json()["results"]["bindings"]
