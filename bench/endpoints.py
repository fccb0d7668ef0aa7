"""The endpoints compared, each started as its own server process: kgpub, the bare ceiling, rdflib-endpoint."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "ASK { ?s ?p ?o }"
TICKS = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The child processes of a process, started by any of its threads."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(p) for p in task.read_text(encoding="ascii").split()]
        except OSError:
            pass
    return sorted(out)


def tree(pid: int, depth: int = 0) -> list[tuple[int, int]]:
    """(pid, depth) of a process and its descendants, depth first."""
    out = [(pid, depth)]
    for child in children(pid):
        out += tree(child, depth + 1)
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process and its live descendants have used so far."""
    total = 0
    for each, _ in tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / TICKS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(sparql_url: str, timeout: float = 5.0) -> bool:
    """Whether the endpoint answers a query with 200."""
    url = sparql_url + "?" + urllib.parse.urlencode({"query": PROBE})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Endpoint:
    """A server process and its SPARQL URL; `started` is the seconds from launch to its first answered query,
    `settled` to the line of its output matching `settled_line` (kgpub: its in-memory copy loaded)."""

    def __init__(self, name: str, args: list[str], path: str, port: int | None = None, timeout: float = 300,
                 settled_line: str | None = None, env: dict[str, str] | None = None):
        self.name = name
        launched = time.perf_counter()
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
        self.output: list[str] = []
        found, self.settled_event = threading.Event(), threading.Event()
        self.settled_line = re.compile(settled_line) if settled_line else None
        self.base = f"http://127.0.0.1:{port}/" if port else None
        threading.Thread(target=self._read, args=(found,), daemon=True).start()
        deadline = launched + timeout
        if self.base is None and not found.wait(timeout):
            self.stop()
            raise RuntimeError(f"{name} did not start:\n" + "".join(self.output[-30:]))
        self.url = self.base + path.lstrip("/")
        while not answers(self.url, timeout=max(1.0, deadline - time.perf_counter())):
            if self.process.poll() is not None or time.perf_counter() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not answer:\n" + "".join(self.output[-30:]))
            time.sleep(0.02)
        self.started = time.perf_counter() - launched
        self.settled = self.started
        if self.settled_line is not None:
            if not self.settled_event.wait(max(1.0, deadline - time.perf_counter())):
                self.stop()
                raise RuntimeError(f"{name} never printed {settled_line!r}:\n" + "".join(self.output[-30:]))
            self.settled = time.perf_counter() - launched

    def _read(self, found: threading.Event) -> None:
        """Keep the pipe drained (a full pipe would block the server) and note the URL it prints."""
        for line in self.process.stdout:
            self.output.append(line)
            if self.settled_line is not None and self.settled_line.search(line):
                self.settled_event.set()
            m = re.search(r"at (http://[\d.]+:\d+/)", line)
            if m and self.base is None:
                self.base = m.group(1)
                found.set()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Endpoint:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# what `kgpub serve` prints once its query workers share an in-memory copy of the build (or know they will not)
KGPUB_SETTLED = r"^queries run on (an in-memory copy|the on-disk store)"


KGPUB_ON_DISK = "kgpub on disk"


def kgpub(build_dir: Path, threads: int, settle: bool = True, on_disk: bool = False) -> Endpoint:
    """`kgpub serve` on an existing build, as a user starts it; with `settle`, once its in-memory copy is loaded
    (its first query, the start probe, has it loaded); `on_disk`: with no in-memory copy, its queries on the
    on-disk store as before the copy was made (KGPUB_QUERY_MEMORY_MB=0)."""
    return Endpoint(KGPUB_ON_DISK if on_disk else "kgpub",
                    [sys.executable, "-m", "kgpub.cli", "serve", "--port", "0", "--build-dir", str(build_dir),
                     "--threads", str(threads)], "sparql", settled_line=KGPUB_SETTLED if settle else None,
                    env={"KGPUB_QUERY_MEMORY_MB": "0"} if on_disk else None)


def ceiling(store_path: Path, threads: int) -> Endpoint:
    """The bare in-memory pyoxigraph-behind-waitress endpoint, with the same thread count (answers once loaded)."""
    return Endpoint("ceiling", [sys.executable, "-m", "bench.ceiling", str(store_path), "--port", "0",
                                "--threads", str(threads)], "sparql")


def rdflib_endpoint(dump: Path) -> Endpoint:
    """rdflib-endpoint serving the build's Turtle dump, as its README says to start it."""
    command = shutil.which("rdflib-endpoint", path=str(Path(sys.executable).parent)) or "rdflib-endpoint"
    port = free_port()
    return Endpoint("rdflib-endpoint", [command, "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)],
                    "", port=port)


def rdflib_endpoint_available() -> bool:
    try:
        import rdflib_endpoint  # noqa: F401
    except ImportError:
        return False
    return True
