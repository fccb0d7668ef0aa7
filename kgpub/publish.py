"""Publishing a finished build to an external SPARQL 1.1 store: load a graph per build, then switch the stable graph.

The build's N-Triples go into a named graph of their own, <G/BUILD_ID>, through the SPARQL 1.1 Graph Store HTTP
Protocol. Only when the store holds all of them does the stable name <G> switch to it: the one triple
`<G> dcterms:hasVersion <G/BUILD_ID>` in graph <G> names the graph in service. Copying the triples under <G> instead
would not do: Virtuoso's readers see a `COPY` half done. The switch inserts the new pointer before deleting the
old, so a reader sees one or two pointers, never none, and takes the newest. Credentials come from the
environment (KGPUB_STORE_USER, KGPUB_STORE_PASSWORD) and are never printed.
"""
from __future__ import annotations

import gzip
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from kgpub.builds import Build, current_build
from kgpub.config import Config
from kgpub.ontology.vocab import DCTERMS

HAS_VERSION = str(DCTERMS.hasVersion)  # <G> dcterms:hasVersion <G/BUILD_ID>: the build graph in service

USER_ENV, PASSWORD_ENV = "KGPUB_STORE_USER", "KGPUB_STORE_PASSWORD"
CHUNK_LINES = 200_000  # one Graph Store request per this many triples keeps each request's memory bounded
VIRTUOSO_GRAPH_STORE = "sparql-graph-crud-auth"  # Virtuoso's authenticated Graph Store endpoint, beside /sparql-auth


class PublishError(Exception):
    """Publishing stopped; the stable graph in the store is as it was. The message says what to do."""


@dataclass(frozen=True)
class Target:
    """Where to publish: the store's SPARQL Update endpoint and its Graph Store Protocol endpoint."""

    update_url: str
    graph_store_url: str
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_env(cls, update_url: str, graph_store_url: str | None = None,
                 environ: dict[str, str] | None = None) -> Target:
        environ = os.environ if environ is None else environ
        for url in (update_url, graph_store_url or ""):
            if "@" in urllib.parse.urlsplit(url).netloc:  # user:password@ or user@
                raise PublishError(f"credentials in a URL are refused: set {USER_ENV} and {PASSWORD_ENV} "
                                   "in the environment instead")
        return cls(update_url, graph_store_url or urllib.parse.urljoin(update_url, VIRTUOSO_GRAPH_STORE),
                   environ.get(USER_ENV), environ.get(PASSWORD_ENV))


@dataclass(frozen=True)
class Published:
    """What a publication did: which build, into which graphs, how many triples, how long the load took."""

    build_id: str
    graph: str
    build_graph: str
    triples: int
    load_seconds: float
    dropped: tuple[str, ...] = ()


class StoreClient:
    """HTTP to the store with the environment's credentials (Basic or Digest, as the store asks)."""

    def __init__(self, target: Target, timeout: float = 600.0):
        self.target = target
        self.timeout = timeout
        handlers = []
        self.digest: urllib.request.HTTPDigestAuthHandler | None = None
        if target.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (target.update_url, target.graph_store_url):
                passwords.add_password(None, url, target.user, target.password or "")
            self.digest = urllib.request.HTTPDigestAuthHandler(passwords)
            handlers = [self.digest, urllib.request.HTTPBasicAuthHandler(passwords)]
        self.opener = urllib.request.build_opener(*handlers)
        self.challenge: dict | None = None

    def learn_challenge(self, url: str) -> None:
        """Ask once without a body for the store's Digest challenge, so that uploads carry their credentials from
        the first byte: Virtuoso closes an upload without them before reading it, and the retry never comes."""
        if self.digest is None:
            return
        try:
            urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=30).close()
        except urllib.error.HTTPError as err:
            scheme, _, params = (err.headers.get("WWW-Authenticate") or "").partition(" ")
            if err.code == 401 and scheme.lower() == "digest":
                self.challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
        except (urllib.error.URLError, OSError):
            pass  # the request that follows says the store does not answer

    def send(self, url: str, method: str, body: bytes, content_type: str, accept: str = "*/*") -> bytes:
        request = urllib.request.Request(url, data=body, method=method,
                                         headers={"Content-Type": content_type, "Accept": accept})
        if self.challenge is not None:
            answer = self.digest.get_authorization(request, self.challenge)
            if answer:
                request.add_unredirected_header("Authorization", "Digest " + answer)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            hint = (f"; check {USER_ENV} / {PASSWORD_ENV} and that this user may update the store"
                    if err.code in (401, 403) or "permission" in " ".join(detail[:1]).lower() else "")
            said = f": {detail[0]}" if detail else ""
            raise PublishError(f"{method} {url}: {err.code} {err.reason}{said}{hint}") from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            hint = (f"; if it needs a user, set {USER_ENV} and {PASSWORD_ENV}" if self.target.user is None
                    else f"; is it running, and are {USER_ENV} / {PASSWORD_ENV} right?")
            raise PublishError(f"the store at {url} does not answer ({reason}){hint}") from None

    def graph_put(self, graph: str, ntriples: bytes, replace: bool) -> None:
        """PUT (replace) or POST (add to) a graph through the Graph Store Protocol."""
        store = self.target.graph_store_url
        name = "graph-uri" if "sparql-graph-crud" in store else "graph"  # Virtuoso reads only its own name
        url = store + ("&" if "?" in store else "?") + urllib.parse.urlencode({name: graph})
        self.send(url, "PUT" if replace else "POST", ntriples, "application/n-triples")

    def update(self, text: str) -> None:
        self.send(self.target.update_url, "POST", urllib.parse.urlencode({"update": text}).encode(),
                  "application/x-www-form-urlencoded")

    def select(self, text: str) -> list[dict]:
        body = self.send(self.target.update_url, "POST", urllib.parse.urlencode({"query": text}).encode(),
                         "application/x-www-form-urlencoded", "application/sparql-results+json")
        return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(rows[0]["n"]) if rows else 0

    def graphs_under(self, prefix: str) -> list[str]:
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                           f'FILTER STRSTARTS(STR(?g), "{prefix}") }}')
        return sorted(r["g"] for r in rows)


