"""Running SPARQL queries in a pool of worker processes, so a query past its time limit is really stopped."""
from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from server.querytext import explain_syntax_error, in_query_order, star_variables
from server.results import SELECT_FORMATS, boolean_bytes, graph_bytes, json_head_in_order, select_bytes


@dataclass(frozen=True)
class Job:
    """One query to run: where, what, over which dataset, and which media types the client accepts."""

    store_path: str
    query: str
    select_type: str | None          # chosen media type for SELECT/ASK results, None if none acceptable
    graph_type: str | None           # chosen media type for CONSTRUCT/DESCRIBE results
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union_default_graph: bool = False
    base_iri: str | None = None
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What a query gave: status 'ok', 'syntax', 'unacceptable', 'timeout', 'busy' or 'error'."""

    status: str
    form: str = ""                   # select | ask | graph
    media_type: str = ""
    body: bytes = b""
    rows: int = 0                    # at most this many when the store's own writer made the body
    truncated: bool = False
    message: str = ""
    elapsed: float = 0.0


def dataset_options(job: Job) -> dict:
    options: dict = {}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif job.union_default_graph:
        options["use_default_graph_as_union"] = True
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.base_iri:
        options["base_iri"] = job.base_iri
    if job.prefixes:  # predeclared: a query may use them without a PREFIX line
        options["prefixes"] = dict(job.prefixes)
    return options


class MaybeTooMany(Exception):
    """The results may have more rows than shown: pyoxigraph's writer is stopped."""


