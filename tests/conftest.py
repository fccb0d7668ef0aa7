"""Shared fixtures: the real corpus built once per session, and a real server process over it."""
from __future__ import annotations

import os

import pytest

from tests.processes import CORPUS, Server


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real corpus built into a temporary build folder: (config, BuildResult)."""
    from kgpub.build import run_build
    from kgpub.config import load_config
    config = load_config(corpus_dir=CORPUS, build_dir=tmp_path_factory.mktemp("build"), quiet=True)
    return config, run_build(config)


@pytest.fixture(scope="session")
def launch(tmp_path_factory):
    """Start `kgpub serve ARGS` in the environment ENV (the whole of it): the Server; all are stopped at the end."""
    started: list[Server] = []
    logs = tmp_path_factory.mktemp("server-logs")

    def start(args: list[str], env: dict | None = None) -> Server:
        started.append(Server(args, logs / f"server-{len(started)}.log", env))
        return started[-1]

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture(scope="session")
def start_server(launch):
    """Start `kgpub serve` with extra arguments (e.g. --data FILE ...) and environment variables: returns its URL."""

    def start(args: list[str], env: dict | None = None) -> str:
        return launch(args, {**os.environ, **(env or {})}).url

    return start


@pytest.fixture(scope="session")
def serve_data(start_server):
    """Start `kgpub serve --data FILE ...` (a real SPARQL endpoint over those files): returns its URL."""
    return lambda *files: start_server(["--data", *map(str, files)])


@pytest.fixture(scope="session")
def server(built, start_server):
    """A real server process (waitress) serving the session's build."""
    config, _ = built
    return start_server(["--build-dir", str(config.build_dir)])


# A real Virtuoso and a server answering from it, shared by tests/virtuoso/ and the end-to-end tests.
from tests.virtuoso.virtuoso_kit import published, virtuoso, virtuoso_server  # noqa: E402, F401
