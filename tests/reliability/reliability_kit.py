"""What the reliability tests share: private corpora and build folders, `kgpub build` runs, raw HTTP requests."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import requests

from tests.processes import CORPUS, KGPUB, ROOT

QUERY_TIMEOUT = "2"  # seconds: short, so runaway queries are stopped quickly in these tests


def kgpub_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "KGPUB_QUERY_TIMEOUT": QUERY_TIMEOUT, **extra}


def copy_corpus(target: Path) -> Path:
    """A private copy of the real corpus (the .txt files and its README), to change without touching the real one."""
    target.mkdir(parents=True, exist_ok=True)
    for path in CORPUS.iterdir():
        if path.is_file():
            shutil.copyfile(path, target / path.name)
    return target


def build(corpus: Path, build_dir: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`kgpub build` as a user runs it; returns the finished process (its exit status, output and messages)."""
    return subprocess.run(KGPUB + ["build", "--corpus", str(corpus), "--build-dir", str(build_dir), *extra],
                          cwd=ROOT, capture_output=True, text=True, env=env or kgpub_env(), timeout=300)


def built_copy(root: Path) -> tuple[Path, Path]:
    """A private copy of the corpus under `root`, built into a build folder of its own: (corpus, build_dir)."""
    corpus, build_dir = copy_corpus(root / "corpus"), root / "builds"
    done = build(corpus, build_dir)
    assert done.returncode == 0, done.stderr
    return corpus, build_dir


def current_id(build_dir: Path) -> str | None:
    try:
        return os.readlink(build_dir / "current")
    except OSError:
        return None


def manifest_of(build_dir: Path, build_id: str) -> dict:
    return json.loads((build_dir / build_id / "manifest.json").read_text(encoding="utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, timeout=60, **kwargs)


def raw_request(url: str, request: bytes, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    """Send bytes exactly as given (no client normalises the path or the headers); (status, headers, body)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    return status, headers, body


def dechunk(body: bytes) -> bytes:
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


def get_raw(url: str, path: str | bytes, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET a path sent byte for byte, with Connection: close."""
    target = path.encode("latin-1") if isinstance(path, str) else path
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: " + urlsplit(url).netloc.encode(), b"Connection: close"]
    lines += [f"{k}: {v}".encode("latin-1") for k, v in (headers or {}).items()]
    return raw_request(url, b"\r\n".join(lines) + b"\r\n\r\n")
