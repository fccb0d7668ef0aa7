"""Running SPARQL queries in a pool of worker processes, so a query past its time limit is really stopped."""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from kgpub.server.memcopy import MemoryCopy, private_bytes
from kgpub.server.querytext import explain_syntax_error, in_query_order, star_variables
from kgpub.server.results import SELECT_FORMATS, boolean_bytes, graph_bytes, json_head_in_order, select_bytes

DEFAULT_MEMORY_MB = 4096  # kgpub.config's query_memory_mb, for engines made without a config
MEMORY_CHECK_SECONDS = 5.0  # how often the workers' private memory is read (the kernel walks their page tables:
                            # milliseconds for a worker of a million triples)


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


def worker_main(conn, pinned: dict[str, ox.Store] | None = None) -> None:
    """A worker process: run jobs, send outcomes back. Stores in `pinned` (an in-memory copy the worker was
    forked with) answer the jobs naming their path; any other store is opened read-only from disk as jobs name it."""
    pinned = pinned or {}
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
            store = pinned.get(job.store_path) or stores.get(job.store_path)
            if store is None:
                stores.clear()  # a new build: let the old one go
                store = stores[job.store_path] = ox.Store.read_only(job.store_path)
            outcome = execute(store, job)
        except Exception as err:  # reported to the client as an engine error, never a traceback
            outcome = Outcome("error", message=f"{type(err).__name__}: {err}")
        conn.send(tuple(vars(outcome).values()))  # a plain tuple pickles in less time than the dataclass


