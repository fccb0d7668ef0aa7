"""The hot path of /sparql: a plain GET query answered in plain WSGI, anything else handed on to Flask."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_current_url

from kgpub.server.guard import check_service, is_update, Refused
from kgpub.server.sparql import Answer, chosen_types, etag_for, make_job, outcome_answer, plain_answer, wants_page


def common_headers(security: dict[str, str]) -> list[tuple[str, str]]:
    """The headers the Flask app adds to every answer that is not HTML (see app.headers)."""
    return [("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "ETag, Last-Modified, X-SPARQL-Truncated, X-Build, Warning"),
            *security.items()]


class SparqlFastPath:
    """WSGI middleware: the common case of the protocol (GET /sparql?query=..., no conditional request, not
    a browser, no refusal) runs without Flask's request and response objects; every other request, including
    every error the query can be judged by before it runs, is Flask's, so each behaviour has one implementation.
    Errors found by running the query are answered here with the same statuses, bodies and headers."""

    def __init__(self, flask_app, wsgi_app, security: dict[str, str], logger: logging.Logger):
        self.wsgi_app = wsgi_app
        self.config = flask_app.config["KGPUB"]
        self.extensions = flask_app.extensions
        self.headers = common_headers(security)
        self.logger = logger
        self.base_urls: dict[tuple, str] = {}
        self.negotiated: dict[str | None, tuple[str | None, str | None]] = {}
        self.modified: tuple[str, str] = ("", "")  # (build id, its Last-Modified)

    def types(self, params: dict[str, list[str]], accept: str | None) -> tuple[str | None, str | None]:
        """chosen_types, remembered per Accept header: clients send the same few again and again."""
        if "format" in params or "output" in params:
            return chosen_types(params, accept)
        types = self.negotiated.get(accept)
        if types is None:
            if len(self.negotiated) > 256:  # the header is the client's: keep the memory bounded
                self.negotiated.clear()
            types = self.negotiated[accept] = chosen_types(params, accept)
        return types

    def last_modified(self, build) -> str:
        build_id, value = self.modified
        if build_id != build.build_id:
            value = self.extensions["kgpub_last_modified"](build)
            self.modified = (build.build_id, value)
        return value

    def base_url(self, environ: dict) -> str:
        """The URL of /sparql as the client named it (the base IRI of its query), as Flask's request.base_url."""
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
               environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME"))
        url = self.base_urls.get(key)
        if url is None:
            if len(self.base_urls) > 64:  # the Host header is the client's: keep the memory bounded
                self.base_urls.clear()
            url = self.base_urls[key] = get_current_url(environ, strip_querystring=True)
        return url

    def __call__(self, environ: dict, start_response):
        if (environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") != "GET"
                or "HTTP_IF_NONE_MATCH" in environ):
            return self.wsgi_app(environ, start_response)
        try:
            answer = self.answer(environ)
        except Exception:  # the same answer as Flask's handler of the unexpected gives
            self.logger.exception("unexpected error")
            answer = (*plain_answer(503, "the server could not answer this request; it has been logged. Try "
                                         "again, or report the URL to the publisher"), None)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, content_type, extra, body, build_id = answer
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra.items()]
        headers += self.headers
        if build_id and "X-Build" not in extra:
            headers.append(("X-Build", build_id))
        start_response(f"{status} {HTTP_STATUS_CODES[status].upper()}", headers)
        return [body]

    def answer(self, environ: dict) -> tuple | None:
        """(status, content type, headers, body, build id) of a plain query; None for Flask to answer."""
        params = parse_qs(environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8", "replace"),
                          keep_blank_values=True)
        queries = params.get("query", [])
        if "update" in params or len(queries) != 1 or not queries[0].strip():
            return None
        query = queries[0]
        accept = environ.get("HTTP_ACCEPT")
        types = self.types(params, accept)
        if types == (None, None) or wants_page(params, "GET", accept or "") or is_update(query):
            return None
        try:
            check_service(query, self.config.service_allowlist)
        except Refused:
            return None
        try:
            build, _store = self.extensions["kgpub_source"].get()
        except Exception:  # no build in service: Flask's handlers say so
            return None
        job = make_job(build, query, types, params, self.config.max_rows,
                       self.base_url(environ), self.extensions["kgpub_prefix_pairs"])
        etag = etag_for(build.build_id, query, f"{types[0]}|{types[1]}", params)
        outcome = self.extensions["kgpub_engine"].run(job)
        answer: Answer = outcome_answer(outcome, build, etag, self.config, self.last_modified(build), self.logger)
        return (*answer, build.build_id)
