"""Queries answered by an external SPARQL 1.1 store (e.g. Virtuoso) through SPARQLWrapper, behind the embedded seams.

`RemoteStore.query` answers like `pyoxigraph.Store.query` (solutions, a boolean, or triples as pyoxigraph terms),
so the page look-ups and `server.engine.execute` work on it unchanged; `RemoteEngine.run(Job) -> Outcome` takes
the place of the worker-process pool, with the same limits and messages.
"""
from __future__ import annotations

import dataclasses
import json
import re
import socket
import threading
import time
import urllib.error
from dataclasses import dataclass

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from flask import g, has_request_context

from kgpub.ontology.vocab import DCTERMS
from kgpub.server.engine import Job, Outcome, execute
from kgpub.server.guard import blank_strings
from kgpub.server.querytext import explain_syntax_error, predeclared_for

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"  # Virtuoso writes it several times faster than JSON
N_TRIPLES = "application/n-triples"
# Virtuoso answers an ASK as a one-row table of this variable (1 or 0) instead of a boolean
VIRTUOSO_ASK = "__ASK_RETVAL"
# Virtuoso marks an answer cut short by its `timeout` parameter ("anytime query") with this SQL state
VIRTUOSO_TIMED_OUT = "S1TAT"
DATASET_CLAUSE = re.compile(r"\bFROM\b", re.I)
USER_AGENT = "kgpub (serve --store)"
HAS_VERSION = str(DCTERMS.hasVersion)  # `kgpub publish` points the stable graph at the build graph in service


class StoreUnavailable(Exception):
    """The store did not answer (refused, unreachable, or a server error not caused by the query)."""


class StoreRefused(Exception):
    """The store answered with an error of its own about this query (its message, first line)."""


class StoreTimeout(Exception):
    """The query ran past its time limit and was stopped."""


@dataclass(frozen=True)
class RemoteStore:
    """A SPARQL endpoint read as one dataset: `graph` is its default graph, `named` its named graphs."""

    endpoint: str
    graph: str
    named: tuple[str, ...] = ()
    timeout: float = 10.0
    max_rows: int | None = None  # rows asked of the store (Virtuoso's `maxrows`); the engine cuts and says so

    def limited(self, seconds: float, max_rows: int | None = None) -> RemoteStore:
        return dataclasses.replace(self, timeout=seconds, max_rows=max_rows)

    def in_service(self) -> RemoteStore:
        """This store reading the build graph the stable graph points to; the stable graph itself if none."""
        rows = self.query(f"SELECT ?v WHERE {{ GRAPH <{self.graph}> {{ <{self.graph}> <{HAS_VERSION}> ?v }} }}",
                          named_graphs=[ox.NamedNode(self.graph)])
        # two pointers only for the moment of a switch: the newest build wins
        versions = [row["v"].value for row in rows if isinstance(row["v"], ox.NamedNode)]
        return dataclasses.replace(self, graph=max(versions)) if versions else self

    def query(self, text: str, default_graph: list | None = None, named_graphs: list | None = None,
              use_default_graph_as_union: bool = False, base_iri: str | None = None,
              prefixes: dict[str, str] | None = None):
        """Like pyoxigraph's Store.query: QuerySolutions, QueryBoolean or a list of Triples; `prefixes` are
        declared for the query (the store is sent PREFIX lines for those it uses, before its first line).

        Raises SyntaxError for a query the store rejects, StoreTimeout past the limit, StoreUnavailable."""
        wrapper = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setOnlyConneg(True)  # no format=/output= parameters: the Accept header alone says what we want
        wrapper.setTimeout(self.timeout + 5)  # a backstop: the store is asked to stop at the limit itself
        declared = predeclared_for(text, prefixes or {})
        # on the query's first line, so that the store's line numbers stay right
        wrapper.setQuery(f"BASE <{base_iri}> {declared}{text}" if base_iri else declared + text)
        form = wrapper.queryType
        accept = {"CONSTRUCT": N_TRIPLES, "DESCRIBE": N_TRIPLES, "ASK": RESULTS_JSON}.get(form, RESULTS_XML)
        wrapper.addCustomHttpHeader("Accept", accept)
        wrapper.addParameter("timeout", str(int(self.timeout * 1000)))  # Virtuoso's limit, in milliseconds
        if self.max_rows is not None:
            wrapper.addParameter("maxrows", str(self.max_rows))
        for name, graphs in self.dataset(text, default_graph, named_graphs, use_default_graph_as_union).items():
            for graph in graphs:
                wrapper.addParameter(name, graph)
        try:
            body = self.send(wrapper)
        except SyntaxError as err:
            raise SyntaxError(parser_message(text, base_iri, prefixes) or str(err)) from None
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                return [ox.Triple(q.subject, q.predicate, q.object)
                        for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            if form == "ASK":
                return as_boolean(body)
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
        except (SyntaxError, ValueError) as err:  # not the client's query at fault: the answer is unreadable
            raise StoreRefused(f"the SPARQL store's answer could not be read: {err}") from None

    def dataset(self, text: str, default_graph, named_graphs, union: bool) -> dict[str, list[str]]:
        """The protocol's dataset parameters: the client's, else the query's own FROM, else this store's graphs."""
        if default_graph or named_graphs:
            return {"default-graph-uri": [term_value(g) for g in default_graph or []],
                    "named-graph-uri": [term_value(g) for g in named_graphs or []]}
        if DATASET_CLAUSE.search(blank_strings(text)):
            return {}
        # named graphs are always listed: left open, the store would offer every graph it holds, its own too
        named = list(self.named) or [self.graph]
        return {"default-graph-uri": [self.graph, *named] if union else [self.graph], "named-graph-uri": named}

    def send(self, wrapper: SPARQLWrapper) -> bytes:
        try:
            response = wrapper.query().response
            body = response.read()
        except QueryBadFormed as err:
            raise SyntaxError(store_message(err)) from None
        except (socket.timeout, TimeoutError) as err:
            raise StoreTimeout(str(err)) from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise StoreTimeout(str(err)) from None
            raise StoreUnavailable(f"the SPARQL store at {self.endpoint} does not answer ({err.reason})") from None
        except SPARQLWrapperException as err:  # 401, 404, 414, 500...: the store's own words about this query
            raise StoreRefused(f"the SPARQL store failed on this query: {store_message(err)}") from None
        except OSError as err:
            raise StoreUnavailable(f"the SPARQL store at {self.endpoint} does not answer ({err})") from None
        if response.headers.get("X-SQL-State") == VIRTUOSO_TIMED_OUT:
            raise StoreTimeout(response.headers.get("X-SQL-Message", "timed out"))
        return body


def parser_message(text: str, base_iri: str | None, prefixes: dict[str, str] | None = None) -> str | None:
    """The embedded parser's message (with line and column, explained) if it rejects the query, else None; the
    query runs on an empty in-memory store, so it costs next to nothing."""
    try:
        ox.Store().query(text, base_iri=base_iri, prefixes=prefixes or None)
    except SyntaxError as err:
        return explain_syntax_error(text, str(err), prefixes or {})
    except Exception:  # evaluation on nothing may still fail; the store's own message stands
        return None
    return None


def term_value(graph) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)


