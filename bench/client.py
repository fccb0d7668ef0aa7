"""Driving the endpoints: N concurrent HTTP clients with kept-alive connections, or the store in-process."""
from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from bench.queries import is_graph_query

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "text/turtle"


@dataclass
class Cell:
    """What one (endpoint, query, clients) run measured: per-request latencies, wall time, failures."""

    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    errors: int = 0
    last_error: str = ""
    cpu: float | None = None         # CPU seconds the server's processes used meanwhile, if measured

    @property
    def qps(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(cells: list[Cell]) -> dict:
    """Median QPS over repeated cells, and median / p95 latency (ms) of all their requests pooled."""
    latencies = [x for c in cells for x in c.latencies]
    return {"qps": statistics.median(c.qps for c in cells) if cells else 0.0,
            "median_ms": 1000 * statistics.median(latencies) if latencies else 0.0,
            "p95_ms": 1000 * percentile(latencies, 95), "requests": len(latencies),
            "errors": sum(c.errors for c in cells), "round_qps": [round(c.qps, 3) for c in cells],
            "cpu_ms": cpu_per_request(cells)}


def cpu_per_request(cells: list[Cell]) -> float | None:
    """The server's CPU milliseconds per answered request, over all the cells that measured it: unlike QPS,
    hardly moved by what else runs on the machine, so it says what a machine of its own would sustain."""
    measured = [c for c in cells if c.cpu is not None]
    requests = sum(len(c.latencies) for c in measured)
    return 1000 * sum(c.cpu for c in measured) / requests if requests else None


class Budget:
    """Shared among the clients of one cell: stops after `requests` requests or `seconds` seconds."""

    def __init__(self, requests: int, seconds: float):
        self.left = requests
        self.deadline = time.perf_counter() + seconds
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.perf_counter() > self.deadline:
                return False
            self.left -= 1
            return True


def run_clients(worker: Callable[[Budget, Cell, int], None], clients: int, requests: int, seconds: float) -> Cell:
    """Run `clients` threads of `worker` against one budget; the cell's wall time spans them all."""
    budget, cells = Budget(requests, seconds), [Cell() for _ in range(clients)]
    threads = [threading.Thread(target=worker, args=(budget, cells[i], i)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    merged = Cell(wall=time.perf_counter() - started)
    for cell in cells:
        merged.latencies += cell.latencies
        merged.errors += cell.errors
        merged.last_error = cell.last_error or merged.last_error
    return merged


def request_target(sparql_url: str, query: str) -> tuple[str, int, str, dict[str, str]]:
    """(host, port, path with the query, headers) of a SPARQL GET request."""
    parts = urllib.parse.urlsplit(sparql_url)
    path = (parts.path or "/") + "?" + urllib.parse.urlencode({"query": query})
    accept = GRAPH_ACCEPT if is_graph_query(query) else SELECT_ACCEPT
    return parts.hostname, parts.port, path, {"Accept": accept}


def http_cell(sparql_url: str, queries: list[str], clients: int, requests: int, seconds: float,
              timeout: float = 60) -> Cell:
    """`clients` concurrent clients, each on its own kept-alive connection, cycling through the queries."""
    targets = [request_target(sparql_url, q) for q in queries]

    def worker(budget: Budget, cell: Cell, index: int) -> None:
        host, port = targets[0][0], targets[0][1]
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        n = index
        while budget.take():
            _, _, path, headers = targets[n % len(targets)]
            n += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    cell.last_error = f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as err:
                ok, cell.last_error = False, f"{type(err).__name__}: {err}"
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
            if ok:
                cell.latencies.append(time.perf_counter() - started)
            else:
                cell.errors += 1
        conn.close()

    return run_clients(worker, clients, requests, seconds)


def in_process_cell(store: ox.Store, queries: list[str], clients: int, requests: int, seconds: float) -> Cell:
    """The same work without HTTP: query the store and serialise the results, in `clients` threads."""

    def worker(budget: Budget, cell: Cell, index: int) -> None:
        n = index
        while budget.take():
            query = queries[n % len(queries)]
            n += 1
            started = time.perf_counter()
            result = store.query(query)
            if isinstance(result, ox.QueryTriples):
                result.serialize(format=ox.RdfFormat.TURTLE)
            else:
                result.serialize(format=ox.QueryResultsFormat.JSON)
            cell.latencies.append(time.perf_counter() - started)

    return run_clients(worker, clients, requests, seconds)
