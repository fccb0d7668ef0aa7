"""Virtuoso beside the embedded store: load time of one build into each, and the query mix's throughput on each.

    python -m bench.virtuoso [--build-dir DIR] [--seconds S]

Starts its own Virtuoso (Debian's virtuoso-opensource) on loopback ports with a temporary database, publishes the
current build with `kgpub publish`'s code, and drives the query mix of bench/queries.py at 1 and 8 clients against
`kgpub serve` (embedded), `kgpub serve --store` (Virtuoso behind kgpub) and Virtuoso's own /sparql endpoint.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from bench.client import http_cell, summary
from bench.endpoints import Endpoint
from bench.queries import QUERIES
from kgpub.builds import current_build
from kgpub.config import load_config
from kgpub.publish import Target, ntriples_of, publish
from tests.virtuoso.virtuoso_kit import USER, PASSWORD, Virtuoso


def embedded_load_seconds(build) -> float:
    """Seconds to bulk-load the build's N-Triples into a fresh on-disk pyoxigraph store (what `kgpub build` does)."""
    data = gzip.decompress(ntriples_of(build).read_bytes())
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = ox.Store(folder)
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        return time.perf_counter() - started


def serve(build_dir: Path, *extra: str) -> Endpoint:
    return Endpoint("kgpub", [sys.executable, "-m", "kgpub.cli", "serve", "--port", "0", "--build-dir",
                              str(build_dir), "--threads", "8", *extra], "sparql")


def throughput(url: str, queries: list[str], seconds: float) -> dict[str, dict]:
    http_cell(url, queries, 1, len(queries), 60.0)  # warm up: every query once
    return {f"{clients} client{'s' * (clients > 1)}": summary([http_cell(url, queries, clients, 100_000, seconds)])
            for clients in (1, 8)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.virtuoso", description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=Path("data/build"), help="a folder with a current build")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per (endpoint, clients) cell")
    args = parser.parse_args(argv)
    config = load_config(build_dir=args.build_dir)
    build = current_build(config.build_dir)
    queries = [q for _, q in QUERIES]
    figures: dict = {"build": build.build_id, "triples": build.manifest["triples"],
                     "load_seconds": {"embedded (pyoxigraph bulk load)": embedded_load_seconds(build)}}
    with tempfile.TemporaryDirectory() as folder:
        store = Virtuoso(Path(folder))
        try:
            started = time.perf_counter()
            done = publish(config, Target(store.update, store.graph_store, USER, PASSWORD), say=lambda _: None)
            figures["load_seconds"]["Virtuoso (Graph Store Protocol)"] = done.load_seconds
            figures["load_seconds"]["Virtuoso (load, check and switch)"] = time.perf_counter() - started
            # Virtuoso's own endpoint, reading the build graph by its pragma: the ceiling of the store itself
            bare = [f"define input:default-graph-uri <{done.build_graph}> {q}" for q in queries]
            with serve(config.build_dir) as embedded, serve(config.build_dir, "--store", store.sparql) as remote:
                figures["queries_per_second"] = {
                    "kgpub serve (embedded)": throughput(embedded.url, queries, args.seconds),
                    "kgpub serve --store (Virtuoso)": throughput(remote.url, queries, args.seconds),
                    "Virtuoso /sparql alone": throughput(store.sparql, bare, args.seconds)}
        finally:
            store.stop()
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
