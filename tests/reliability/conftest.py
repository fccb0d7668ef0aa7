"""Fixtures for the reliability tests: servers over private or shared builds, stopped at the end."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import Server
from tests.reliability.reliability_kit import kgpub_env


@pytest.fixture(scope="session")
def start(launch):
    """Start `kgpub serve ARGS` (with a 2 s query time limit unless ENV says otherwise): the Server."""

    def start_server(args: list[str], env: dict | None = None) -> Server:
        return launch(args, env or kgpub_env())

    return start_server


@pytest.fixture(scope="session")
def real_build(built) -> Path:
    """The build folder of the session's build of the real corpus (shared, never changed by these tests)."""
    config, _ = built
    return config.build_dir


@pytest.fixture(scope="session")
def served(start, real_build) -> Server:
    """One server over the session's build, with the short query time limit; shared by the read-only tests."""
    return start(["--build-dir", str(real_build)])
