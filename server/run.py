"""Serving the site with waitress, a production WSGI server; prints the URL and stops cleanly."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

from waitress.server import create_server

from kgpub.config import Config
from server.app import create_app
from server.engine import QueryEngine
from server.source import BuildSource, load_data_files


def serve(config: Config, data_files: list[Path] | None = None) -> int:
    """Serve the current build (or the given RDF files) until interrupted."""
    source = load_data_files(data_files, config.base_iri) if data_files else BuildSource(config.build_dir)
    source.get()
    engine = QueryEngine(config.max_concurrent_queries, config.query_timeout)
    app = create_app(config, source, engine)
    # waitress only guards against huge bodies; the application enforces max_body_bytes with a 413 that says why
    server = create_server(app, host=config.host, port=config.port, threads=config.threads,
                           max_request_body_size=4 * config.max_body_bytes + 65536, ident="kgpub")
    port = server.effective_port
    print(f"Serving {config.title!r} at http://{config.host}:{port}/  (SPARQL endpoint: "
          f"http://{config.host}:{port}/sparql)", flush=True)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        engine.close()
    print("stopped", file=sys.stderr)
    return 0
