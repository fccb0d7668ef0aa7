"""Build cost by stage and peak memory on the corpus and on scaled copies of it, and incremental rebuilds."""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.scale import corpus_bytes, scaled_corpus
from kgpub.builds import current_build

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def descendants(pid: int) -> list[int]:
    """The process and all its children, grandchildren, ... (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return found


def tree_rss(pid: int) -> int:
    """Resident bytes of a process tree: the build and its extraction workers together."""
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


class PeakMemory:
    """Samples a process tree's resident memory until stopped; keeps the highest sum seen."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval, self.peak = pid, interval, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self.done.wait(self.interval)

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak


@dataclass
class BuildRun:
    """One `kgpub build`: wall seconds, peak memory of its process tree, its manifest's stage timings."""

    seconds: float
    peak_bytes: int
    timings: dict
    triples: int
    stderr: str
    skipped: bool  # nothing changed: the build in service was kept


def run_build(corpus: Path, build_dir: Path, force: bool = False) -> BuildRun:
    """`kgpub build` in its own process, as a user runs it."""
    args = [sys.executable, "-m", "kgpub.cli", "build", "--corpus", str(corpus), "--build-dir", str(build_dir)]
    before = current_build(build_dir).build_id if (build_dir / "current").exists() else None
    started = time.perf_counter()
    process = subprocess.Popen(args + (["--force"] if force else []), cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    try:
        _, stderr = process.communicate()
        seconds = time.perf_counter() - started
    finally:
        peak = memory.stop()
        if process.poll() is None:  # interrupted: stop the build this benchmark started
            process.kill()
            process.wait()
    if process.returncode:
        raise RuntimeError(f"build of {corpus} failed ({process.returncode}):\n{stderr[-3000:]}")
    build = current_build(build_dir)
    return BuildRun(seconds, peak, build.manifest.get("timings", {}), build.manifest["triples"], stderr,
                    skipped=build.build_id == before)


def extracted_documents(stderr: str) -> int:
    """How many documents a build extracted anew (its progress names the ones taken from the cache)."""
    lines = [line for line in stderr.splitlines() if "] [" in line and "/" in line.split("]")[1]]
    return sum(1 for line in lines if "from cache" not in line)


def scale_figures(corpus: Path, factor: int, repeats: int, workdir: Path) -> dict:
    """Full builds (no cache) of the corpus scaled `factor` times: medians of wall time, stages and memory."""
    folder = workdir / f"corpus-{factor}x"
    if not folder.exists():
        scaled_corpus(corpus, folder, factor)
    runs = []
    for i in range(repeats):
        build_dir = workdir / f"build-{factor}x-{i}"
        shutil.rmtree(build_dir, ignore_errors=True)
        run = run_build(folder, build_dir)
        say(f"  {factor}x run {i + 1}/{repeats}: {run.seconds:.1f} s, {run.peak_bytes / 2**20:.0f} MiB, "
            f"{run.triples} triples, stages {run.timings}")
        runs.append(run)
        if i < repeats - 1:
            shutil.rmtree(build_dir, ignore_errors=True)
    stages = sorted({k for r in runs for k in r.timings})
    return {"factor": factor, "corpus_bytes": corpus_bytes(folder), "documents": len(list(folder.glob("*.txt"))),
            "triples": runs[-1].triples, "repeats": repeats,
            "seconds": statistics.median(r.seconds for r in runs), "all_seconds": [r.seconds for r in runs],
            "peak_bytes": statistics.median(r.peak_bytes for r in runs),
            "stages": {s: statistics.median(r.timings.get(s, 0.0) for r in runs) for s in stages},
            "build_dir": str(workdir / f"build-{factor}x-{repeats - 1}")}


def incremental_figures(scale: dict, repeats: int = 3) -> dict:
    """On a finished full build: a rebuild with nothing changed, and one after changing one text."""
    build_dir = Path(scale["build_dir"])
    corpus = build_dir.parent / f"corpus-{scale['factor']}x"
    unchanged = [run_build(corpus, build_dir) for _ in range(repeats)]
    changed_path = sorted(corpus.glob("*.txt"))[0]
    original = changed_path.read_text(encoding="utf-8")
    changed = []
    try:
        for i in range(repeats):
            changed_path.write_text(original + f"\n\nA paragraph added to the text, revision {i + 1}.\n",
                                    encoding="utf-8")
            changed.append(run_build(corpus, build_dir))
    finally:
        changed_path.write_text(original, encoding="utf-8")
    return {"factor": scale["factor"], "full_seconds": scale["seconds"],
            "unchanged_seconds": statistics.median(r.seconds for r in unchanged),
            "unchanged_kept_build": all(r.skipped for r in unchanged),
            "one_changed_seconds": statistics.median(r.seconds for r in changed),
            "one_changed_extracted": max(extracted_documents(r.stderr) for r in changed),
            "documents": scale["documents"]}


def build_benchmark(corpus: Path, factors: list[int], repeats: dict[int, int], workdir: Path | None = None,
                    incremental_at: tuple[int, ...] = (1, 10), incremental_repeats: int = 3) -> dict:
    """Figures for every scale factor, and incremental rebuilds at some of them."""
    owned = workdir is None
    workdir = workdir or Path(tempfile.mkdtemp(prefix="kgpub-bench-"))
    try:
        scales, incremental = [], []
        for factor in factors:
            say(f"build at {factor}x ({repeats.get(factor, 1)} run(s))")
            scale = scale_figures(corpus, factor, repeats.get(factor, 1), workdir)
            scales.append(scale)
            if factor in incremental_at:
                say(f"incremental rebuilds at {factor}x")
                incremental.append(incremental_figures(scale, incremental_repeats))
            shutil.rmtree(scale["build_dir"], ignore_errors=True)
        return {"scales": scales, "incremental": incremental, "cpus": os.cpu_count()}
    finally:
        if owned:
            shutil.rmtree(workdir, ignore_errors=True)
