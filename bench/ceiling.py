"""The ceiling of the benchmark: a bare in-memory pyoxigraph store behind WSGI (no routing, no checks), on waitress."""
from __future__ import annotations

import argparse
import sys
from urllib.parse import parse_qs

import pyoxigraph as ox
from waitress.server import create_server

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


def make_app(store: ox.Store):
    """A WSGI app answering GET ?query= on any path: results as SPARQL JSON, graphs as Turtle."""

    def app(environ, start_response):
        try:
            query = parse_qs(environ.get("QUERY_STRING", ""))["query"][0]
            result = store.query(query)
        except (KeyError, SyntaxError) as err:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [str(err).encode()]
        if isinstance(result, ox.QueryTriples):
            body, media = result.serialize(format=ox.RdfFormat.TURTLE), TURTLE
        else:
            body, media = result.serialize(format=ox.QueryResultsFormat.JSON), JSON
        start_response("200 OK", [("Content-Type", media), ("Content-Length", str(len(body)))])
        return [body]

    return app


def in_memory(store_path: str) -> ox.Store:
    """The on-disk store copied into an in-memory one: what pyoxigraph answers fastest from."""
    memory = ox.Store()
    memory.bulk_extend(ox.Store.read_only(store_path))
    return memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a copy of a pyoxigraph store in memory, with nothing else.")
    parser.add_argument("store", help="folder of a pyoxigraph store (a build's store/), loaded into memory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    server = create_server(make_app(in_memory(args.store)), host=args.host, port=args.port,
                           threads=args.threads, ident="ceiling")
    print(f"Serving at http://{args.host}:{server.effective_port}/", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
