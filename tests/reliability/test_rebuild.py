"""Builds under fire: a rebuild while clients query, and builds killed at several moments, while a server serves."""
from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from tests.processes import KGPUB, ROOT
from tests.reliability.reliability_kit import (build, built_copy, current_id, get, kgpub_env, manifest_of,
                                               sha256)

from bench.load import ORDINARY, Client

CLIENTS = 4
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
EXTRA_TEXT = """The Dictatorship of the Proletariat, a lecture

Vladimir Lenin wrote in State and Revolution that "the state is a product and a manifestation of the
irreconcilability of class antagonisms" (Collected Works, Volume 25, page 387). Joseph Stalin repeated it.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, start):
    """A private corpus and build folder, built once, and a server over it: (corpus, build_dir, server)."""
    corpus, build_dir = built_copy(tmp_path_factory.mktemp("rebuild"))
    # a generous query time limit: these tests are about which build answers, not about runaway queries
    return corpus, build_dir, start(["--build-dir", str(build_dir)], kgpub_env(KGPUB_QUERY_TIMEOUT="60"))


def add_text(corpus: Path, name: str = "900_lecture.txt") -> None:
    """One more text in the corpus, so the next build has other triples than the one in service."""
    (corpus / name).write_text(EXTRA_TEXT + f"\n{name}\n", encoding="utf-8")


class Checker:
    """Clients that keep asking while a build runs, and check each answer against the build it names."""

    def __init__(self, url: str, build_dir: Path):
        self.url, self.build_dir = url, build_dir
        self.failures: list[str] = []
        self.seen: list[tuple[int, str]] = []     # (client, build id) in the order each client saw them
        self.requests = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def triples_of(self, build_id: str) -> int:
        return manifest_of(self.build_dir, build_id)["triples"]

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)

    def record(self, client: int, build_id: str) -> None:
        with self.lock:
            self.seen.append((client, build_id))
            self.requests += 1

    def one_round(self, client: int, session: requests.Session, sparql: Client) -> None:
        """Every kind of request a reader makes; each answer must be whole and from one build."""
        r = session.get(self.url + "sparql", params={"query": COUNT_ALL},
                        headers={"Accept": "application/sparql-results+json"}, timeout=60)
        if r.status_code != 200:
            return self.fail(f"count: {r.status_code} {r.text[:200]}")
        n = int(r.json()["results"]["bindings"][0]["n"]["value"])
        if n != self.triples_of(r.headers["X-Build"]):
            self.fail(f"count {n} is not the triple count of build {r.headers['X-Build']}")
        self.record(client, r.headers["X-Build"])
        listing = session.get(self.url + "dumps/", params={"format": "json"}, timeout=60)
        if listing.status_code != 200:
            return self.fail(f"dump listing: {listing.status_code}")
        body = listing.json()
        if body["build_id"] != listing.headers.get("X-Build") or any(
                body["build_id"] not in d["name"] for d in body["dumps"] if d["kind"] == "graph"):
            self.fail(f"dump listing mixes builds: {body}")
        self.record(client, body["build_id"])
        # a client downloads what the listing offered, even if a new build was switched in between
        entry = next(d for d in body["dumps"] if d["name"].endswith(".nt.gz"))
        dump = session.get(self.url + "dumps/" + entry["name"], timeout=60)
        if dump.status_code != 200 or sha256(dump.content) != entry["sha256"]:
            self.fail(f"dump {entry['name']}: {dump.status_code}, checksum {sha256(dump.content)[:12]}")
        elif len(gzip.decompress(dump.content).splitlines()) != entry["triples"]:
            self.fail(f"dump {entry['name']} does not hold the triples its listing says")
        meta = session.get(self.url + "-/metadata", timeout=60)
        if meta.status_code != 200:
            return self.fail(f"metadata: {meta.status_code}")
        if meta.json()["build_id"] != meta.headers.get("X-Build"):
            self.fail(f"metadata of build {meta.json()['build_id']} sent as build {meta.headers.get('X-Build')}")
        self.record(client, meta.json()["build_id"])
        page = session.get(self.url + "person/vladimir-lenin", headers={"Accept": "text/html"}, timeout=60)
        if page.status_code not in (200, 404) or not page.headers.get("X-Build"):
            self.fail(f"page: {page.status_code}, build {page.headers.get('X-Build')}")  # 404: no such person
        status, _, _ = sparql.send(ORDINARY[client % len(ORDINARY)])
        if status != 200:
            self.fail(f"{ORDINARY[client % len(ORDINARY)].name}: {status}")

    def run(self, client: int) -> None:
        session, sparql = requests.Session(), Client(self.url)
        try:
            while not self.stop.is_set():
                self.one_round(client, session, sparql)
        except Exception as err:  # a dropped connection or a body that is not what it claims: a failure
            self.fail(f"client {client}: {type(err).__name__}: {err}")
        finally:
            session.close()
            sparql.close()


def test_a_rebuild_while_clients_query_answers_every_request_from_one_whole_build(site):
    corpus, build_dir, server = site
    old = current_id(build_dir)
    add_text(corpus)
    checker = Checker(server.url, build_dir)
    clients = [threading.Thread(target=checker.run, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in clients:
        thread.start()
    try:
        done = build(corpus, build_dir)
        new = current_id(build_dir)
        # keep reading until every client has been answered from the new build (bounded)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and {c for c, b in checker.seen if b == new} != set(range(CLIENTS)):
            time.sleep(0.05)
    finally:
        checker.stop.set()
        for thread in clients:
            thread.join(60)
    assert done.returncode == 0, done.stderr
    assert new != old
    assert checker.failures == []
    assert {b for _, b in checker.seen} == {old, new}, "the load did not span the switch"
    for client in range(CLIENTS):
        mine = [b for c, b in checker.seen if c == client]
        # once a client has been answered from the new build, it is never answered from the old one again
        assert old not in mine[mine.index(new):], f"client {client} went back to the old build"
    assert checker.requests > 20


def build_in_background(corpus: Path, build_dir: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(KGPUB + ["build", "--force", "--corpus", str(corpus), "--build-dir", str(build_dir)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def kill_when(process: subprocess.Popen, build_dir: Path, stage: str, stale: set[Path]) -> str:
    """SIGKILL the build (and any process it started) at a stage it reports or leaves on disk; its messages."""
    lines: list[str] = []
    if stage in ("extraction", "validation"):
        marker = "[1/" if stage == "extraction" else "graph:"
        for line in process.stderr:
            lines.append(line)
            if marker in line:
                break
    else:
        # the build's temporary folder appears when it starts writing the store and the dumps; the graph's
        # own dumps are written last
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if any(writing(folder, stage) for folder in set(build_dir.glob(".tmp-2*")) - stale):
                break
            time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    lines.extend(process.stderr.read().splitlines(keepends=True))
    return "".join(lines)


def writing(folder: Path, stage: str) -> bool:
    """Whether a build's temporary folder shows the build at that stage of writing its outputs."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return False
    if stage == "dumps-start":
        return True
    return any(n.startswith("kgpub-") and n.endswith(".ttl") for n in names)


