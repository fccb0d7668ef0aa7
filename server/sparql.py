"""The SPARQL 1.1 Protocol at /sparql: GET and POST queries, content negotiation, errors, service description."""
from __future__ import annotations

import hashlib
from urllib.parse import parse_qs

from flask import Blueprint, Response, current_app, render_template, request

from kgpub.server.engine import Job, Outcome
from kgpub.server.guard import Refused, check_service, is_update
from kgpub.server.negotiation import best_match
from kgpub.server.results import FORMAT_ALIASES, FORMAT_PARAMETER, GRAPH_FOR_RESULTS, GRAPH_FORMATS

bp = Blueprint("sparql", __name__)

SELECT_OFFERED = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                  "text/tab-separated-values", "application/json", "application/xml"]
GRAPH_OFFERED = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                 "text/plain"]
READ_ONLY = ("This endpoint is read-only: SPARQL Update requests (INSERT, DELETE, LOAD, CLEAR, ...) are refused. "
             "Download a dump from /dumps/ to work on a copy of the graph.")
FORMAT_NAMES = ("json", "xml", "csv", "tsv", "turtle", "n3", "nt", "rdf+xml", "json-ld")
NOT_ACCEPTABLE = ("none of the media types in Accept (or format=) can carry SPARQL results; "
                  "accept one of: " + ", ".join(SELECT_OFFERED[:4] + GRAPH_OFFERED[:4]))
# (status, content type, headers, body) of an answer, for Flask's view and the plain WSGI path alike
Answer = tuple[int, str, dict[str, str], bytes]


