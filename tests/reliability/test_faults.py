"""Faults around a served build: broken corpus files, and the server process killed and started again."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.reliability.reliability_kit import build, built_copy, current_id, get, manifest_of, sha256


@pytest.fixture(scope="module")
def site(tmp_path_factory, start):
    """A private corpus and build folder, built once, and a server over it: (corpus, build_dir, server)."""
    corpus, build_dir = built_copy(tmp_path_factory.mktemp("faults"))
    return corpus, build_dir, start(["--build-dir", str(build_dir)])


def folder_named_txt(path: Path) -> None:
    path.mkdir()


def dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "gone" / "never-there.txt")


def not_utf8(path: Path) -> None:
    path.write_bytes("The dictatorship of the proletariat\n".encode() + "Zwölf Thesen\n".encode("latin-1"))


def huge(path: Path) -> None:
    with open(path, "wb") as handle:  # sparse: over the size limit without writing 50 MB
        handle.truncate(50_000_001)


# A file that cannot be used stops a --strict build with its name and what to do; nothing new is served.
BROKEN = {"folder named like a text": (folder_named_txt, "is a folder"),
          "dangling symbolic link": (dangling_link, "does not exist"),
          "not UTF-8": (not_utf8, "line 2: not valid UTF-8"),
          "huge": (huge, "over the limit")}


def served_build(url: str) -> str:
    return get(url + "-/metadata").json()["build_id"]


@pytest.mark.parametrize("fault", BROKEN)
def test_a_broken_corpus_file_stops_a_strict_build_by_name_and_the_served_build_stays(site, fault):
    corpus, build_dir, server = site
    before, builds_before = current_id(build_dir), sorted(p.name for p in build_dir.iterdir())
    make, message = BROKEN[fault]
    bad = corpus / "500_broken.txt"
    make(bad)
    try:
        done = build(corpus, build_dir, "--force", "--strict")
    finally:
        bad.rmdir() if bad.is_dir() and not bad.is_symlink() else bad.unlink()
    assert done.returncode == 2
    assert f"{bad}: " in done.stderr and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert "previous build" in done.stderr
    assert current_id(build_dir) == before == served_build(server.url)
    assert sorted(p.name for p in build_dir.iterdir()) == builds_before, "a failed build left something behind"


def test_an_empty_text_is_skipped_with_a_warning_and_the_rest_is_published(site):
    corpus, build_dir, server = site
    before = current_id(build_dir)
    (corpus / "501_empty.txt").write_text("  \n\n", encoding="utf-8")
    try:
        done = build(corpus, build_dir, "--force")
    finally:
        (corpus / "501_empty.txt").unlink()
    assert done.returncode == 0, done.stderr
    assert f"{corpus / '501_empty.txt'}: empty text, skipped" in done.stderr
    after = current_id(build_dir)
    assert after != before and served_build(server.url) == after
    documents = [d["id"] for d in manifest_of(build_dir, after)["documents"]]
    assert "501_empty" not in documents and len(documents) == len(list(corpus.glob("*.txt")))


def test_a_killed_server_restarts_on_the_last_good_build_without_building(site, start):
    corpus, build_dir, server = site
    good = current_id(build_dir)
    listing = get(server.url + "dumps/", params={"format": "json"}).json()
    before = sorted(os.listdir(build_dir))
    server.kill()
    again = start(["--build-dir", str(build_dir)])
    r = get(again.url + "sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["X-Build"] == good
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == manifest_of(build_dir, good)["triples"]
    assert "building" not in again.output().lower()
    assert sorted(os.listdir(build_dir)) == before, "the restart built something"
    for entry in listing["dumps"]:  # every dump the killed server offered is offered whole by the new one
        body = get(again.url + "dumps/" + entry["name"]).content
        assert sha256(body) == entry["sha256"]
