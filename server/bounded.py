"""Every page made in a pool of worker processes within a time bound: past it, a 503 and the worker killed."""
from __future__ import annotations

import io
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

from werkzeug.http import HTTP_STATUS_CODES

from kgpub.config import Config
from kgpub.server.engine import Outcome, QueryEngine, Worker

# What of a request a page needs; the rest of the environ (sockets, file objects) stays in this process.
FORWARDED = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
             "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "wsgi.url_scheme")
# Answered in the server process itself: files read as they are sent, and answers that need no look-up.
IN_PROCESS_PATHS = ("/robots.txt", "/-/versions", "/-/versions.json", "/favicon.ico")
IN_PROCESS_PREFIXES = ("/static/",)
# What the fork server imports once for every page worker it forks.
PRELOAD = ["kgpub.server.app", "kgpub.server.bounded", "kgpub.server.remote", "rdflib",
           "rdflib.plugins.serializers.jsonld", "rdflib.plugins.parsers.ntriples"]
# Pages give way to queries on a busy machine: a heavy page waits for the CPU rather than a researcher's lookup.
PAGE_NICENESS = 2
# A page is a reply of this shape: (status line, headers, body)
Reply = tuple[str, list[tuple[str, str]], bytes]


def answered_in_process(environ: dict) -> bool:
    """Whether the server process answers this request itself: a SPARQL query (the query engine bounds it), a dump
    download (a file streamed as it is read, however long the transfer takes) or a fixed file; else a page worker."""
    path = environ.get("PATH_INFO", "")
    if path == "/sparql":
        if environ.get("REQUEST_METHOD") != "GET":
            return True
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return "query" in params or "update" in params
    if path.startswith("/dumps/") and len(path) > len("/dumps/"):
        return True
    return path in IN_PROCESS_PATHS or path.startswith(IN_PROCESS_PREFIXES)


def request_of(environ: dict, max_body: int) -> dict:
    """The request as plain values a worker process can be sent: CGI variables, HTTP headers, body."""
    fields = {k: v for k, v in environ.items() if k in FORWARDED or k.startswith("HTTP_")}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # over the limit the page's application answers 413 from CONTENT_LENGTH: no need to carry all of it
    fields["body"] = environ["wsgi.input"].read(min(length, max_body + 1)) if length > 0 else b""
    return fields


