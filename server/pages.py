"""HTML and RDF views of the graph: home page, resource pages, document pages, lists, ontology and shapes."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from kgpub.ontology.kinds import BROWSED, BY_NAME, SEGMENTS
from kgpub.ontology.vocab import ONTOLOGY_FILE, SCHEMA
from kgpub.server import entitypages, graphdata, labels
from kgpub.server.enriched import wikidata_facts
from kgpub.server.negotiation import best_match
from kgpub.server.results import FORMAT_ALIASES, GRAPH_FORMATS, graph_bytes
from kgpub.shapes.validate import SHAPES_FILE

bp = Blueprint("pages", __name__)
bp.add_app_template_filter(labels.counted, "counted")
bp.add_app_template_filter(labels.kind_label, "kind_label")
bp.add_app_template_global(BROWSED, "browsed_kinds")

EXTENSIONS = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
              "rdf": "application/rdf+xml", "html": "text/html"}
PAGE_OFFERED = ["text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"]
LISTS = {kind.name: kind for kind in BROWSED}
DESCRIBE = """CONSTRUCT { ?x ?p ?o . ?s ?q ?x . ?t ?tp ?to . ?sel ?sp ?so } WHERE {
  { ?x ?p ?o } UNION { ?s ?q ?x } UNION { ?x <http://www.w3.org/ns/oa#hasTarget> ?t . ?t ?tp ?to }
  UNION { ?x <http://www.w3.org/ns/oa#hasTarget> ?t2 . ?t2 <http://www.w3.org/ns/oa#hasSelector> ?sel .
          ?sel ?sp ?so } }"""


def source():
    return current_app.extensions["kgpub_source"].get()


def media_for(ext: str | None) -> str | None:
    if ext:
        return EXTENSIONS.get(ext)
    fmt = request.args.get("format")
    if fmt:
        return FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
    return best_match(request.headers.get("Accept"), PAGE_OFFERED)


def rdf_response(store: ox.Store, iri: str, media: str) -> Response:
    triples = graphdata.construct(store, DESCRIBE, x=iri)
    body = graph_bytes(triples, media, current_app.extensions["kgpub_prefixes"])
    return Response(body, content_type=media + "; charset=utf-8", headers={"Vary": "Accept"})


def json_ld_of(store: ox.Store, iri: str) -> str:
    """The resource's own triples as compact JSON-LD in schema.org terms, safe to embed in a <script> element."""
    from rdflib import Graph
    triples = graphdata.construct(store, "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", x=iri)
    graph = Graph().parse(data=graph_bytes(triples, "application/n-triples"), format="nt")
    context = {"@vocab": str(SCHEMA), **{p: ns for p, ns in current_app.extensions["kgpub_prefixes"].items()
                                         if ns != str(SCHEMA)}}
    text = graph.serialize(format="json-ld", context=context, auto_compact=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@bp.route("/")
def index():
    build, store = source()
    media = media_for(None)
    if media == "application/json" or request.args.get("format") == "json":
        return metadata()
    if build.manifest.get("sources"):  # `kgpub serve --data FILE ...`: describe the files, not the corpus
        return render_template("data.html", classes=data_classes(store), limit=DATA_CLASSES, **page_context())
    return render_template("index.html", counts=graphdata.counts(store), **page_context())


DATA_CLASSES = 30


def data_classes(store: ox.Store) -> list[dict]:
    """The classes of served RDF files as the home page lists them: a label, a count, a few named instances."""
    out = []
    for row in graphdata.class_counts(store, DATA_CLASSES):
        iri = row["c"].value
        examples = [{"iri": r["x"].value, "name": r["name"].value if r["name"] is not None else r["x"].value}
                    for r in graphdata.named_instances(store, iri) if isinstance(r["x"], ox.NamedNode)]
        out.append({"iri": iri, "label": labels.class_label(iri, graphdata.value(row["label"])),
                    "count": int(row["n"].value), "examples": examples})
    return out


@bp.route("/-/metadata")
@bp.route("/-/metadata.json")
def metadata():
    build, _ = source()
    m = build.manifest
    return Response(json.dumps({k: m.get(k) for k in ("build_id", "created", "title", "license", "base_iri",
                                                      "triples", "entities", "linked", "documents", "dumps",
                                                      "validation")}, indent=2),
                    mimetype="application/json")


@bp.route("/-/versions")
@bp.route("/-/versions.json")
def versions():
    from importlib.metadata import version
    import sys
    import kgpub
    out = {"kgpub": kgpub.__version__, "python": sys.version.split()[0]}
    for package in ("pyoxigraph", "rdflib", "pyshacl", "flask", "waitress"):
        try:
            out[package] = version(package)
        except Exception:  # a package not installed: say so rather than fail
            out[package] = None
    return Response(json.dumps(out, indent=2), mimetype="application/json")


@bp.route("/browse/<kind>")
def browse(kind: str):
    if kind not in LISTS:
        abort(404)
    build, store = source()
    size = current_app.config["KGPUB"].browse_page_size
    number = page_number()
    rows = graphdata.entities_of(store, str(LISTS[kind].own_class), size + 1, (number - 1) * size)
    if not rows and number > 1:
        abort(404, f"no page {number} of this list: start from ?page=1")
    items = [{"iri": r["x"].value, "label": (r["label"].value if r["label"] is not None else r["x"].value)[:200],
              "mentions": int(r["mentions"].value)} for r in rows[:size]]
    return render_template("browse.html", kind=kind, items=items, number=number, more=len(rows) > size,
                           first=(number - 1) * size + 1, **page_context())


def split_ext(slug: str) -> tuple[str, str | None]:
    m = re.match(r"^(.*)\.(ttl|nt|jsonld|rdf|html)$", slug)
    return (m.group(1), m.group(2)) if m else (slug, None)


@bp.route("/<kind>/<path:slug>")
def resource(kind: str, slug: str):
    """Every IRI minted by a build resolves here: HTML for browsers, RDF by Accept or by extension."""
    if kind not in SEGMENTS:
        abort(404)
    slug, ext = split_ext(slug)
    build, store = source()
    iri = build.manifest["base_iri"] + f"{kind}/{slug}"
    if not graphdata.exists(store, iri):
        abort(404)
    media = media_for(ext)
    if media is None:
        return Response("none of the media types in Accept is available for this resource; accept one of: "
                        + ", ".join(PAGE_OFFERED) + "\n", status=406, mimetype="text/plain")
    if media in GRAPH_FORMATS:
        response = rdf_response(store, iri, media)
        if ext is None:
            ext_for = {v: k for k, v in EXTENSIONS.items()}
            response.headers["Content-Location"] = f"/{kind}/{slug}.{ext_for.get(media, 'ttl')}"
        return response
    if media != "text/html":
        return Response(f"unknown format {media!r}; use one of: " + ", ".join(EXTENSIONS) + "\n", status=406,
                        mimetype="text/plain")
    if kind == "document":
        return document_page(store, iri, slug)
    return entity_page(store, iri, kind, slug)


def raw_properties(store: ox.Store, iri: str) -> tuple[list[dict], list[tuple[str, str]], dict[str, str]]:
    """The resource's own triples, the links to it, and labels for every IRI among them."""
    props = graphdata.outgoing(store, iri)
    incoming = entitypages.incoming(store, iri)
    iris = [p["o"].value for p in props if isinstance(p["o"], ox.NamedNode)] + [s for s, _ in incoming]
    return props, incoming, entitypages.labels(store, iris)


def entity_page(store: ox.Store, iri: str, kind: str, slug: str) -> Response:
    """A person, work, congress, organisation or quotation: summary, quotations, evidence, then the raw triples."""
    page = page_number()
    fallback = graphdata.label_of(store, iri) or slug
    scope = BY_NAME[kind].quotations if kind in BY_NAME else None
    quoted = entitypages.quotations(store, iri, scope, page if kind != "quotation" else 1) if scope else (0, [])
    per_page = current_app.config["KGPUB"].page_size
    per_doc, groups = entitypages.evidence(store, iri, page, per_page)
    mentions = sum(per_doc.values())
    counts = {**entitypages.counts(store, iri), "mentions": mentions, "documents": len(per_doc)}
    props, incoming, labels = raw_properties(store, iri)
    pages = max(-(-mentions // per_page), -(-quoted[0] // entitypages.QUOTATIONS_PER_PAGE), 1)
    if page > pages:
        abort(404, f"no page {page} here: the page has {pages} page{'s' if pages > 1 else ''} of evidence and "
                   "quotations; start from ?page=1")
    response = Response(render_template(
        "entity.html", iri=iri, kind=kind, summary=entitypages.summary(store, iri, fallback),
        counts=counts, quotations=quoted[1], quotations_total=quoted[0],
        evidence=groups, mentions=mentions, page=page, pages=pages if kind != "quotation" else 1,
        first_quotation=(page - 1) * entitypages.QUOTATIONS_PER_PAGE + 1,
        organised=entitypages.organised(store, iri) if kind == "organization" else [],
        props=props, incoming=incoming, wikifacts=wikidata_facts(store, iri), labels=labels,
        json_ld=json_ld_of(store, iri), formats=EXTENSIONS, slug=slug, **page_context()), mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


@dataclass(frozen=True)
class Pager:
    """Which page of a long list is shown: its number, size, offset and how many pages there are."""

    number: int
    size: int
    pages: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @classmethod
    def of(cls, number: int, total: int, size: int) -> Pager:
        """The pager of page `number` of `total` items; a page past the last is a 404 that says how many."""
        pages = max(1, -(-total // size))
        if number > pages:
            abort(404, f"no page {number} here: the list has {pages} page{'s' if pages > 1 else ''} of {size}; "
                       "start from ?page=1")
        return cls(number, size, pages)


def page_number() -> int:
    """The ?page= of the request (1 if absent); anything but a whole number from 1 is a 400 that says so."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        abort(400, f"page={raw[:40]!r} is not a page number: use a whole number from 1 (?page=2)")
    return int(raw)


def segments(text: str, annotations: list[graphdata.Annotation]) -> list[dict]:
    """The text cut at every annotation boundary, each piece with the annotations covering it.

    One sweep over the cuts, keeping the annotations open at each: the work grows with the number of
    annotations and their nesting, not with its square."""
    cuts = sorted({0, len(text), *[a.start for a in annotations], *[a.end for a in annotations]})
    starting: dict[int, list[int]] = {}
    for index, x in enumerate(annotations):
        starting.setdefault(x.start, []).append(index)
    open_: list[int] = []
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        open_ = sorted([i for i in open_ if annotations[i].end > a] + starting.get(a, []))
        covering = [annotations[i] for i in open_ if annotations[i].start <= a and b <= annotations[i].end]
        innermost = min(covering, key=lambda x: x.end - x.start) if covering else None
        out.append({"text": text[a:b], "kinds": sorted({x.kind for x in covering}), "link": innermost,
                    "anchor": f"c{a}" if a in starting else None})
    return out


def document_page(store: ox.Store, iri: str, slug: str):
    text = graphdata.document_text(store, iri) or ""
    annotations = graphdata.document_annotations(store, iri)
    mentioned: dict[str, graphdata.Annotation] = {}
    counts: dict[str, int] = {}
    for a in annotations:
        mentioned.setdefault(a.body, a)
        counts[a.body] = counts.get(a.body, 0) + 1
    listing = sorted(mentioned.values(), key=lambda a: (a.kind, a.label))
    props, incoming, labels = raw_properties(store, iri)
    labels.update(entitypages.labels(store, [a.body for a in listing if not a.label]))
    label = graphdata.label_of(store, iri) or slug
    quoted_total, quoted = entitypages.quotations(store, iri, "document", page_number())
    return render_template("document.html", iri=iri, label=label, summary=entitypages.summary(store, iri, label),
                           counts=entitypages.document_counts(store, iri), quotations=quoted,
                           quotations_total=quoted_total, props=[p for p in props if not p["p"].value.endswith(
                               "mentions")], incoming=incoming, labels=labels, segments=segments(text, annotations),
                           mentioned=listing, counts_by_entity=counts, json_ld=json_ld_of(store, iri),
                           formats=EXTENSIONS, slug=slug, kind="document", **page_context())


def vocabulary_terms(path) -> list[dict]:
    """Every named term of an ontology or shapes file with its kind, label, comment and alignments."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDF, RDFS
    from kgpub.ontology.vocab import SH
    graph = Graph().parse(path)
    out = []
    for s in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
        kinds = sorted(str(t).rsplit("#", 1)[-1] for t in graph.objects(s, RDF.type))
        label = graph.value(s, RDFS.label) or graph.value(s, SH.name) or ""
        comment = graph.value(s, RDFS.comment) or graph.value(s, SH.description) or ""
        aligned = sorted(str(o) for p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf)
                         for o in graph.objects(s, p) if isinstance(o, URIRef))
        out.append({"iri": str(s), "name": str(s).rsplit("#", 1)[-1], "kinds": kinds, "label": str(label),
                    "comment": str(comment), "aligned": aligned})
    return out


def vocabulary_response(path, iri_label: str):
    """The ontology or shapes file: Turtle at its .ttl address, else as the Accept header asks (HTML page or RDF)."""
    if request.path.endswith(".ttl"):
        return Response(path.read_bytes(), content_type="text/turtle; charset=utf-8")
    media = media_for(None)
    if media == "text/html":
        return render_template("vocabulary.html", title=iri_label, terms=vocabulary_terms(path),
                               turtle=path.read_text("utf-8"), **page_context())
    if media in GRAPH_FORMATS and media != "text/turtle":
        from rdflib import Graph
        fmt = {"application/n-triples": "nt", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
               "text/plain": "nt"}[media]
        return Response(Graph().parse(path).serialize(format=fmt), content_type=media + "; charset=utf-8")
    return Response(path.read_bytes(), content_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})


@bp.route("/ontology")
@bp.route("/ontology.ttl")
def ontology():
    return vocabulary_response(ONTOLOGY_FILE, "Ontology")


@bp.route("/shapes")
@bp.route("/shapes.ttl")
def shapes():
    return vocabulary_response(SHAPES_FILE, "Shapes")


@bp.route("/validation")
@bp.route("/validation.ttl")
def validation():
    """The build's sh:ValidationReport: Turtle at /validation.ttl, else a grouped page or RDF as Accept asks."""
    build, _ = source()
    report = (build.manifest.get("validation") or {}).get("report")
    if not report:
        abort(404)
    path = build.file(report)
    media = "text/turtle" if request.path.endswith(".ttl") else media_for(None)
    if media == "text/html":
        from kgpub.server.validation import report_groups
        conforms, total, groups = report_groups(path)
        return render_template("validation.html", title="Validation", conforms=conforms, total=total,
                               groups=groups, build_id=build.build_id, **page_context())
    if media in GRAPH_FORMATS and media != "text/turtle":
        from rdflib import Graph
        fmt = {"application/n-triples": "nt", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
               "text/plain": "nt"}[media]
        return Response(Graph().parse(path).serialize(format=fmt), content_type=media + "; charset=utf-8",
                        headers={"Vary": "Accept"})
    return Response(path.read_bytes(), content_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})


@bp.route("/.well-known/void")
def void():
    from kgpub.server.describe import RDFLIB_FORMATS, property_partitions, void_graph
    build, store = source()
    media = media_for(None)
    if media not in RDFLIB_FORMATS:
        media = "text/turtle"
    graph = void_graph(build.manifest, request.host_url, property_partitions(build, store))
    body = graph.serialize(format=RDFLIB_FORMATS[media], encoding="utf-8")
    return Response(body, content_type=media + "; charset=utf-8", headers={"Vary": "Accept"})


@bp.route("/query")
def query_page():
    return redirect(url_for("sparql.endpoint", **request.args), code=303)


def page_context() -> dict:
    return current_app.extensions["kgpub_page_context"]()
