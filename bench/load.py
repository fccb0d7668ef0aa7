"""Load test of the SPARQL endpoint: the researcher query mix from 16 clients, with and without runaway queries.

    python bench/load.py                      # builds the corpus into a temporary folder, serves it, 2 x 60 s
    python bench/load.py --url http://127.0.0.1:8080/ --duration 20

Every request goes to the loopback server only; each phase stops after `--duration` seconds or
`--max-requests` requests, whichever comes first. The query mix is data (ORDINARY, EXPENSIVE) so the
benchmarks and the tests run the same queries.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent

PROLOGUE = """PREFIX schema: <http://schema.org/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX kg: <https://w3id.org/kgpub/ontology#>
"""

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class Query:
    """One query of the mix: a name for the report, the SPARQL text, the media type asked for, how it is sent."""

    name: str
    text: str
    accept: str = JSON_RESULTS
    method: str = "GET"              # GET (query=), POST (form) or DIRECT (POST application/sparql-query)


# What a researcher asks of the graph, most often first. Values are looked up by name, not by IRI, so the
# mix runs on any build of the corpus.
ORDINARY: tuple[Query, ...] = (
    Query("lookup-by-name", """SELECT ?x ?type WHERE {
  ?x schema:name|rdfs:label|schema:alternateName "Vladimir Lenin" ; a ?type }"""),
    Query("quotations-of-person", """SELECT ?text ?work ?volume ?page WHERE {
  ?q a schema:Quotation ; schema:text ?text ; schema:creator ?p .
  ?p schema:name "Vladimir Lenin" .
  OPTIONAL { ?q schema:isPartOf/schema:name ?work }
  OPTIONAL { ?q bibo:volume ?volume }
  OPTIONAL { ?q bibo:pageStart ?page }
} ORDER BY ?volume ?page""", "text/csv"),
    Query("count-per-speaker", """SELECT ?name (COUNT(?q) AS ?quotations) WHERE {
  ?q a schema:Quotation ; schema:creator ?p . ?p schema:name ?name
} GROUP BY ?name ORDER BY DESC(?quotations)""", method="POST"),
    Query("count-per-work", """SELECT ?work ?title (COUNT(?q) AS ?quotations) WHERE {
  ?q a schema:Quotation ; schema:isPartOf ?work . ?work schema:name ?title
} GROUP BY ?work ?title ORDER BY DESC(?quotations)""", XML_RESULTS),
    Query("congresses-by-date", """SELECT ?congress ?name ?start WHERE {
  ?congress a schema:Event ; schema:name ?name ; schema:startDate ?start
  FILTER (STR(?start) >= "1900" && STR(?start) < "1940")
} ORDER BY ?start""", "text/tab-separated-values"),
    Query("mentions-in-document", """SELECT ?body (COUNT(?a) AS ?mentions) WHERE {
  { SELECT ?doc WHERE { ?doc a kg:Document } ORDER BY ?doc LIMIT 1 }
  ?a oa:hasTarget/oa:hasSource ?doc ; oa:hasBody ?body
} GROUP BY ?body ORDER BY DESC(?mentions)""", method="DIRECT"),
    Query("describe-person", """DESCRIBE ?p WHERE { ?p schema:name "Vladimir Lenin" }""", TURTLE),
    Query("construct-neighbourhood", """CONSTRUCT { ?x ?p ?o . ?s ?q ?x } WHERE {
  ?x schema:name "Vladimir Lenin" . { ?x ?p ?o } UNION { ?s ?q ?x }
}""", NTRIPLES),
    Query("text-filter", """SELECT ?q ?text WHERE {
  ?q a schema:Quotation ; schema:text ?text FILTER (CONTAINS(LCASE(?text), "dictatorship"))
} LIMIT 100"""),
    Query("optional-group-concat", """SELECT ?p ?name (GROUP_CONCAT(DISTINCT ?alt; separator=" | ") AS ?names) WHERE {
  ?p a schema:Person ; schema:name ?name OPTIONAL { ?p schema:alternateName ?alt }
} GROUP BY ?p ?name ORDER BY ?name""", method="POST"),
)

# Queries no engine finishes on this graph in seconds: the server must stop them at its time limit.
EXPENSIVE: tuple[Query, ...] = (
    Query("cartesian-product", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    # the closure alone is answered in a second or two from memory: joined with every triple it runs for hours
    Query("unbounded-path", "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x:none>|!<urn:x:none>)* ?b . ?c ?d ?e }"),
    Query("path-join", """SELECT ?a ?b WHERE { ?a (^(<urn:x:none>|!<urn:x:none>)/(<urn:x:none>|!<urn:x:none>))+ ?b }
