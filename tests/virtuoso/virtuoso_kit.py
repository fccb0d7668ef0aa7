"""A real OpenLink Virtuoso for the tests: its own database folder and loopback ports, started and stopped here.

Debian's virtuoso-opensource package provides `virtuoso-t` (`make test` installs it). The fixtures are shared with
tests/e2e/ through tests/conftest.py, so the protocol and end-to-end tests run against a Virtuoso-backed server too.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.processes import KGPUB, stop_process

VIRTUOSO_T = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
# A fresh database's administrator; the instance listens on loopback only and lives for one test session.
USER, PASSWORD = "dba", "dba"
INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {db}
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
; above KGPUB_MAX_ROWS, so that the server, not the store, decides where results are cut
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 0
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    """`virtuoso-t +foreground` over a database folder of its own; its SPARQL, Update and Graph Store URLs."""

    def __init__(self, folder: Path):
        self.folder = folder
        http_port = free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(INI.format(db=folder, sql_port=free_port(), http_port=http_port), encoding="utf-8")
        root = f"http://127.0.0.1:{http_port}/"
        self.sparql = root + "sparql"
        self.update = root + "sparql-auth"
        self.graph_store = root + "sparql-graph-crud-auth"
        self.log = open(folder / "stdout.log", "w")
        self.process = subprocess.Popen([VIRTUOSO_T, "+foreground", "+configfile", str(ini)], cwd=folder,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

    @property
    def env(self) -> dict[str, str]:
        """The environment `kgpub publish` reads its credentials from."""
        return {"KGPUB_STORE_USER": USER, "KGPUB_STORE_PASSWORD": PASSWORD}

    def _wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(self.sparql, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("Virtuoso did not start:\n" + (self.folder / "stdout.log").read_text()[-3000:])

    def stop(self) -> None:
        stop_process(self.process, timeout=30)
        self.log.close()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A running Virtuoso for the session (skipped only where Debian's virtuoso-opensource is not installed)."""
    if not Path(VIRTUOSO_T).exists():
        pytest.skip("virtuoso-t not found: install Debian's virtuoso-opensource (`make test` does) to test "
                    "publishing to and serving from Virtuoso")
    store = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield store
    store.stop()


@pytest.fixture(scope="session")
def published(built, virtuoso):
    """The session's build published to Virtuoso with `kgpub publish` (the real command): its output."""
    config, _ = built
    done = subprocess.run(KGPUB + ["publish", "--build-dir", str(config.build_dir),
                           "--to", virtuoso.update], capture_output=True, text=True,
                          env={**os.environ, **virtuoso.env}, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def virtuoso_server(built, virtuoso, published, start_server) -> str:
    """`kgpub serve --store` over the session's build, its queries answered by Virtuoso."""
    config, _ = built
    return start_server(["--build-dir", str(config.build_dir), "--store", virtuoso.sparql])
