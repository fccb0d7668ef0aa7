"""Shared fixtures: the real corpus built once per session, and a real server process over it."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
KGPUB = [sys.executable, "-m", "kgpub.cli"]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real corpus built into a temporary build folder: (config, BuildResult)."""
    from kgpub.build import run_build
    from kgpub.config import load_config
    config = load_config(corpus_dir=CORPUS, build_dir=tmp_path_factory.mktemp("build"), quiet=True)
    return config, run_build(config)


class ServerProcess:
    """`kgpub serve` in a child process on a free port; stopped at the end."""

    def __init__(self, args: list[str], env: dict | None = None):
        self.process = subprocess.Popen(KGPUB + ["serve", "--port", "0", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                                        env={**os.environ, **(env or {})})
        self.url = self._wait_for_url()

    def _wait_for_url(self, timeout: float = 60) -> str:
        deadline = time.time() + timeout
        lines = []
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                if self.process.poll() is not None:
                    break
                continue
            lines.append(line)
            m = re.search(r"at (http://[\d.]+:\d+/)", line)
            if m:
                url = m.group(1)
                requests.get(url + "-/versions", timeout=10).raise_for_status()
                return url
        self.stop()
        raise RuntimeError("server did not start:\n" + "".join(lines))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def serve_data():
    """Start `kgpub serve --data FILE ...` (a real SPARQL endpoint over those files); all stopped at the end."""
    started: list[ServerProcess] = []

    def start(*files: Path) -> str:
        started.append(ServerProcess(["--data", *map(str, files)]))
        return started[-1].url

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="session")
def server(built):
    """A real server process (waitress) serving the session's build."""
    config, _ = built
    proc = ServerProcess(["--build-dir", str(config.build_dir)])
    yield proc.url
    proc.stop()


@pytest.fixture(scope="session")
def start_server():
    """Start `kgpub serve` with extra arguments (e.g. --data FILE ...): returns its URL; all are stopped at the end."""
    started: list[ServerProcess] = []

    def start(args: list[str], env: dict | None = None) -> str:
        started.append(ServerProcess(args, env))
        return started[-1].url

    yield start
    for proc in started:
        proc.stop()


# A real Virtuoso and a server answering from it, shared by tests/virtuoso/ and the end-to-end tests.
from tests.virtuoso.virtuoso_kit import published, virtuoso, virtuoso_server  # noqa: E402, F401
