"""The search page and its JSON twin: ranked matches with highlighted snippets and facets by kind, author, document."""
from __future__ import annotations

import tempfile
import threading
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, json, render_template, request

from kgpub.server.negotiation import best_match
from kgpub.server.searchindex import INDEX_FILE, search, write_index

bp = Blueprint("search", __name__)

PER_PAGE = 20
MAX_PAGE = 50  # deeper pages are not worth their cost: narrow the search instead
_LATE: dict[str, Path] = {}
_LATE_LOCK = threading.Lock()


def index_for(build, store) -> Path:
    """The build's search index; a build made before there was one gets one, built once into a temporary file."""
    entry = build.manifest.get("search") or {}
    path = build.file(entry.get("file", INDEX_FILE))
    if path.exists():
        return path
    with _LATE_LOCK:
        if build.build_id not in _LATE:
            late = Path(tempfile.mkdtemp(prefix="kgpub-search-")) / INDEX_FILE
            write_index(store, late)
            _LATE.clear()  # only the build in service is searched
            _LATE[build.build_id] = late
        return _LATE[build.build_id]


def int_arg(name: str, default: int, highest: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), 1), highest)
    except ValueError:
        return default


def local_url(iri: str, base: str) -> str:
    return "/" + iri[len(base):] if iri.startswith(base) else iri


@bp.route("/search")
@bp.route("/search.json")
def search_page():
    build, store = current_app.extensions["kgpub_source"].get()
    text = request.args.get("q", "").strip()[:500]
    filters = {k: request.args.get(k) or None for k in ("kind", "author", "document")}
    page = int_arg("page", 1, MAX_PAGE)
    results = search(index_for(build, store), text, page=page, per_page=PER_PAGE, **filters)
    base = build.manifest["base_iri"]
    wants_json = (request.path.endswith(".json") or request.args.get("format") == "json"
                  or best_match(request.headers.get("Accept"), ["text/html", "application/json"]) ==
                  "application/json")
    if wants_json:
        body = {"query": text, "filters": {k: v for k, v in filters.items() if v}, "total": results.total,
                "page": page, "per_page": PER_PAGE,
                "results": [{**asdict(h), "url": local_url(h.iri, base)} for h in results.hits],
                "facets": {k: [asdict(f) for f in v] for k, v in results.facets.items()}}
        return Response(json.dumps(body, indent=2), mimetype="application/json", headers={"Vary": "Accept"})
    pages = -(-results.total // PER_PAGE)

    def url(**changes) -> str:
        """This search with some arguments changed (None drops one)."""
        args = {"q": text, **filters, "page": page if page > 1 else None, **changes}
        return "/search?" + urlencode({k: v for k, v in args.items() if v})

    response = Response(render_template(
        "search.html", q=text, url=url, results=results, filters=filters, page=page, pages=min(pages, MAX_PAGE),
        **current_app.extensions["kgpub_page_context"]()), mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response