def ntriples_of(build: Build) -> Path:
    """The build's gzipped N-Triples dump (the same triples as its store)."""
    for dump in build.manifest.get("dumps", []):
        if dump["name"].endswith(".nt.gz"):
            return build.file(dump["name"])
    raise PublishError(f"build {build.build_id} has no N-Triples dump to publish; rebuild it with `kgpub build`")


def chunks(path: Path, lines: int) -> Iterator[bytes]:
    """The dump in pieces of whole lines; a graph with blank nodes goes in one piece, so its labels stay joined."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if b"_:" in data:
        yield data
        return
    rows = data.splitlines(keepends=True)
    for start in range(0, max(len(rows), 1), lines):
        yield b"".join(rows[start:start + lines])


def check_publishable(build: Build) -> None:
    validation = build.manifest.get("validation") or {}
    if not validation.get("conforms"):
        raise PublishError(f"build {build.build_id} was not validated as conforming; only a validated build "
                           "is published (run `kgpub build`)")


def publish(config: Config, target: Target, say: Callable[[str], None] = print) -> Published:
    """Load the current build into its own graph, check it is whole, switch the stable graph to it."""
    build = current_build(config.build_dir)
    check_publishable(build)
    client = StoreClient(target)
    graph = config.published_graph
    build_graph = f"{graph}/{build.build_id}"
    expected = int(build.manifest["triples"])
    client.learn_challenge(target.graph_store_url)
    client.select("SELECT * WHERE { } LIMIT 1")  # credentials checked before any large upload
    started = time.perf_counter()
    for i, piece in enumerate(chunks(ntriples_of(build), CHUNK_LINES)):
        client.graph_put(build_graph, piece, replace=i == 0)
    loaded = client.count(build_graph)
    load_seconds = time.perf_counter() - started
    if loaded != expected:
        client.update(f"DROP SILENT GRAPH <{build_graph}>")
        raise PublishError(f"the store holds {loaded} of the build's {expected} triples after loading; the "
                           f"load was dropped and <{graph}> is unchanged")
    say(f"loaded {loaded} triples into <{build_graph}> ({load_seconds:.2f}s)")
    switch(client, graph, build_graph)
    say(f"switched <{graph}> to build {build.build_id}")
    dropped = drop_old(client, graph, build_graph, config.keep_builds)
    return Published(build.build_id, graph, build_graph, loaded, load_seconds, tuple(dropped))


def switch(client: StoreClient, graph: str, build_graph: str) -> None:
    """Point the stable name at the build graph: the new pointer first, then the others go."""
    client.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> <{HAS_VERSION}> <{build_graph}> }} }} ;\n"
                  f"DELETE {{ GRAPH <{graph}> {{ <{graph}> <{HAS_VERSION}> ?old }} }} "
                  f"WHERE {{ GRAPH <{graph}> {{ <{graph}> <{HAS_VERSION}> ?old FILTER (?old != <{build_graph}>) }} }}")
    if current_version(client, graph) != build_graph:
        raise PublishError(f"<{graph}> does not name <{build_graph}> after the switch; run `kgpub publish` again")


def current_version(client: StoreClient, graph: str) -> str | None:
    rows = client.select(f"SELECT ?v WHERE {{ GRAPH <{graph}> {{ <{graph}> <{HAS_VERSION}> ?v }} }}")
    return max((r["v"] for r in rows), default=None)


def drop_old(client: StoreClient, graph: str, build_graph: str, keep: int) -> list[str]:
    """Drop the per-build graphs beyond the newest `keep` (the one in service is always kept)."""
    builds = [g for g in client.graphs_under(graph + "/") if "/" not in g[len(graph) + 1:]]
    newest = sorted(builds, key=lambda g: g.rsplit("/", 1)[-1], reverse=True)[:max(keep, 1)]
    old = [g for g in builds if g not in newest and g != build_graph]
    for g in old:
        client.update(f"DROP SILENT GRAPH <{g}>")
    return old
