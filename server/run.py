"""Serving the site with waitress, a production WSGI server; prints the URL and stops cleanly."""
from __future__ import annotations

import shutil
import signal
import sys
from pathlib import Path

from waitress.server import create_server

from kgpub.config import Config
from kgpub.server.app import SECURITY_HEADERS, create_app
from kgpub.server.bounded import BoundedSite, PagePool, source_spec
from kgpub.server.engine import QueryEngine
from kgpub.server.fastpath import common_headers
from kgpub.server.source import BuildSource, load_data_files


def remote_source(config: Config, local, local_store, store_url: str):
    """The local build's pages and dumps, with queries sent to an external SPARQL store (`serve --store`)."""
    from kgpub.server.remote import RemoteEngine, RemoteSource, RemoteStore
    named = tuple(g.value for g in local_store.named_graphs())  # `serve --data` TriG/N-Quads keep their graphs
    remote = RemoteSource(local, RemoteStore(store_url, config.published_graph, named, config.query_timeout))
    return remote, RemoteEngine(remote, config.max_concurrent_queries, config.query_timeout)


def serve(config: Config, data_files: list[Path] | None = None, store_url: str | None = None) -> int:
    """Serve the current build (or the given RDF files) until interrupted; queries go to `store_url` if given."""
    data_source = load_data_files(data_files, config.base_iri) if data_files else None
    source = data_source or BuildSource(config.build_dir)
    _, local_store = source.get()
    if store_url:
        source, engine = remote_source(config, source, local_store, store_url)
    else:
        engine = QueryEngine(config.max_concurrent_queries, config.query_timeout,
                             memory_mb=config.query_memory_mb)
    app = create_app(config, source, engine)
    pages = PagePool(config, source_spec(source), config.page_workers, config.request_timeout)
    app.wsgi_app = BoundedSite(app.wsgi_app, pages, common_headers(SECURITY_HEADERS), config.max_body_bytes)
    # waitress only guards against huge bodies; the application enforces max_body_bytes with a 413 that says why
    server = create_server(app, host=config.host, port=config.port, threads=config.threads,
                           max_request_body_size=4 * config.max_body_bytes + 65536, ident="kgpub")
    port = server.effective_port
    print(f"Serving {config.title!r} at http://{config.host}:{port}/  (SPARQL endpoint: "
          f"http://{config.host}:{port}/sparql)", flush=True)
    if store_url:
        graph = source.current().graph
        print(f"Queries are answered by the SPARQL store {store_url}, graph <{graph}>", flush=True)
        build_id = source.local.get()[0].build_id
        if not graph.endswith("/" + build_id) and not data_files:
            print(f"warning: the store's graph in service is not that of build {build_id}, which the pages' "
                  "dumps and metadata describe; run `kgpub publish` to publish it", file=sys.stderr, flush=True)

    def stop_processes() -> None:
        # first of all: a thread waiting for a page or a query is then answered at once, so that waitress, which
        # waits up to 5 s for its threads when it stops, stops within a second or two whatever was being made
        pages.close(grace=0)  # pages keep nothing: stopped at once
        engine.close()

    def stop(signum, frame):
        stop_processes()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        stop_processes()
        server.close()
        if data_files:  # the temporary store of the files, made again at the next start
            shutil.rmtree(data_source.build.path, ignore_errors=True)
    print("stopped", file=sys.stderr)
    return 0