def assert_served_intact(url: str, build_dir: Path, build_id: str) -> None:
    """`current` names the build, the server serves it, and every dump it offers downloads whole."""
    assert current_id(build_dir) == build_id
    listing = get(url + "dumps/", params={"format": "json"}).json()
    assert listing["build_id"] == build_id
    manifest = manifest_of(build_dir, build_id)
    assert [d["name"] for d in listing["dumps"]] == [d["name"] for d in manifest["dumps"]]
    for entry in listing["dumps"]:
        body = get(url + "dumps/" + entry["name"]).content
        assert sha256(body) == entry["sha256"] and len(body) == entry["bytes"], entry["name"]
    r = get(url + "sparql", params={"query": COUNT_ALL}, headers={"Accept": "application/sparql-results+json"})
    assert r.headers["X-Build"] == build_id
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == manifest["triples"]


STAGES = ("extraction", "validation", "dumps-start", "dumps-late")


def test_a_build_killed_at_any_stage_leaves_the_previous_build_served_and_the_next_build_succeeds(site, tmp_path):
    corpus, build_dir, server = site
    good = current_id(build_dir)
    partial_ids = []
    for stage in STAGES:
        # a cold extraction cache for the first kill, so that it lands in the middle of extraction
        env = kgpub_env(KGPUB_CACHE_DIR=str(tmp_path / f"cache-{stage}"))
        stale = set(build_dir.glob(".tmp-2*"))
        output = kill_when(build_in_background(corpus, build_dir, env), build_dir, stage, stale)
        if stage == "extraction":
            assert "[1/" in output and "graph:" not in output, output
        elif stage == "validation":
            assert "graph:" in output and "validation:" not in output, output
        else:
            partial = set(build_dir.glob(".tmp-2*")) - stale
            assert partial, f"killed after the build was switched in: {output}"
            partial_ids += [p.name.removeprefix(".tmp-") for p in partial]
        assert_served_intact(server.url, build_dir, good)
        for build_id in partial_ids:  # nothing of a half-written build is offered
            for name in (f"kgpub-{build_id}.ttl", f"kgpub-{build_id}.nt.gz", f"kgpub-{build_id}.jsonld"):
                assert get(server.url + "dumps/" + name).status_code == 404
    add_text(corpus, "901_after_the_kills.txt")
    done = build(corpus, build_dir)
    assert done.returncode == 0, done.stderr
    new = current_id(build_dir)
    assert new != good and new not in partial_ids
    assert_served_intact(server.url, build_dir, new)
    assert not list(build_dir.glob(".tmp-*")), "a killed build's temporary folder was left behind"
    assert json.loads((build_dir / good / "manifest.json").read_text())["build_id"] == good


def test_a_dump_named_by_a_listing_still_downloads_after_a_new_build_is_switched_in(site):
    corpus, build_dir, server = site
    listing = get(server.url + "dumps/", params={"format": "json"}).json()
    add_text(corpus, "902_one_more.txt")
    done = build(corpus, build_dir)
    assert done.returncode == 0, done.stderr
    assert get(server.url + "-/metadata").json()["build_id"] == current_id(build_dir) != listing["build_id"]
    for entry in listing["dumps"]:
        r = get(server.url + "dumps/" + entry["name"])
        assert r.status_code == 200 and sha256(r.content) == entry["sha256"], entry["name"]
