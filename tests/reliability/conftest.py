"""Fixtures for the reliability tests: servers over private or shared builds, stopped at the end."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parents[1]):  # the helpers beside this file, and bench/ (not an installed package)
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from reliability_kit import Server  # noqa: E402


@pytest.fixture(scope="session")
def start(tmp_path_factory):
    """Start `kgpub serve ARGS` (with a 2 s query time limit); every server started is stopped at the end."""
    started: list[Server] = []
    logs = tmp_path_factory.mktemp("server-logs")

    def start_server(args: list[str], env: dict | None = None) -> Server:
        started.append(Server(args, logs / f"server-{len(started)}.log", env))
        return started[-1]

    yield start_server
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def real_build(built) -> Path:
    """The build folder of the session's build of the real corpus (shared, never changed by these tests)."""
    config, _ = built
    return config.build_dir


@pytest.fixture(scope="session")
def served(start, real_build) -> Server:
    """One server over the session's build, with the short query time limit; shared by the read-only tests."""
    return start(["--build-dir", str(real_build)])