def environ_of(request: dict) -> dict:
    """A WSGI environ made from a request sent by the server process."""
    environ = {k: v for k, v in request.items() if k != "body"}
    environ.update({"wsgi.input": io.BytesIO(request["body"]), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
                    "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False})
    return environ


def call(app, request: dict) -> Reply:
    """The application's whole answer to one request."""
    started: list = []

    def start_response(status, headers, exc_info=None):
        started[:] = [status, headers]

    chunks = app(environ_of(request), start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return started[0], list(started[1]), body


def source_spec(source) -> tuple:
    """How a worker process opens the same source of builds as the server's (a picklable description)."""
    from kgpub.server.remote import RemoteSource
    from kgpub.server.source import BuildSource, FixedSource
    if isinstance(source, BuildSource):
        return ("build", str(source.build_dir))
    if isinstance(source, FixedSource):
        return ("fixed", str(source.build.path), source.build.manifest)
    if isinstance(source, RemoteSource):
        return ("remote", source_spec(source.local), source.store, source.refresh)
    raise TypeError(f"no worker can open a source of type {type(source).__name__}")


def open_source(spec: tuple):
    """The source a spec describes, opened read-only in this process."""
    from kgpub.builds import Build
    from kgpub.server.remote import RemoteSource
    from kgpub.server.source import BuildSource, FixedSource
    if spec[0] == "build":
        return BuildSource(Path(spec[1]))
    if spec[0] == "fixed":
        return FixedSource(Build(Path(spec[1]), spec[2]))
    return RemoteSource(open_source(spec[1]), spec[2], spec[3])


class NoQueries:
    """The query engine of a page worker: /sparql queries are the server process's (answered_in_process)."""

    def run(self, job, timeout: float | None = None) -> Outcome:
        return Outcome("error", message="queries are answered by the server process")

    def close(self) -> None:
        pass


def page_worker(conn, config: Config, spec: tuple) -> None:
    """A page worker process: the site's application over its own read-only store; one request at a time."""
    from kgpub.server.app import create_app
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server stops us
    os.nice(PAGE_NICENESS)
    source = open_source(spec)
    app = create_app(config, source, NoQueries())
    try:
        source.get()  # the store opened before the first request counts
        import rdflib.plugins.serializers.jsonld  # noqa: F401  (the pages' JSON-LD: imported once, not per page)
    except Exception:  # no build yet: each page will say so
        pass
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        conn.send(call(app.wsgi_app, request))


class PagePool(QueryEngine):
    """Page workers; a page not made within `timeout` seconds (waiting for a free worker included) is a 503 and
    its worker is killed, so no computation outlives the answer.

    Workers are forked from a server process that has imported the site once: a killed worker is replaced in
    milliseconds, not in the seconds a fresh interpreter takes to import it, which a busy machine cannot spare."""

    start_method = "forkserver"

    def __init__(self, config: Config, spec: tuple, workers: int, timeout: float):
        self.config = config
        self.spec = spec
        mp.get_context(self.start_method).set_forkserver_preload(PRELOAD)
        super().__init__(workers, timeout, queue_wait=timeout, memory_mb=0)  # pages read the store on disk

    def spawn(self) -> Worker:
        return Worker.spawn(self.context, page_worker, (self.config, self.spec))

    def _replace(self, worker: Worker) -> None:
        """Stop the worker's page now; reap it and start its successor without keeping the client waiting."""
        worker.process.kill()
        threading.Thread(target=self._renew, args=(worker,), daemon=True).start()

    def _renew(self, worker: Worker) -> None:
        """Reap a stopped worker and put a started successor into the pool (only once it is ready)."""
        worker.kill()
        fresh = self._successor(worker)
        if fresh is not None:
            fresh.wait_ready()
            self.idle.put(fresh)

    def reply(self, request: dict) -> Reply | str:
        """The page, or 'busy' (no worker free in time) or 'timeout' (the page was stopped)."""
        deadline = time.monotonic() + self.timeout
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            return "busy"
        if worker is None:  # closed: the server is stopping
            self.idle.put(None)
            return "busy"
        try:
            if not worker.wait_ready(max(0.0, deadline - time.monotonic())):
                self.idle.put(worker)  # still starting: it stays in the pool
                return "busy"
            worker.conn.send(request)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.conn.recv()
                self.idle.put(worker)
                return reply
        except (EOFError, OSError):
            self._replace(worker)
            return "busy"
        self._replace(worker)
        return "timeout"


class BoundedSite:
    """WSGI middleware: pages go to the page workers and come back within the bound, or a 503 says why; queries,
    downloads and fixed files are answered by the application of this process."""

    def __init__(self, wsgi_app, pool: PagePool, headers: list[tuple[str, str]], max_body: int):
        self.wsgi_app = wsgi_app
        self.pool = pool
        self.headers = headers
        self.max_body = max_body

    def __call__(self, environ: dict, start_response):
        if answered_in_process(environ):
            return self.wsgi_app(environ, start_response)
        reply = self.pool.reply(request_of(environ, self.max_body))
        if reply == "timeout":
            reply = self.refusal(503, f"this page took longer than the limit of {self.pool.timeout:g} s to make "
                                      "and was stopped; try again later, or get the data from /dumps/ or a "
                                      "SPARQL query at /sparql", retry_after=30)
        elif reply == "busy":
            reply = self.refusal(503, "the server is making as many pages as it can at once; retry shortly",
                                 retry_after=2)
        status, headers, body = reply
        start_response(status, headers)
        return [body]

    def refusal(self, status: int, message: str, retry_after: int) -> Reply:
        body = (message + "\n").encode("utf-8")
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                   ("Retry-After", str(retry_after)), *self.headers]
        return f"{status} {HTTP_STATUS_CODES[status].upper()}", headers, body
