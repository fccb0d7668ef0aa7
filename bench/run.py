"""The benchmark in one command: queries over HTTP against rdflib-endpoint and the bare ceiling, and build cost."""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.buildbench import build_benchmark
from bench.pagebench import page_benchmark
from bench.queries import MIXES, TEMPLATES
from bench.querybench import QuerySettings, query_benchmark
from bench.report import markdown, plot
from bench.scale import scaled_corpus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--only", choices=["query", "build", "pages"], help="run one part of the benchmark")
    p.add_argument("--page-scales", type=numbers, default=[1, 10],
                   help="corpus sizes for the page render benchmark, as multiples of the corpus (default: 1,10)")
    p.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus", help="the texts (default: data/corpus)")
    p.add_argument("--scales", type=numbers, default=[1, 10, 100],
                   help="corpus sizes to build, as multiples of the corpus (default: 1,10,100)")
    p.add_argument("--build-repeats", type=numbers, default=[3, 2, 1],
                   help="full builds per scale, in the order of --scales (default: 3,2,1)")
    p.add_argument("--incremental-at", type=numbers, default=[1, 10],
                   help="scales at which to time rebuilds with nothing / one text changed (default: 1,10)")
    p.add_argument("--incremental-repeats", type=int, default=3, help="rebuilds of each kind (default: 3)")
    p.add_argument("--query-scales", type=numbers, default=[1, 10],
                   help="corpus sizes to run the query benchmark on, as multiples of the corpus (default: 1,10)")
    p.add_argument("--clients", type=numbers, default=[1, 8], help="concurrent clients (default: 1,8)")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the query benchmark (default: 3)")
    p.add_argument("--requests", type=int, default=300, help="most requests per cell and round (default: 300)")
    p.add_argument("--seconds", type=float, default=1.0, help="most seconds per cell and round (default: 1)")
    p.add_argument("--threads", type=int, default=8, help="server threads of kgpub and the ceiling (default: 8)")
    p.add_argument("--queries", nargs="+", metavar="NAME", help="only these queries of the mixes")
    p.add_argument("--mix", choices=[m.split()[0] for m in MIXES],
                   help="only the queries of this mix (default: both, the lookup and the analytic mix)")
    p.add_argument("--workdir", type=Path, help="keep the query benchmark's builds here and reuse them in the next "
                   "run with the same corpus (default: a temporary folder, removed)")
    p.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out")
    p.add_argument("--on-disk", action="store_true", help="also measure kgpub without its in-memory copy "
                   "(KGPUB_QUERY_MEMORY_MB=0, its queries on the on-disk store), as a before/after comparison")
    p.add_argument("--out", type=Path, default=RESULTS, help="where figures and plot go (default: bench/results)")
    return p


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def corpus_build(corpus: Path, workdir: Path, factor: int = 1, keep: bool = False) -> Path:
    """A build of the corpus (or of its scaled copy) for the query benchmark, in the benchmark's own folder
    (with `keep`, the build already there if there is one)."""
    build_dir = workdir / f"query-build-{factor}x"
    if (build_dir / "current").exists() and keep:
        return build_dir
    if factor != 1:
        corpus = scaled_corpus(corpus, workdir / f"query-corpus-{factor}x", factor)
    subprocess.run([sys.executable, "-m", "kgpub.cli", "build", "--quiet", "--corpus", str(corpus),
                    "--build-dir", str(build_dir)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return build_dir


def save(results: dict, out: Path) -> str:
    """Write the figures so far (JSON and Markdown) and the plot; return the Markdown."""
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if results.get("build"):
        plot(results["build"], out / "build_scaling.png")
    report = markdown(results)
    (out / "results.md").write_text(report, encoding="utf-8")
    return report


def stop(signum, frame):
    raise KeyboardInterrupt  # so the finally blocks stop the servers and builds this run started


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, stop)
    chosen = MIXES[f"{args.mix} mix"] if args.mix else [n for n, _ in TEMPLATES]
    queries = [(n, q) for n, q in TEMPLATES if n in chosen and (not args.queries or n in args.queries)]
    results: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine()}
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kgpub-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        if args.only in (None, "query"):
            settings = QuerySettings(tuple(args.clients), args.rounds, args.requests, args.seconds, args.threads,
                                     rdflib=not args.no_rdflib, on_disk=args.on_disk)
            for factor in args.query_scales:
                build_dir = corpus_build(args.corpus, workdir, factor, keep=args.workdir is not None)
                figures = query_benchmark(build_dir, queries, settings)
                figures["factor"] = factor
                results.setdefault("queries", []).append(figures)
                save(results, args.out)
        if args.only in (None, "pages"):
            for factor in args.page_scales:
                figures = page_benchmark(corpus_build(args.corpus, workdir, factor))
                figures["factor"] = factor
                results.setdefault("pages", []).append(figures)
                save(results, args.out)
        if args.only in (None, "build"):
            repeats = dict(zip(args.scales, args.build_repeats + [1] * len(args.scales), strict=False))
            results["build"] = build_benchmark(args.corpus, args.scales, repeats, workdir,
                                               tuple(args.incremental_at), args.incremental_repeats)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(save(results, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