class RowBound:
    """A sink for pyoxigraph's SPARQL JSON writer that keeps the bytes and bounds the number of rows: rows are
    separated by `},{`, which may also occur inside a string, so rows <= separators + 1; past max_rows it stops
    the writer (and with it the query) by raising MaybeTooMany."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.chunks: list[bytes] = []
        self.separators = 0
        self.tail = b""

    def write(self, data) -> int:
        data = bytes(data)
        # a separator across two chunks is counted once: two bytes of tail cannot hold a whole one
        self.separators += (self.tail + data).count(b"},{")
        self.tail = data[-2:]
        self.chunks.append(data)
        if self.separators >= self.max_rows:
            raise MaybeTooMany
        return len(data)

    def flush(self) -> None:
        pass


def store_json(result: ox.QuerySolutions, max_rows: int) -> tuple[bytes, int] | None:
    """(SPARQL JSON body, bound on its rows) written by pyoxigraph when the rows surely fit max_rows; else None
    (the caller runs the query again, counting rows exactly)."""
    sink = RowBound(max_rows)
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.JSON)
    except MaybeTooMany:
        return None
    body = b"".join(sink.chunks)
    return body, 0 if body.endswith(b'"bindings":[]}}') else sink.separators + 1


def execute(store: ox.Store, job: Job) -> Outcome:
    """Run one job against an open store (in a worker process)."""
    started = time.perf_counter()
    try:
        result = store.query(job.query, **dataset_options(job))
    except SyntaxError as err:
        return Outcome("syntax", message=explain_syntax_error(job.query, str(err), dict(job.prefixes)))
    if isinstance(result, ox.QueryBoolean):
        if job.select_type is None:
            return Outcome("unacceptable", form="ask")
        body = boolean_bytes(bool(result), SELECT_FORMATS[job.select_type])
        return Outcome("ok", "ask", job.select_type, body, 1, elapsed=time.perf_counter() - started)
    if isinstance(result, ox.QuerySolutions):
        if job.select_type is None:
            return Outcome("unacceptable", form="select")
        order = star_variables(job.query)  # SELECT *: the engine sorts the variables, the client wants them as written
        if SELECT_FORMATS[job.select_type] == "json":
            written = store_json(result, job.max_rows)
            if written is not None:
                body = json_head_in_order(written[0], order) if order else written[0]
                return Outcome("ok", "select", job.select_type, body, written[1],
                               elapsed=time.perf_counter() - started)
            result = store.query(job.query, **dataset_options(job))  # maybe over max_rows: count them here
        variables = in_query_order([v.value for v in result.variables], order)
        rows, truncated = [], False
        for solution in result:
            if len(rows) >= job.max_rows:
                truncated = True
                break
            rows.append([solution[v] for v in variables])
        body = select_bytes(variables, rows, SELECT_FORMATS[job.select_type])
        return Outcome("ok", "select", job.select_type, body, len(rows), truncated,
                       elapsed=time.perf_counter() - started)
    if job.graph_type is None:
        return Outcome("unacceptable", form="graph")
    triples, truncated = [], False
    for triple in result:
        if len(triples) >= job.max_rows:
            truncated = True
            break
        triples.append(triple)
    body = graph_bytes(triples, job.graph_type, dict(job.prefixes))
    return Outcome("ok", "graph", job.graph_type, body, len(triples), truncated,
                   elapsed=time.perf_counter() - started)


def worker_main(conn) -> None:
    """A worker process: open stores read-only as jobs name them, run jobs, send outcomes back."""
    stores: dict[str, ox.Store] = {}
    prefixes: tuple = ()
    conn.send("ready")  # started and imported: from now on only the query itself counts against the timeout
    while True:
        try:
            fields = conn.recv()
        except (EOFError, OSError):
            return
        if fields is None:
            return
        if fields[-1] is None:  # the prefixes this worker was given last time
            fields = (*fields[:-1], prefixes)
        prefixes = fields[-1]
        job = Job(*fields)
        try:
            store = stores.get(job.store_path)
            if store is None:
                stores.clear()  # a new build: let the old one go
                store = stores[job.store_path] = ox.Store.read_only(job.store_path)
            outcome = execute(store, job)
        except Exception as err:  # reported to the client as an engine error, never a traceback
            outcome = Outcome("error", message=f"{type(err).__name__}: {err}")
        conn.send(tuple(vars(outcome).values()))  # a plain tuple pickles in less time than the dataclass


class Worker:
    """One worker process and the pipe to it; `target(conn, *args)` is the process's main function."""

    def __init__(self, context, target=worker_main, args: tuple = ()):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=target, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.prefixes: tuple | None = None  # the prefixes last sent: constant, so sent once, not with every job

    def message(self, job: Job) -> tuple:
        """The job as a tuple of its fields; the prefixes left out (None) when the worker has them already."""
        fields = tuple(vars(job).values())
        if job.prefixes is self.prefixes:
            return (*fields[:-1], None)
        self.prefixes = job.prefixes
        return fields

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Wait for a fresh process to start (not part of any query's time); False if it never does."""
        if not self.ready and self.conn.poll(timeout):
            self.ready = self.conn.recv() == "ready"
        return self.ready

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryEngine:
    """A fixed pool of worker processes; at most `workers` queries run at once, each within `timeout` seconds."""

    start_method = "spawn"

    def __init__(self, workers: int = 4, timeout: float = 10.0, queue_wait: float = 5.0):
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.context = mp.get_context(self.start_method)
        # the worker used last goes first: its caches (CPU, store) are warm, the others stay idle
        self.idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        self.lock = threading.Lock()
        self.workers = [self.spawn() for _ in range(workers)]
        for worker in self.workers:
            self.idle.put(worker)
        self.closed = False

    def run(self, job: Job, timeout: float | None = None) -> Outcome:
        """Run a job on an idle worker; past the timeout the worker is killed and replaced."""
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        try:
            worker = self.idle.get(timeout=self.queue_wait)
        except queue.Empty:
            return Outcome("busy", message="the server is running as many queries as it allows; retry shortly")
        if worker is None:  # closed: the server is stopping
            self.idle.put(None)
            return Outcome("busy", message="the server is stopping; retry shortly")
        started = time.perf_counter()
        try:
            if not worker.wait_ready():
                raise OSError("worker did not start")
            worker.conn.send(worker.message(job))
            if worker.conn.poll(limit):
                outcome = Outcome(*worker.conn.recv())
                self.idle.put(worker)
                return outcome
        except (EOFError, OSError):  # BrokenPipeError is an OSError
            pass
        else:
            self._replace(worker)
            return Outcome("timeout", message=f"the query ran longer than the limit of {limit:g} s and was stopped",
                           elapsed=time.perf_counter() - started)
        self._replace(worker)
        return Outcome("error", message="the query engine failed on this query; it has been restarted")

    def spawn(self) -> Worker:
        """A new worker process of this pool."""
        return Worker(self.context)

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        fresh = self._successor(worker)
        if fresh is not None:
            self.idle.put(fresh)

    def _successor(self, worker: Worker) -> Worker | None:
        """A new worker in the place of a stopped one; None once the pool is closed."""
        if self.closed:
            return None
        fresh = self.spawn()
        with self.lock:
            self.workers = [fresh if w is worker else w for w in self.workers]
        return fresh

    def close(self, grace: float = 1.0) -> None:
        """Ask every worker to stop; those still busy after `grace` seconds in all (a query running) are killed,
        so that the server stops within a few seconds whatever it is doing. Closing twice does nothing more."""
        if self.closed:
            return
        self.closed = True
        with self.lock:
            workers = list(self.workers)
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + grace
        for worker in workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill()
        self.idle.put(None)  # whoever waits for a worker now is told the server is stopping
