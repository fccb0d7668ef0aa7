"""Memory of `kgpub serve` and its query processes, after the analytic mix has run on them for a while.

    python -m bench.memory BUILD_DIR [--seconds 20] [--clients 8]

Prints, per process of the server's tree (the server, the process holding the in-memory copy, each query
worker), resident memory (RSS), proportional share (PSS: shared pages divided among the processes sharing
them) and private memory (pages no other process shares), in MiB; the sum of PSS is what the server costs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench import endpoints
from bench.ceiling import in_memory
from bench.client import http_cell
from bench.endpoints import tree
from bench.queries import ANALYTIC_TEMPLATES, interleaved, parameters, workload
from kgpub.builds import current_build

MIB = 2**20


def rollup(pid: int) -> dict[str, int]:
    """Rss, Pss and private bytes of a process from /proc/PID/smaps_rollup ({} if it is gone)."""
    fields: dict[str, int] = {"Rss": 0, "Pss": 0, "Private": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss"):
                    fields[name] = 1024 * int(rest.split()[0])
                elif name.startswith("Private_"):
                    fields["Private"] += 1024 * int(rest.split()[0])
    except (OSError, ValueError):
        return {}
    return fields


def command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")[:60]
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=Path, help="a build folder (with `current`)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to run the analytic mix (default: 20)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default: 8)")
    parser.add_argument("--on-disk", action="store_true", help="the server without its in-memory copy")
    args = parser.parse_args(argv)
    build = current_build(args.build_dir)
    queries = workload(ANALYTIC_TEMPLATES, parameters(in_memory(str(build.store_path))))
    with endpoints.kgpub(args.build_dir, 8, on_disk=args.on_disk) as server:
        print(f"{build.manifest['triples']:,} triples; answering after {server.started:.1f} s, in-memory copy "
              f"after {server.settled:.1f} s", flush=True)
        cell = http_cell(server.url, interleaved(queries), args.clients, 10**9, args.seconds)
        print(f"{len(cell.latencies)} queries in {cell.wall:.1f} s, {cell.errors} errors", flush=True)
        total = 0
        print("| process | RSS MiB | PSS MiB | private MiB |\n| --- | --- | --- | --- |")
        for pid, depth in tree(server.process.pid):
            m = rollup(pid)
            if not m:
                continue
            total += m["Pss"]
            print(f"| {'  ' * depth}{pid} {command(pid)} | {m['Rss'] / MIB:,.0f} | {m['Pss'] / MIB:,.0f} | "
                  f"{m['Private'] / MIB:,.0f} |")
        print(f"| all | | {total / MIB:,.0f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
