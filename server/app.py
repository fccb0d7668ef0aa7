"""The Flask application factory: one build source, one query engine, the blueprints, headers and errors."""
from __future__ import annotations

from email.utils import format_datetime
from datetime import datetime

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from kgpub.builds import NoBuildError
from kgpub.config import Config
from kgpub.ontology.vocab import PREFIXES
from kgpub.server import crawlers, dumps, pages, pictures, reconcile, search, sparql
from kgpub.server.engine import QueryEngine
from kgpub.server.fastpath import SparqlFastPath

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def last_modified(build) -> str:
    return format_datetime(datetime.fromisoformat(build.manifest["created"]), usegmt=True)


def create_app(config: Config, source, engine: QueryEngine | None = None) -> Flask:
    """A site over one build source (BuildSource or FixedSource); the engine runs the /sparql queries."""
    app = Flask(__name__)
    app.config["KGPUB"] = config
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False
    engine = engine or QueryEngine(config.max_concurrent_queries, config.query_timeout)
    app.extensions["kgpub_source"] = source
    app.extensions["kgpub_engine"] = engine
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    app.extensions["kgpub_prefixes"] = prefixes
    # one tuple for every job, so that the engine can tell it has already given it to a worker
    app.extensions["kgpub_prefix_pairs"] = tuple(sorted(prefixes.items()))
    app.extensions["kgpub_last_modified"] = last_modified

    def page_context() -> dict:
        build, _ = source.get()
        return {"site_title": build.manifest.get("title") or config.title, "manifest": build.manifest,
                "base_iri": build.manifest["base_iri"]}

    app.extensions["kgpub_page_context"] = page_context

    @app.template_filter("local")
    def local(iri: str) -> str:
        """An IRI of this dataset as a link on this site; other web IRIs unchanged; an IRI of any other scheme
        (javascript:, data:, file:, ...) from the graph is never made a link target."""
        base = source.get()[0].manifest["base_iri"]
        if iri.startswith(base):
            return "/" + iri[len(base):]
        return iri if iri.lower().startswith(("http://", "https://", "mailto:")) else "#"

    @app.template_filter("short")
    def short(iri: str) -> str:
        for prefix, namespace in prefixes.items():
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    app.register_blueprint(sparql.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(reconcile.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(pictures.bp)
    app.register_blueprint(crawlers.bp)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, X-SPARQL-Truncated, X-Build, Warning"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", "Content-Type, Accept")
            response.headers["Access-Control-Max-Age"] = "86400"
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if "frame-ancestors *" in response.headers.get("Content-Security-Policy", ""):
            del response.headers["X-Frame-Options"]  # the one page other sites may frame (a preview card)
        try:  # the build this answer came from (pinned for the request), so a client can tell old from new
            response.headers.setdefault("X-Build", source.get()[0].build_id)
        except (NoBuildError, OSError):  # the build folder was emptied under the server: the answer stands
            pass
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CSP)
        return crawlers.add_dump_links(response)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        messages = {404: "not found: no resource, page or dump at this address; start from / or query /sparql",
                    405: "method not allowed here", 413: f"request body over {config.max_body_bytes} bytes; "
                    "send a shorter query"}
        # a view's own description (abort(404, "...")) says more than the general message of its status
        own = err.description if err.description != type(err).description else None
        text = own or messages.get(err.code, err.description or err.name)
        return Response(text + "\n", status=err.code, mimetype="text/plain")

    @app.errorhandler(UnicodeDecodeError)
    def not_utf8(err: UnicodeDecodeError) -> Response:
        # a query string or form that is not UTF-8 fails when a view first reads it: the client's error
        return Response("the request is not valid UTF-8: encode the URL's parameters and the body as UTF-8\n",
                        status=400, mimetype="text/plain")

    @app.errorhandler(Exception)
    def unexpected(err: Exception) -> Response:
        app.logger.exception("unexpected error")
        return Response("the server could not answer this request; it has been logged. Try again, or report "
                        "the URL to the publisher\n", status=503, mimetype="text/plain")

    if isinstance(engine, QueryEngine):  # queries sent to an external store keep to the Flask view
        app.wsgi_app = SparqlFastPath(app, app.wsgi_app, SECURITY_HEADERS, app.logger)
    return app
