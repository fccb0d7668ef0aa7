"""Pictures of the corpus (timeline, quotations per speaker and work, who quotes whom, a person's mentions), each as
SVG drawn on the server and as the numbers behind it (JSON, CSV)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup

from kgpub.server import charts, entitypages
from kgpub.server.graphdata import UnsafeIRI, iri_ref, query, value

bp = Blueprint("pictures", __name__)
LIMIT = 40  # bars or lanes in one picture; the data link says when there were more


@dataclass(frozen=True)
class Table:
    """The numbers behind a picture: named columns and rows of plain values."""

    title: str
    columns: tuple[str, ...]
    rows: list[dict]


def rows_of(store: ox.Store, text: str, **bindings) -> list[dict]:
    out = []
    for r in query(store, text, **bindings):
        row = {}
        for k, term in r.items():
            v = value(term)
            if isinstance(term, ox.Literal) and term.datatype.value.endswith("#integer"):
                v = int(v)
            row[k] = v
        out.append(row)
    return out


def timeline_table(store: ox.Store, organization: str | None = None) -> Table:
    """Congresses and other events with their dates, and the dated works and documents, earliest first."""
    by_org = f"?x schema:organizer {iri_ref(organization)} ." if organization else ""
    dated = "" if organization else """
        UNION { ?x a kg:Work ; schema:datePublished ?start BIND ("work" AS ?kind) }
        UNION { ?x a kg:Document ; schema:datePublished ?start BIND ("document" AS ?kind) }"""
    rows = rows_of(store, f"""SELECT ?x ?kind ?label ?start ?end ?organizer WHERE {{
        {{ ?x a schema:Event ; schema:startDate ?start . {by_org} OPTIONAL {{ ?x schema:endDate ?end }}
           OPTIONAL {{ ?x schema:organizer ?organizer }} BIND (IF(EXISTS {{ ?x a kg:Congress }}, "congress", "event")
           AS ?kind) }} {dated}
        OPTIONAL {{ ?x rdfs:label ?label }} }} ORDER BY ?start ?label LIMIT 500""")
    seen: dict[str, dict] = {}
    for r in rows:
        seen.setdefault(r["x"], r)  # one lane per thing, whatever the number of organisers
    return Table("Timeline of congresses, events, works and documents",
                 ("x", "kind", "label", "start", "end", "organizer"), list(seen.values()))


def speakers_table(store: ox.Store) -> Table:
    return Table("Quotations per speaker", ("speaker", "name", "quotations", "quoted"), rows_of(store, f"""
        SELECT ?speaker ?name (COUNT(DISTINCT ?q) AS ?quotations) (COUNT(DISTINCT ?a) AS ?quoted) WHERE {{
          ?q a schema:Quotation ; schema:creator ?speaker . OPTIONAL {{ ?a oa:hasBody ?q }}
          OPTIONAL {{ ?speaker schema:name ?name }} }}
        GROUP BY ?speaker ?name ORDER BY DESC(?quotations) ?name LIMIT {LIMIT}"""))


def works_table(store: ox.Store) -> Table:
    return Table("Quotations per cited work and volume", ("work", "name", "volume", "quotations"), rows_of(store, f"""
        SELECT ?work ?name ?volume (COUNT(DISTINCT ?q) AS ?quotations) WHERE {{
          ?q a schema:Quotation ; schema:isPartOf ?work . OPTIONAL {{ ?q bibo:volume ?volume }}
          OPTIONAL {{ ?work schema:name ?name }} }}
        GROUP BY ?work ?name ?volume ORDER BY DESC(?quotations) ?name ?volume LIMIT {LIMIT}"""))


def network_table(store: ox.Store) -> Table:
    return Table("Who quotes whom: document author → quoted speaker",
                 ("author", "author_name", "speaker", "speaker_name", "quotations"), rows_of(store, """
        SELECT ?author ?author_name ?speaker ?speaker_name (COUNT(DISTINCT ?q) AS ?quotations) WHERE {
          ?a oa:hasBody ?q ; oa:hasTarget ?t . ?t oa:hasSource ?doc . ?doc schema:author ?author .
          ?q a schema:Quotation ; schema:creator ?speaker .
          OPTIONAL { ?author schema:name ?author_name } OPTIONAL { ?speaker schema:name ?speaker_name } }
        GROUP BY ?author ?author_name ?speaker ?speaker_name ORDER BY DESC(?quotations) LIMIT 200"""))


def person_table(store: ox.Store, person: str) -> Table:
    """Per document: how often it mentions the person and how many of their quotations it quotes, by date."""
    x = iri_ref(person)
    mentions = rows_of(store, f"""SELECT ?doc (COUNT(?a) AS ?n) WHERE {{
        ?a oa:hasBody {x} ; oa:hasTarget ?t . ?t oa:hasSource ?doc }} GROUP BY ?doc""")
    quoted = rows_of(store, f"""SELECT ?doc (COUNT(DISTINCT ?q) AS ?n) WHERE {{ ?q schema:creator {x} .
        ?a oa:hasBody ?q ; oa:hasTarget ?t . ?t oa:hasSource ?doc }} GROUP BY ?doc""")
    docs: dict[str, dict] = {}
    for key, found in (("mentions", mentions), ("quotations", quoted)):
        for r in found:
            docs.setdefault(r["doc"], {"doc": r["doc"], "mentions": 0, "quotations": 0})[key] = r["n"]
    for doc, (ident, title, _author, date) in entitypages.document_info(store, list(docs)[:500]).items():
        docs[doc].update(title=title, date=date, id=ident)
    rows = sorted(docs.values(), key=lambda r: (r.get("date") or "9999", r.get("title") or ""))
    return Table("Mentions and quotations per document", ("doc", "id", "title", "date", "mentions", "quotations"),
                 rows)


def local(iri: str | None) -> str | None:
    base = current_app.extensions["kgpub_source"].get()[0].manifest["base_iri"]
    return "/" + iri[len(base):] if iri and iri.startswith(base) else None


def draw_timeline(table: Table) -> str:
    spans = []
    for r in table.rows:
        start = charts.year_of(r["start"] or "")
        if start is None:
            continue
        end = charts.year_of(r["end"] or "") or start
        note = r["start"] + (f" – {r['end']}" if r.get("end") else "")
        spans.append(charts.Span(r["label"] or r["x"].rsplit("/", 1)[-1], r["kind"], start, max(end, start),
                                 local(r["x"]), note))
    return charts.timeline(spans[:200], table.title)


def draw_speakers(table: Table) -> str:
    bars = [charts.Bar(r["name"] or r["speaker"], (r["quotations"], r["quoted"]), local(r["speaker"]))
            for r in table.rows]
    return charts.bar_chart(bars, table.title, ("distinct quotations", "times quoted"))


def draw_works(table: Table) -> str:
    # the title is shortened before the volume is added, so that two volumes of one work stay apart
    bars = [charts.Bar(charts.clip(r["name"] or r["work"], 48) + (f", vol. {r['volume']}" if r.get("volume") else ""),
                       (r["quotations"],), local(r["work"])) for r in table.rows]
    return charts.bar_chart(bars, table.title, ("quotations",), label_width=400)


def draw_network(table: Table) -> str:
    left = {r["author"]: charts.Node(r["author"], r["author_name"] or r["author"], local(r["author"]))
            for r in table.rows}
    right = {r["speaker"]: charts.Node(r["speaker"], r["speaker_name"] or r["speaker"], local(r["speaker"]))
             for r in table.rows}
    edges = [charts.Edge(r["author"], r["speaker"], r["quotations"], "/pictures/network/quotations?" +
                         urlencode({"author": r["author"], "speaker": r["speaker"]})) for r in table.rows]
    return charts.network(list(left.values())[:30], list(right.values())[:30], edges, table.title)


def draw_person(table: Table) -> str:
    bars = [charts.Bar(f"{(r.get('date') or '')[:4] or 'undated'} · {r.get('title') or r['doc']}",
                       (r["mentions"], r["quotations"]), local(r["doc"])) for r in table.rows[:LIMIT]]
    return charts.bar_chart(bars, table.title, ("mentions", "their quotations quoted"), label_width=380)


PICTURES: dict[str, tuple[Callable[..., Table], Callable[[Table], str]]] = {
    "timeline": (timeline_table, draw_timeline),
    "speakers": (speakers_table, draw_speakers),
    "works": (works_table, draw_works),
    "network": (network_table, draw_network),
}


def as_format(table: Table, picture: Callable[[Table], str], fmt: str) -> Response:
    """The picture as SVG, or its numbers as JSON or CSV."""
    if fmt == "svg":
        return Response(picture(table), mimetype="image/svg+xml")
    if fmt == "json":
        return Response(json.dumps({"title": table.title, "columns": table.columns, "rows": table.rows}, indent=2),
                        mimetype="application/json")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=table.columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(table.rows)
        return Response(out.getvalue(), mimetype="text/csv")
    abort(404)


def organization_arg() -> str | None:
    org = request.args.get("organization") or None
    if org:
        try:
            iri_ref(org)
        except (UnsafeIRI, ValueError):
            abort(Response("organization must be an IRI, as the timeline's list of organisations gives it\n",
                           status=400, mimetype="text/plain"))
    return org


@bp.route("/pictures/<name>.<fmt>")
def picture(name: str, fmt: str):
    if name not in PICTURES:
        abort(404)
    _, store = current_app.extensions["kgpub_source"].get()
    make, draw = PICTURES[name]
    table = make(store, organization_arg()) if name == "timeline" else make(store)
    return as_format(table, draw, fmt)


@bp.route("/pictures/person/<slug>.<fmt>")
def person_picture(slug: str, fmt: str):
    build, store = current_app.extensions["kgpub_source"].get()
    iri = build.manifest["base_iri"] + "person/" + slug
    try:
        table = person_table(store, iri)
    except (UnsafeIRI, ValueError):
        abort(404)
    return as_format(table, draw_person, fmt)


@bp.route("/pictures")
def pictures_page():
    _, store = current_app.extensions["kgpub_source"].get()
    org = organization_arg()
    organizations = rows_of(store, """SELECT DISTINCT ?org ?name WHERE { ?c schema:organizer ?org
                                      OPTIONAL { ?org schema:name ?name } } ORDER BY ?name LIMIT 100""")
    drawn = []
    for name, (make, draw) in PICTURES.items():
        table = make(store, org) if name == "timeline" else make(store)
        suffix = "?" + urlencode({"organization": org}) if org and name == "timeline" else ""
        drawn.append({"name": name, "title": table.title, "svg": Markup(draw(table)), "suffix": suffix})
    return render_template("pictures.html", pictures=drawn, organizations=organizations, organization=org,
                           **current_app.extensions["kgpub_page_context"]())


@bp.route("/pictures/network/quotations")
def network_quotations():
    """The quotations of one speaker in the documents of one author: where a curve of the network leads."""
    _, store = current_app.extensions["kgpub_source"].get()
    author, speaker = request.args.get("author", ""), request.args.get("speaker", "")
    try:
        total, found = entitypages.quotations(store, speaker, "speaker_by_author", other=author, per_page=200)
    except (UnsafeIRI, ValueError):
        abort(Response("author and speaker must be IRIs, as the network's links give them\n", status=400,
                       mimetype="text/plain"))
    names = entitypages.labels(store, [author, speaker])
    return render_template("network_quotations.html", total=total, quotations=found, author=author,
                           speaker=speaker, names=names, **current_app.extensions["kgpub_page_context"]())