class ProtocolError(Exception):
    """A request the protocol does not allow; carries the HTTP status and a message a person can act on."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def plain(status: int, message: str, **headers) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain", headers=headers)


def single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"more than one '{name}' parameter; send exactly one")
    return values[0] if values else None


def read_request() -> tuple[str | None, dict[str, list[str]], bool]:
    """(query, parameters, is_update_request) from a GET or POST as the protocol defines them."""
    params = parse_qs(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if request.method == "GET":
        if "update" in params:
            return None, params, True
        return single(params.get("query", []), "query"), params, False
    content_type = (request.mimetype or "").lower()
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"unsupported charset {charset!r}: SPARQL requests are UTF-8; send the body "
                                 "encoded as UTF-8 (charset=utf-8 or no charset)")
    if content_type == "application/x-www-form-urlencoded":
        form = parse_qs(request.get_data(as_text=True), keep_blank_values=True)
        if "update" in form:
            return None, form, True
        merged = {**params, **form}
        return single(form.get("query", []), "query"), merged, False
    if content_type == "application/sparql-query":
        if "query" in params:
            raise ProtocolError(400, "a query was sent both in the body and as a 'query' parameter; send one")
        return request.get_data(as_text=True), params, False
    if content_type == "application/sparql-update":
        return None, params, True
    if not content_type:
        raise ProtocolError(400, "POST without a Content-Type: use application/sparql-query (query in the body) "
                                 "or application/x-www-form-urlencoded (query=...)")
    raise ProtocolError(415, f"unsupported media type {content_type!r}: POST a query as "
                             "application/sparql-query or application/x-www-form-urlencoded")


def format_values(params: dict[str, list[str]]) -> list[str]:
    """The values of format= and output= (SPARQLWrapper sends both, and format= twice for some formats)."""
    return params.get("format", []) + params.get("output", [])


def chosen_types(params: dict[str, list[str]], accept: str | None) -> tuple[str | None, str | None]:
    """(SELECT/ASK media type, graph media type) from format= (the first value known) or the Accept header."""
    values = format_values(params)
    if values:
        known = (FORMAT_PARAMETER.get(v.strip().lower()) for v in values)
        return next((types for types in known if types), (None, None))
    select, graph = best_match(accept, SELECT_OFFERED), best_match(accept, GRAPH_OFFERED)
    return select, graph or GRAPH_FOR_RESULTS.get(select)


def not_acceptable(params: dict[str, list[str]]) -> str:
    """Why nothing the client asked for can carry results, and what it may ask for instead."""
    if format_values(params):
        return (f"unknown format= value {format_values(params)[0]!r}; use one of " + ", ".join(FORMAT_NAMES)
                + ", or a media type such as application/sparql-results+json")
    return NOT_ACCEPTABLE


def wants_page(params: dict[str, list[str]], method: str, accept: str) -> bool:
    """Whether a query arrives from a browser following a shared link, to be shown on the query page."""
    return (not format_values(params) and method == "GET" and "text/html" in accept
            and best_match(accept, ["text/html"] + SELECT_OFFERED + GRAPH_OFFERED) == "text/html")


def etag_for(build_id: str, query: str, media: str, params: dict) -> str:
    key = "\x00".join([build_id, query, media, repr(sorted(params.items()))])
    return '"' + hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest() + '"'


def make_job(build, query: str, types: tuple[str | None, str | None], params: dict[str, list[str]],
             max_rows: int, base_iri: str, prefixes: tuple[tuple[str, str], ...]) -> Job:
    return Job(str(build.store_path), query, types[0], types[1], max_rows,
               tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])),
               base_iri=base_iri, prefixes=prefixes)


def plain_answer(status: int, message: str, **headers: str) -> Answer:
    return status, "text/plain; charset=utf-8", headers, (message.rstrip() + "\n").encode("utf-8")


def outcome_answer(outcome: Outcome, build, etag: str, config, last_modified: str, logger) -> Answer:
    """(status, content type, headers, body) of the answer to a query the engine ran."""
    if outcome.status == "syntax":
        return plain_answer(400, f"malformed query: {outcome.message}")
    if outcome.status == "unacceptable":
        kinds = SELECT_OFFERED[:4] if outcome.form in ("select", "ask") else GRAPH_OFFERED[:4]
        return plain_answer(406, f"this {outcome.form.upper()} query's results cannot be given in the requested "
                                 f"media type; accept one of: {', '.join(kinds)}")
    if outcome.status == "timeout":
        return plain_answer(503, outcome.message + "; make the query more selective (add LIMIT, bind variables)",
                            **{"Retry-After": "5"})
    if outcome.status == "busy":
        return plain_answer(503, outcome.message, **{"Retry-After": "2"})
    if outcome.status != "ok":
        logger.warning("query engine error: %s", outcome.message)
        return plain_answer(400, f"the query could not be evaluated: {outcome.message}")
    headers = {"ETag": etag, "Last-Modified": last_modified, "X-Build": build.build_id, "Vary": "Accept"}
    if outcome.truncated:
        headers["X-SPARQL-Truncated"] = f"true; max-rows={config.max_rows}"
        headers["Warning"] = f'199 - "results truncated to the first {config.max_rows} rows"'
    mimetype = outcome.media_type
    charset = "" if mimetype in ("application/sparql-results+json",) else "; charset=utf-8"
    return 200, mimetype + charset, headers, outcome.body


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """Answer a SPARQL query; without one, the service description (RDF) or the query page (HTML)."""
    app = current_app
    config = app.config["KGPUB"]
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, POST, OPTIONS"})
    try:
        query, params, update = read_request()
    except ProtocolError as err:
        return plain(err.status, err.message)
    except UnicodeDecodeError:
        return plain(400, "the request is not valid UTF-8; encode the query as UTF-8")
    if update or (query is not None and is_update(query)):
        return plain(403, READ_ONLY)
    if query is None:
        return describe_service(params)
    if not query.strip():
        return plain(400, "empty query: send a SPARQL query in the 'query' parameter")
    try:
        check_service(query, config.service_allowlist)
    except Refused as err:
        return plain(403, str(err))
    if wants_page(params, request.method, request.headers.get("Accept") or ""):
        # a shared link opened in a browser: the query page, which runs the query it is given
        return Response(render_template("query.html", **current_app.extensions["kgpub_page_context"]()),
                        mimetype="text/html")
    types = chosen_types(params, request.headers.get("Accept"))
    if types == (None, None):
        return plain(406, not_acceptable(params))
    build, _store = app.extensions["kgpub_source"].get()
    job = make_job(build, query, types, params, config.max_rows, request.base_url,
                   app.extensions["kgpub_prefix_pairs"])
    etag = etag_for(build.build_id, query, f"{types[0]}|{types[1]}", params)
    if request.if_none_match and etag.strip('"') in request.if_none_match:
        return Response(status=304, headers={"ETag": etag})
    outcome = app.extensions["kgpub_engine"].run(job)
    status, content_type, headers, body = outcome_answer(
        outcome, build, etag, config, app.extensions["kgpub_last_modified"](build), app.logger)
    return Response(body, status=status, content_type=content_type, headers=headers)


def describe_service(params: dict[str, list[str]]) -> Response:
    """GET /sparql without a query: the SPARQL Service Description as RDF, or the query page for browsers."""
    fmt = (format_values(params) or [None])[0]
    if fmt:
        media = FORMAT_PARAMETER.get(fmt.lower(), (None, FORMAT_ALIASES.get(fmt.lower())))[1]
    else:
        media = best_match(request.headers.get("Accept"), ["text/html"] + GRAPH_OFFERED)
    if media == "text/html" or media is None and not fmt:
        return Response(render_template("query.html", **current_app.extensions["kgpub_page_context"]()),
                        mimetype="text/html")
    if media not in GRAPH_FORMATS:
        return plain(406, "the service description is available as text/html or " + ", ".join(GRAPH_OFFERED))
    from kgpub.server.describe import service_description
    body = service_description(media)
    return Response(body, content_type=media + "; charset=utf-8", headers={"Vary": "Accept"})
