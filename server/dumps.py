"""Dumps of the build in service: a listing with sizes, checksums and licences, and the files themselves."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from kgpub.builds import MANIFEST, Build, finished_builds

bp = Blueprint("dumps", __name__)


def published(build) -> dict[str, dict]:
    """Only the files the manifest lists can be downloaded: nothing else of the build folder is reachable."""
    return {d["name"]: d for d in build.manifest.get("dumps", [])}


@bp.route("/dumps/")
@bp.route("/dumps")
def listing():
    build, _ = current_app.extensions["kgpub_source"].get()
    dumps = list(published(build).values())
    if request.args.get("format") == "json" or request.accept_mimetypes.best == "application/json":
        return Response(json.dumps({"build_id": build.build_id, "dumps": dumps}, indent=2),
                        mimetype="application/json")
    return render_template("dumps.html", dumps=dumps, **current_app.extensions["kgpub_page_context"]())


def kept_dump(name: str) -> tuple[Build | None, dict | None]:
    """A dump of an earlier build still kept in the build folder (its name carries its build id): a link from a
    listing read just before a new build was switched in still downloads the file it named."""
    build_dir = getattr(current_app.extensions["kgpub_source"], "build_dir", None)
    for folder in reversed(finished_builds(build_dir)) if build_dir else ():
        if f"-{folder.name}." in name:
            try:
                build = Build(folder, json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
            except (OSError, ValueError):  # pruned meanwhile
                return None, None
            return build, published(build).get(name)
    return None, None


@bp.route("/dumps/<name>")
def download(name: str):
    build, _ = current_app.extensions["kgpub_source"].get()
    entry = published(build).get(name)
    if entry is None:
        build, entry = kept_dump(name)
    if entry is None:
        abort(404)
    response = send_file(build.file(name), mimetype=entry["media_type"], conditional=True, etag=entry["sha256"],
                         max_age=31536000, download_name=name)
    if entry.get("encoding") == "gzip":
        response.headers["Content-Type"] = "application/gzip"
        response.headers["X-Content-Media-Type"] = entry["media_type"]
    response.headers["Digest"] = "sha-256=" + entry["sha256"]
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    if entry.get("license"):
        response.headers["Link"] = f'<{entry["license"]}>; rel="license"'
    return response