class Worker:
    """One worker process and the pipe to it: spawned (querying stores on disk) or forked by an in-memory copy."""

    def __init__(self, conn, pid: int, process=None, origin: MemoryCopy | None = None):
        self.conn = conn
        self.pid = pid
        self.process = process           # the multiprocessing.Process of a spawned worker; None if forked
        self.origin = origin             # the in-memory copy it was forked from, if any
        self.ready = False
        self.prefixes: tuple | None = None  # the prefixes last sent: constant, so sent once, not with every job
        self.over_limit = False          # its private memory outgrew its share: replaced after its current job

    @classmethod
    def spawn(cls, context, target=worker_main, args: tuple = ()) -> Worker:
        """A new process running `target(conn, *args)`."""
        conn, child = context.Pipe()
        process = context.Process(target=target, args=(child, *args), daemon=True)
        process.start()
        child.close()
        return cls(conn, process.pid, process)

    @classmethod
    def forked(cls, copy: MemoryCopy) -> Worker:
        pid, conn = copy.fork()
        return cls(conn, pid, origin=copy)

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
        if self.process is not None:
            self.process.kill()
            self.process.join(timeout=5)
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)  # its parent, the copy's process, reaps it
            except ProcessLookupError:
                pass
        self.conn.close()

    def stop(self) -> None:
        """Ask an idle worker to end; a spawned one is waited for (and killed if it lingers) in the background,
        so that the request that released it is not held up."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        if self.process is not None:
            threading.Thread(target=self._reap, daemon=True).start()
        else:
            self.conn.close()

    def _reap(self) -> None:
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


class QueryEngine:
    """A fixed pool of worker processes; at most `workers` queries run at once, each within `timeout` seconds.

    The workers start on the on-disk store (the server answers at once); meanwhile one process loads the build
    in service into memory and, once loaded, forks the workers that replace them, sharing its pages. A new build
    is loaded when queries first name it; until then they run on disk.

    `memory_mb` bounds the query processes together: the copy may take at most half of it (else queries stay on
    disk), and each worker a share of the rest. Reading the copy makes a worker copy pages of it for itself
    (pyoxigraph's reads update reference counts and locks inside it), so a worker whose private memory outgrows
    its share is replaced, after its current query, by a fresh fork: milliseconds, nothing reloaded."""

    start_method = "spawn"

    def __init__(self, workers: int = 4, timeout: float = 10.0, queue_wait: float = 5.0,
                 memory_mb: int = DEFAULT_MEMORY_MB):
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.budget_bytes = memory_mb * 2**20
        self.context = mp.get_context(self.start_method)
        # the worker used last goes first: its caches (CPU, store) are warm, the others stay idle
        self.idle: queue.LifoQueue[Worker | None] = queue.LifoQueue()
        self.lock = threading.Lock()
        self.workers = [self.spawn() for _ in range(workers)]
        for worker in self.workers:
            self.idle.put(worker)
        self.copy: MemoryCopy | None = None       # the loaded copy new workers are forked from
        self.loading: MemoryCopy | None = None    # the copy of the newest build, while it loads
        self.newest = ""                          # the store path of the newest build queries named
        self.seen: set[str] = set()               # store paths already loaded (or tried): never loaded again
        self.worker_limit = 0                     # private bytes a forked worker may hold
        self.closed = False
        if self.budget_bytes > 0:
            threading.Thread(target=self._watch_memory, daemon=True).start()

    def run(self, job: Job, timeout: float | None = None) -> Outcome:
        """Run a job on an idle worker; past the timeout the worker is killed and replaced."""
        if job.store_path != self.newest:
            self._follow(job.store_path)
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
                self._release(worker)
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
        """A new worker process of this pool, started on the on-disk store."""
        return Worker.spawn(self.context)

    def _successor(self, worker: Worker) -> Worker | None:
        """A new worker in the place of a stopped one; None once the pool is closed."""
        if self.closed:
            return None
        return self._renamed(worker, self._fresh())

    def _follow(self, store_path: str) -> None:
        """Load a build queries name for the first time, unless an older one: a request pinned to the build
        before a switch must not bring it back into memory."""
        with self.lock:
            if store_path in self.seen or self.closed:
                return
            self.seen.add(store_path)
            self.newest = store_path
            if self.budget_bytes <= 0:
                print("queries run on the on-disk store (query_memory_mb is 0)", file=sys.stderr, flush=True)
                return
            if self.loading is not None:
                self.loading.close()  # a newer build came before the last one was loaded
            self.loading = MemoryCopy(self.context, store_path, self.budget_bytes, self._loaded)

    def _loaded(self, copy: MemoryCopy) -> None:
        """Called when a copy has loaded (or failed): switch the idle workers to it, retire the old copy."""
        with self.lock:
            if copy is not self.loading or self.closed:
                return
            self.loading = None
            if not copy.loaded:
                print(f"queries run on the on-disk store: no in-memory copy of {copy.store_path} "
                      f"({copy.report})", file=sys.stderr, flush=True)
                copy.close()
                return
            old, self.copy = self.copy, copy
            self.worker_limit = max(0, self.budget_bytes - copy.bytes) // max(1, len(self.workers))
        print(f"queries run on an in-memory copy of {copy.store_path} ({copy.report}; each worker may hold "
              f"{self.worker_limit // 2**20:,} MiB of its own)", file=sys.stderr, flush=True)
        idle = []  # the idle ones now; those at work when they are done (_release)
        while True:
            try:
                idle.append(self.idle.get_nowait())
            except queue.Empty:
                break
        for worker in idle:
            self._release(worker)
        if old is not None:
            old.close()

    def _fresh(self) -> Worker:
        """A new worker: forked from the in-memory copy if there is one, else spawned on the disk store."""
        copy = self.copy
        if copy is not None and not self.closed:
            try:
                return Worker.forked(copy)
            except OSError as err:
                print(f"queries run on the on-disk store again: {err}", file=sys.stderr, flush=True)
                with self.lock:
                    if self.copy is copy:
                        self.copy = None
        return self.spawn()

    def _renamed(self, worker: Worker, fresh: Worker) -> Worker:
        """Put `fresh` in the place of `worker` in the pool's list (not yet among the idle ones)."""
        with self.lock:
            self.workers = [fresh if w is worker else w for w in self.workers]
        return fresh

    def _swap(self, worker: Worker, fresh: Worker) -> None:
        self.idle.put(self._renamed(worker, fresh))

    def _release(self, worker: Worker) -> None:
        """Back to the idle workers; one that does not share the newest copy is replaced by one that does."""
        copy = self.copy
        if copy is None or (worker.origin is copy and not worker.over_limit) or self.closed:
            self.idle.put(worker)
            return
        worker.stop()
        self._swap(worker, self._fresh())

    def _watch_memory(self) -> None:
        """Mark the forked workers whose private memory is over their share (see the class's docstring)."""
        while not self.closed:
            time.sleep(MEMORY_CHECK_SECONDS)
            copy, limit = self.copy, self.worker_limit
            if copy is None:
                continue
            for worker in list(self.workers):
                if worker.origin is copy and not worker.over_limit and private_bytes(worker.pid) > limit:
                    worker.over_limit = True

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        if self.closed:
            return
        self._swap(worker, self._fresh())

    def close(self, grace: float = 1.0) -> None:
        """Ask every worker to stop; those still busy after `grace` seconds in all (a query running) are killed,
        so that the server stops within a few seconds whatever it is doing. Closing twice does nothing more."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            workers = list(self.workers)
            copies = [c for c in (self.copy, self.loading) if c is not None]
        for worker in workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + grace
        for worker in workers:
            if worker.process is not None:
                worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
                if worker.process.is_alive():
                    worker.kill()
            else:
                worker.kill()  # forked by the copy's process, which reaps it
        for copy in copies:
            copy.close()
        self.idle.put(None)  # whoever waits for a worker now is told the server is stopping
