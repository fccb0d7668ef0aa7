"""Render time of the page of the most-mentioned person, against the same resource's Turtle and a SPARQL DESCRIBE
of it, measured interleaved on the same server in the same run."""
from __future__ import annotations

import json
import statistics
from datetime import UTC, datetime
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.endpoints import kgpub

MOST_MENTIONED = """SELECT ?x WHERE { ?x a <http://schema.org/Person> . ?a <http://www.w3.org/ns/oa#hasBody> ?x }
GROUP BY ?x ORDER BY DESC(COUNT(?a)) ?x LIMIT 1"""


def fetch(url: str, accept: str = "*/*") -> float:
    """Seconds to fetch the whole answer of one GET."""
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=120) as response:
        response.read()
    return time.perf_counter() - started


def most_mentioned(sparql_url: str) -> str:
    url = sparql_url + "?" + urllib.parse.urlencode({"query": MOST_MENTIONED})
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read().decode().splitlines()[1].strip()


def page_benchmark(build_dir: Path, repeats: int = 20, threads: int = 4) -> dict:
    """Median milliseconds of the HTML page, its Turtle twin and a DESCRIBE, and the page's ratio to each."""
    with kgpub(build_dir, threads) as server:
        iri = most_mentioned(server.url)
        base = json.loads(urllib.request.urlopen(server.base + "-/metadata", timeout=60).read())["base_iri"]
        path = iri[len(base):]
        targets = {"html": (server.base + path, "text/html"),
                   "turtle": (server.base + path + ".ttl", "text/turtle"),
                   "describe": (server.url + "?" + urllib.parse.urlencode({"query": f"DESCRIBE <{iri}>"}),
                                "text/turtle")}
        times: dict[str, list[float]] = {name: [] for name in targets}
        for url, accept in targets.values():
            fetch(url, accept)  # warm: the first answer opens files and fills caches
        for _ in range(repeats):
            for name, (url, accept) in targets.items():
                times[name].append(fetch(url, accept))
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {"measured": datetime.now(UTC).isoformat(timespec="seconds"), "person": iri, "repeats": repeats,
            "median_ms": {k: round(v, 2) for k, v in medians.items()},
            "html/turtle": round(medians["html"] / medians["turtle"], 2),
            "html/describe": round(medians["html"] / medians["describe"], 2)}


def page_table(figures: list[dict]) -> list[str]:
    lines = ["| corpus | person | HTML page ms | Turtle ms | DESCRIBE ms | page ÷ Turtle | page ÷ DESCRIBE "
             "| measured |",
             "|---|---|---|---|---|---|---|---|"]
    for f in figures:
        m = f["median_ms"]
        lines.append(f"| {f.get('factor', 1)}x | {f['person'].rsplit('/', 1)[-1]} | {m['html']} | {m['turtle']} | "
                     f"{m['describe']} | {f['html/turtle']} | {f['html/describe']} | {f.get('measured', '')} |")
    return lines