ORDER BY ?a ?b""", method="POST"),
)

TIMEOUT_MESSAGE = "ran longer than the limit"


@dataclass
class Sample:
    """One answered (or failed) request."""

    query: str
    expensive: bool
    status: int            # 0 when no HTTP answer came (connection error)
    seconds: float
    note: str = ""         # the start of the body of a non-200 answer, or the connection error
    build: str = ""        # the X-Build header


@dataclass
class Phase:
    """The samples of one load phase and the figures drawn from them."""

    name: str
    clients: int
    runaway_clients: int
    seconds: float = 0.0
    samples: list[Sample] = field(default_factory=list)

    def ordinary(self) -> list[Sample]:
        return [s for s in self.samples if not s.expensive]

    def expensive(self) -> list[Sample]:
        return [s for s in self.samples if s.expensive]

    def errors(self) -> list[Sample]:
        """Ordinary queries that did not get a 200."""
        return [s for s in self.ordinary() if s.status != 200]

    def timed_out(self) -> list[Sample]:
        """Expensive queries stopped at the time limit with the timeout status (503 and its message)."""
        return [s for s in self.expensive() if s.status == 503 and TIMEOUT_MESSAGE in s.note]

    def qps(self) -> float:
        return len(self.ordinary()) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        times = sorted(s.seconds for s in self.ordinary() if s.status == 200)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]

    def summary(self) -> str:
        by_status: dict[int, int] = {}
        for s in self.expensive():
            by_status[s.status] = by_status.get(s.status, 0) + 1
        expensive = (f"; expensive: {len(self.expensive())} sent, {len(self.timed_out())} stopped by the timeout "
                     f"(statuses {dict(sorted(by_status.items()))})" if self.runaway_clients else "")
        return (f"{self.name}: {self.clients} clients ({self.runaway_clients} sending runaway queries), "
                f"{self.seconds:.1f} s: {len(self.ordinary())} ordinary queries, {self.qps():.1f} q/s, "
                f"p50 {self.percentile(50) * 1000:.0f} ms, p95 {self.percentile(95) * 1000:.0f} ms, "
                f"p99 {self.percentile(99) * 1000:.0f} ms, errors {len(self.errors())}{expensive}")


class Client:
    """One keep-alive HTTP connection to the endpoint, as a SPARQL client library holds it."""

    def __init__(self, url: str, timeout: float = 60.0):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = (parts.path.rstrip("/") or "") + "/sparql"
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def send(self, query: Query) -> tuple[int, bytes, dict[str, str]]:
        text = PROLOGUE + query.text
        headers = {"Accept": query.accept}
        if query.method == "GET":
            method, path, body = "GET", self.path + "?" + urlencode({"query": text}), None
        elif query.method == "POST":
            method, path, body = "POST", self.path, urlencode({"query": text}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            method, path, body = "POST", self.path, text.encode()
            headers["Content-Type"] = "application/sparql-query"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # the server closed an idle keep-alive connection: a client opens a new one and resends
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, data, {k.lower(): v for k, v in response.getheaders()}
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def timed(client: Client, query: Query, expensive: bool) -> Sample:
    started = time.perf_counter()
    try:
        status, body, headers = client.send(query)
    except (OSError, http.client.HTTPException) as err:
        client.close()
        return Sample(query.name, expensive, 0, time.perf_counter() - started, f"{type(err).__name__}: {err}")
    elapsed = time.perf_counter() - started
    note = "" if status == 200 else body[:300].decode("utf-8", "replace")
    return Sample(query.name, expensive, status, elapsed, note, headers.get("x-build", ""))


def run_phase(url: str, name: str, duration: float, clients: int = 16, runaway_clients: int = 0,
              max_requests: int = 100_000, seed: int = 0, ordinary: tuple[Query, ...] = ORDINARY,
              expensive: tuple[Query, ...] = EXPENSIVE) -> Phase:
    """`clients` threads for `duration` seconds (or `max_requests` in all); the first `runaway_clients` of
    them send only expensive queries, back to back, the rest the ordinary mix in a shuffled order."""
    phase = Phase(name, clients, runaway_clients)
    lock = threading.Lock()
    budget = [max_requests]
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def take() -> bool:
        with lock:
            budget[0] -= 1
            return budget[0] >= 0 and time.perf_counter() < deadline[0]

    def work(i: int) -> None:
        rng = random.Random(f"{seed}:{i}")
        runaway = i < runaway_clients
        pool = expensive if runaway else ordinary
        client = Client(url)
        mine: list[Sample] = []
        start.wait()
        try:
            while take():
                mine.append(timed(client, rng.choice(pool), runaway))
        finally:
            client.close()
            with lock:
                phase.samples.extend(mine)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + duration
    start.wait()
    for thread in threads:
        thread.join(duration + 120)
    phase.seconds = time.perf_counter() - began
    return phase


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(build_dir: Path, timeout: float) -> tuple[subprocess.Popen, str]:
    """`kgpub serve` over a build folder on a free loopback port, with the given query time limit. Its output
    goes to a file beside the build: a pipe nobody reads would fill up and stop the server."""
    env = {**os.environ, "KGPUB_QUERY_TIMEOUT": str(timeout)}
    log = build_dir.parent / (build_dir.name + ".log")
    with open(log, "w") as handle:
        process = subprocess.Popen([sys.executable, "-m", "kgpub.cli", "serve", "--build-dir", str(build_dir),
                                    "--host", "127.0.0.1", "--port", str(free_port())], cwd=ROOT, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        m = re.search(r"at (http://[\d.]+:\d+/)", log.read_text(errors="replace"))
        if m:
            return process, m.group(1)
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start:\n" + log.read_text(errors="replace"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (default: build the corpus and serve it here)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase (default 60)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--runaway", type=int, default=2, help="clients sending expensive queries (default 2)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="request cap per phase")
    parser.add_argument("--timeout", type=float, default=2.0, help="KGPUB_QUERY_TIMEOUT of the server started here")
    args = parser.parse_args(argv)
    process = None
    url = args.url
    if url is None:
        build_dir = Path(tempfile.mkdtemp(prefix="kgpub-load-"))
        subprocess.run([sys.executable, "-m", "kgpub.cli", "build", "--quiet", "--build-dir", str(build_dir)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        process, url = start_server(build_dir, args.timeout)
        print(f"server at {url} (query time limit {args.timeout:g} s)")
    try:
        timed(Client(url), ORDINARY[0], False)  # warm the workers up before measuring
        phases = [run_phase(url, "ordinary only", args.duration, args.clients, 0, args.max_requests),
                  run_phase(url, "with runaway queries", args.duration, args.clients, args.runaway,
                            args.max_requests)]
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    for phase in phases:
        print(phase.summary())
        for sample in phase.errors()[:5]:
            print(f"  error: {sample.query}: {sample.status} {sample.note[:120]!r}")
    return 1 if any(p.errors() for p in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
