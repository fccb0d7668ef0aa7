"""Query throughput and latency of the endpoints side by side, in interleaved rounds, on one build."""
from __future__ import annotations

import math
import statistics
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench import endpoints
from bench.ceiling import in_memory
from bench.client import Cell, http_cell, in_process_cell, summary
from bench.queries import CLASSES, MIXES, interleaved, parameters, workload
from kgpub.builds import current_build

MIX = "analytic mix"  # the mix of the ceiling target
IN_PROCESS = "pyoxigraph in-process"
PEERS = ("ceiling", "rdflib-endpoint", IN_PROCESS, endpoints.KGPUB_ON_DISK)


@dataclass(frozen=True)
class QuerySettings:
    """How hard and how long to drive each (endpoint, query, clients) cell."""

    clients: tuple[int, ...] = (1, 8)
    rounds: int = 3
    requests: int = 300
    seconds: float = 1.0
    threads: int = 8
    rdflib: bool = True
    start_repeats: int = 3
    on_disk: bool = False            # also kgpub without its in-memory copy (as before it had one)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def turtle_dump(build) -> Path:
    name = next(d["name"] for d in build.manifest["dumps"] if d["kind"] == "graph" and d["name"].endswith(".ttl"))
    return build.file(name)


def start_times(build_dir: Path, threads: int, repeats: int = 3) -> list[float]:
    """Seconds from launching `kgpub serve` on an existing build to its first answered query, per start."""
    times = []
    for _ in range(repeats):
        with endpoints.kgpub(build_dir, threads, settle=False) as server:
            times.append(server.started)
    return times


def mixes(queries: list[tuple[str, list[str]]], failed: set[str]) -> list[tuple[str, list[str]]]:
    """(mix name, its query texts interleaved) of each mix with a query in the selection; a query that fails on
    any endpoint is left out, so that a mix is the same work for every endpoint."""
    texts = dict(queries)
    out = []
    for mix, names in MIXES.items():
        members = [(name, texts[name]) for name in names if name in texts and name not in failed]
        if members:
            out.append((mix, interleaved(members)))
    return out


def check_answers(urls: dict[str, str], queries: list[tuple[str, list[str]]]) -> dict[str, dict[str, str]]:
    """One request per query kind and endpoint before measuring: it shows failures early."""
    failures: dict[str, dict[str, str]] = {}
    for name, url in urls.items():
        for qname, texts in queries:
            cell = http_cell(url, texts[:1], 1, 1, 60.0)
            if cell.errors:
                failures.setdefault(name, {})[qname] = cell.last_error
    return failures


def query_benchmark(build_dir: Path, templates: list[tuple[str, str]], settings: QuerySettings) -> dict:
    """Figures per endpoint, query (and the whole mix) and client count; plus ratios and start times.

    Each query kind is asked about every entity of the graph in turn (every person, document, ...), so the
    figures are those of a varied workload, not of one query string answered again and again."""
    build = current_build(build_dir)
    say(f"query benchmark on build {build.build_id} ({build.manifest['triples']} triples)")
    store = in_memory(str(build.store_path))
    queries = workload(templates, parameters(store))
    cells: dict[tuple[str, str, int], list[Cell]] = {}
    with ExitStack() as stack:
        servers = [stack.enter_context(endpoints.kgpub(build_dir, settings.threads)),
                   stack.enter_context(endpoints.ceiling(build.store_path, settings.threads))]
        if settings.rdflib:
            servers.append(stack.enter_context(endpoints.rdflib_endpoint(turtle_dump(build))))
        if settings.on_disk:
            servers.append(stack.enter_context(endpoints.kgpub(build_dir, settings.threads, on_disk=True)))
        say("started: " + ", ".join(f"{s.name} in {s.started:.2f} s" for s in servers)
            + f"; kgpub's in-memory copy in {servers[0].settled:.2f} s")
        urls = {s.name: s.url for s in servers}
        failures = check_answers(urls, queries)
        failed = {q for per in failures.values() for q in per}
        work = queries + mixes(queries, failed)
        for round_no in range(settings.rounds):
            say(f"round {round_no + 1}/{settings.rounds}")
            for qname, texts in work:
                for clients in settings.clients:
                    # the order of the endpoints turns each round, so no one always runs first or last
                    order = servers[round_no % len(servers):] + servers[:round_no % len(servers)]
                    for server in order:
                        if qname in failures.get(server.name, {}):
                            continue
                        cpu = endpoints.cpu_seconds(server.process.pid)
                        cell = http_cell(server.url, texts, clients, settings.requests, settings.seconds)
                        cell.cpu = endpoints.cpu_seconds(server.process.pid) - cpu
                        cells.setdefault((server.name, qname, clients), []).append(cell)
                    cell = in_process_cell(store, texts, clients, settings.requests, settings.seconds)
                    cells.setdefault((IN_PROCESS, qname, clients), []).append(cell)
    figures: dict = {}
    for (name, qname, clients), runs in cells.items():
        figures.setdefault(name, {}).setdefault(qname, {})[str(clients)] = summary(runs)
    return {"build_id": build.build_id, "triples": build.manifest["triples"], "settings": settings.__dict__,
            "queries": [name for name, _ in work], "figures": figures,
            "distinct_texts": {name: len(set(texts)) for name, texts in work},
            "ratios": ratios(figures), "class_ratios": class_ratios(figures),
            "class_cpu_ratios": class_ratios(figures, cpu_ratio), "failures": failures,
            "start_seconds": {s.name: round(s.started, 3) for s in servers},
            "kgpub_in_memory_seconds": round(servers[0].settled, 3),
            "kgpub_start_seconds": start_times(build_dir, settings.threads, settings.start_repeats)}