def store_message(err: Exception) -> str:
    """The store's own first line of explanation, without SPARQLWrapper's preamble or the echoed query."""
    text = str(err)
    if "Response:" in text:
        text = text.split("Response:", 1)[1].strip()
        if text.startswith(("b'", 'b"')):
            text = text[2:-1].encode("latin-1", "replace").decode("unicode_escape", "replace")
    return text.strip().splitlines()[0] if text.strip() else type(err).__name__


def as_boolean(body: bytes) -> ox.QueryBoolean:
    """An ASK answer in SPARQL JSON as pyoxigraph's boolean; Virtuoso's table-shaped answer too."""
    data = json.loads(body)
    if "boolean" not in data:
        rows = data.get("results", {}).get("bindings", [])
        value = bool(rows) and rows[0].get(VIRTUOSO_ASK, {}).get("value") not in (None, "0", "false")
        body = json.dumps({"head": {}, "boolean": value}).encode()
    return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)


class RemoteEngine:
    """Runs /sparql jobs on the remote store: at most `workers` at once, each within `timeout` seconds."""

    def __init__(self, source: RemoteSource, workers: int = 4, timeout: float = 10.0, queue_wait: float = 5.0):
        self.source = source
        self.timeout = timeout
        self.queue_wait = queue_wait
        self.slots = threading.BoundedSemaphore(workers)

    def run(self, job: Job, timeout: float | None = None) -> Outcome:
        """Run one job; its outcome says the same as the embedded engine's would."""
        limit = self.timeout if timeout is None else min(timeout, self.timeout)
        if not self.slots.acquire(timeout=self.queue_wait):
            return Outcome("busy", message="the server is running as many queries as it allows; retry shortly")
        started = time.perf_counter()
        try:
            # only standard SPARQL reaches the store: its own pragmas (Virtuoso's DEFINE) could read other graphs
            # or fetch URLs; and a malformed query gets the embedded parser's message, with line and column
            message = parser_message(job.query, job.base_iri, dict(job.prefixes))
            if message:
                return Outcome("syntax", message=message)
            _, store = self.source.get()  # the graph pinned for this request
            # one row more than shown, so that the engine can tell the client the results were cut
            return execute(store.limited(limit, job.max_rows + 1), job)
        except StoreTimeout:
            return Outcome("timeout", message=f"the query ran longer than the limit of {limit:g} s and was stopped",
                           elapsed=time.perf_counter() - started)
        except StoreUnavailable as err:
            return Outcome("busy", message=str(err) + "; retry shortly")
        except StoreRefused as err:
            return Outcome("error", message=str(err))
        except (ValueError, SyntaxError) as err:  # rows of an answer pyoxigraph cannot read back
            return Outcome("error", message=f"the SPARQL store's answer could not be read: {err}")
        finally:
            self.slots.release()

    def close(self) -> None:
        """Nothing to stop: the store runs on its own."""


class RemoteSource:
    """The local build (manifest, dumps) paired with the remote store, reading the build graph in service.

    Which graph is in service is asked at most once every `refresh` seconds, and pinned for the whole of one
    request, so that no page mixes two builds."""

    def __init__(self, local, store: RemoteStore, refresh: float = 1.0):
        self.local = local
        self.store = store
        self.refresh = refresh
        self.lock = threading.Lock()
        self._pinned: tuple[float, RemoteStore] | None = None

    def get(self) -> tuple:
        build, _ = self.local.get()
        if not has_request_context():
            return build, self.current()
        if "kgpub_remote" not in g:
            g.kgpub_remote = self.current()
        return build, g.kgpub_remote

    def current(self) -> RemoteStore:
        pinned = self._pinned
        if pinned is not None and time.monotonic() - pinned[0] < self.refresh:
            return pinned[1]
        with self.lock:
            try:
                store = self.store.in_service()
            except (StoreUnavailable, StoreRefused, StoreTimeout, SyntaxError):
                # the queries themselves will say the store does not answer; until then keep the last graph
                return pinned[1] if pinned else self.store
            self._pinned = (time.monotonic(), store)
            return store
