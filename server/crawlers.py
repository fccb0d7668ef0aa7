"""What crawlers are told: robots.txt (pages and dumps yes, open-ended queries no) and Link headers to the dumps."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

bp = Blueprint("crawlers", __name__)

VOID_PATH = "/.well-known/void"
DATA_DUMP = "http://rdfs.org/ns/void#dataDump"  # VoID's property as an extension link relation (RFC 8288)

ROBOTS = f"""# Every page of this site and every dump may be read. The whole graph is in the dumps: one download
# instead of one request per page. They are listed at /dumps/ and in the VoID description: {VOID_PATH}
User-agent: *
Allow: /
# A query with its text in the URL runs whatever it asks for: not for crawling.
Disallow: /sparql?
Disallow: /query?
"""


@bp.route("/robots.txt")
def robots() -> Response:
    return Response(ROBOTS, mimetype="text/plain", headers={"Cache-Control": "public, max-age=86400"})


def dump_links(manifest: dict) -> str:
    """The Link header of a page: the dataset's VoID description and each dump of the whole graph."""
    links = [f'<{VOID_PATH}>; rel="describedby"; type="text/turtle"']
    links += [f'</dumps/{d["name"]}>; rel="{DATA_DUMP}"; type="{d["media_type"]}"'
              for d in manifest.get("dumps", []) if d.get("kind") == "graph"]
    return ", ".join(links)


def add_dump_links(response: Response) -> Response:
    """Point every page (HTML or RDF) that has no Link header of its own to the VoID description and the dumps;
    query answers keep the same headers whichever path of /sparql made them."""
    if "Link" in response.headers or response.status_code >= 300 or request.path == "/sparql":
        return response
    try:
        build, _ = current_app.extensions["kgpub_source"].get()
    except Exception:  # no build in service: the page says so; no links to give
        return response
    response.headers["Link"] = dump_links(build.manifest)
    return response