def ratios(figures: dict) -> dict:
    """kgpub's QPS over rdflib-endpoint's and over the ceiling's, per query and client count."""
    ours = figures.get("kgpub", {})
    out: dict = {}
    for other in PEERS:
        theirs = figures.get(other)
        if not theirs:
            continue
        out[f"kgpub/{other}"] = {q: {c: ratio(v, theirs.get(q, {}).get(c)) for c, v in per.items()}
                                 for q, per in ours.items()}
    return out


def ratio(ours: dict, theirs: dict | None) -> float | None:
    """The median over rounds of the QPS ratio within each round, where both ran one after the other (the noise
    of a shared machine moves them together); the ratio of the medians if the rounds do not pair up."""
    if not theirs or not theirs["qps"]:
        return None
    pairs = list(zip(ours.get("round_qps", []), theirs.get("round_qps", []), strict=False))
    if pairs and len(pairs) == len(theirs["round_qps"]) == len(ours["round_qps"]) and all(b for _, b in pairs):
        return statistics.median(a / b for a, b in pairs)
    return ours["qps"] / theirs["qps"]


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def cpu_ratio(ours: dict, theirs: dict | None) -> float | None:
    """Their CPU time per request over ours: how many times our server's capacity theirs is, CPU for CPU."""
    if not theirs or not ours.get("cpu_ms") or not theirs.get("cpu_ms"):
        return None
    return theirs["cpu_ms"] / ours["cpu_ms"]


def class_ratios(figures: dict, measure=ratio) -> dict:
    """Per query class (lookups, aggregates, ...) and mix, and client count, the geometric mean of the ratios of
    its queries (QPS, or CPU per request with `cpu_ratio`): kgpub over each peer, kgpub on disk over the
    ceiling (before the in-memory copy), and the ceiling over rdflib-endpoint (what any pyoxigraph endpoint
    could do)."""
    pairs = [("kgpub", peer) for peer in PEERS] + [(endpoints.KGPUB_ON_DISK, "ceiling"), ("ceiling", "rdflib-endpoint")]
    groups = {**CLASSES, **{mix: [mix] for mix in MIXES}}
    out: dict = {}
    for ours, theirs in pairs:
        a, b = figures.get(ours, {}), figures.get(theirs, {})
        if not a or not b:
            continue
        per_class = {}
        for name, members in groups.items():
            clients = {c for q in members for c in a.get(q, {})}
            values = {c: geomean([measure(a[q][c], b.get(q, {}).get(c)) or 0 for q in members
                                  if c in a.get(q, {})]) for c in sorted(clients, key=int)}
            if values:
                per_class[name] = values
        out[f"{ours}/{theirs}"] = per_class
    return out

