"""The README's own commands, run literally from the project root with default settings: `make serve`, then the
first query with curl and with Python, and every dump the VoID description names downloaded with its checksum."""
from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Namespace

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VOID = Namespace("http://rdfs.org/ns/void#")
DEFAULT_URL = "http://127.0.0.1:8080/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def readme_block(language: str) -> str:
    """The first fenced block of that language in the README's first section after the title."""
    m = re.search(rf"```{language}\n(.*?)```", README, re.S)
    assert m, f"the README has no ```{language} block"
    return m.group(1)


def newcomer_env(port: int) -> dict[str, str]:
    """The environment of a shell with no kgpub settings but a free port (8080 may be taken on this machine)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KGPUB_", "MAKE", "MFLAGS", "VIRTUAL_ENV", "PYTHON"))}
    return {**env, "KGPUB_PORT": str(port)}


@pytest.fixture(scope="module")
def make_serve(tmp_path_factory):
    """`make serve` in the project root, as the README says; the site's URL. Stopped (its process group) after.
    It reuses the project's .venv (and reinstalls into it only if pyproject.toml changed, as `make` decides)."""
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("no .venv in the project root (`make .venv/.installed-test` makes it); this test reuses it "
                    "rather than installing the project again")
    port = free_port()
    log = tmp_path_factory.mktemp("make-serve") / "make-serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(["make", "serve"], cwd=ROOT, env=newcomer_env(port), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300
        while f"at {url}" not in log.read_text(errors="replace"):
            assert process.poll() is None, "make serve stopped:\n" + log.read_text(errors="replace")
            assert time.monotonic() < deadline, "make serve did not start:\n" + log.read_text(errors="replace")
            time.sleep(0.2)
        yield url
        served = log.read_text(errors="replace")
        assert "Traceback" not in served and "error" not in served.lower(), served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)


def test_every_dump_the_void_names_downloads_with_its_published_size_and_checksum(make_serve):
    void = Graph().parse(data=requests.get(make_serve + ".well-known/void", timeout=30).text, format="turtle")
    urls = sorted(str(o) for o in void.objects(None, VOID.dataDump))
    listing = {d["name"]: d for d in requests.get(make_serve + "dumps/?format=json", timeout=30).json()["dumps"]}
    assert len(urls) >= 3 and all(u.startswith(make_serve + "dumps/") for u in urls)
    for url in urls:
        response = requests.get(url, timeout=60)
        assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:200]}"
        entry = listing[url.rsplit("/", 1)[1]]
        assert len(response.content) == entry["bytes"]
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"] == response.headers["Digest"][8:]
    for name in set(listing) - {u.rsplit("/", 1)[1] for u in urls}:  # the ontology and shapes download too
        assert requests.get(make_serve + "dumps/" + name, timeout=30).status_code == 200


def test_the_first_query_with_curl_as_written(make_serve):
    command = next(line.strip() for line in README.splitlines() if line.strip().startswith("curl "))
    assert DEFAULT_URL in command
    out = subprocess.run(["bash", "-c", command.replace(DEFAULT_URL, make_serve)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].split(",")[0] == "name" and len(lines) > 2 and "Lenin" in out.stdout


def test_the_first_query_with_python_as_written(make_serve):
    code = readme_block("python")
    assert DEFAULT_URL in code
    out = subprocess.run([sys.executable, "-c", code.replace(DEFAULT_URL, make_serve)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Lenin" in out.stdout and len(out.stdout.strip().splitlines()) > 2
