"""The `kgpub` command line: build, validate, serve, publish, stats, extract."""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from kgpub.config import Config, load_config
from kgpub.ontology.kinds import KINDS, MENTION_KINDS
from kgpub.server.labels import counted

EPILOG = "Every option can also be set in the environment as KGPUB_<OPTION>, e.g. KGPUB_PORT=9000."


def config_from(args: argparse.Namespace) -> Config:
    """Defaults < environment < the flags given on the command line."""
    names = ("corpus_dir", "build_dir", "base_iri", "host", "port", "quiet", "query_timeout", "max_rows", "threads",
             "store_graph", "request_timeout", "page_workers", "strict")
    # `is`, not `in`: 0 == False, and --port 0 (a free port) must not fall back to the default
    given = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None and getattr(args, n) is not False}
    return load_config(**given)


def cmd_build(args: argparse.Namespace) -> int:
    from kgpub.build import BuildError, ValidationFailed, run_build
    config = config_from(args)
    try:
        result = run_build(config, force=getattr(args, "force", False))
    except ValidationFailed as err:
        print(f"error: the build was not published, the graph breaks the shapes.\n{err}\n"
              "The previous build (if any) is still in service.", file=sys.stderr)
        return 3
    except BuildError as err:
        print(f"error: {err}\nThe previous build (if any) is still in service.", file=sys.stderr)
        return 2
    if config.quiet:
        print(result.path)
    return 0


REPORT_FORMATS = {"turtle": "turtle", "nt": "nt", "json-ld": "json-ld", "xml": "xml"}


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0 if the data conform, 1 if not, 2 if the data or shapes cannot be read."""
    from kgpub.builds import NoBuildError, current_build
    from kgpub.shapes.validate import ShapesError, validate_file
    config = config_from(args)
    if args.file:
        path = Path(args.file)
    else:
        try:
            build = current_build(config.build_dir)
        except NoBuildError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        path = build.file(next(d["name"] for d in build.manifest["dumps"] if d["name"].endswith(".nt.gz")))
    shapes = Path(args.shapes) if args.shapes else None
    for given in (path, shapes):
        if given is not None and not given.exists():
            print(f"error: {given}: no such file", file=sys.stderr)
            return 2
    if shapes is not None:
        try:
            from kgpub.shapes.validate import load_shapes
            load_shapes(shapes)
        except Exception as err:  # the user's shapes file: say which and why
            print(f"error: {shapes}: cannot be read as RDF shapes: {err}", file=sys.stderr)
            return 2
    try:
        report = validate_file(path, shapes)
    except ShapesError as err:
        print(f"error: {shapes or 'the shapes'}: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # a parse error of the user's file: say which and why
        print(f"error: {path}: cannot be read as RDF: {err}", file=sys.stderr)
        return 2
    for shape, reason in report.delegated.items():
        if not config.quiet:
            print(f"note: {shape.n3()} checked by pyshacl: the compiler does not check {reason}", file=sys.stderr)
    if args.format == "human":
        print(report.summary())
    else:
        sys.stdout.write(report.graph.serialize(format=REPORT_FORMATS[args.format]))
    return 0 if report.conforms else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from kgpub.builds import NoBuildError, current_build
    from kgpub.server.run import serve
    config = config_from(args)
    if not args.data:
        try:
            current_build(config.build_dir)
        except NoBuildError:
            print(f"No build in {config.build_dir} yet: building it first.", file=sys.stderr)
            status = cmd_build(args)
            if status:
                return status
    return serve(config, data_files=[Path(p) for p in args.data or []], store_url=args.store)


def cmd_publish(args: argparse.Namespace) -> int:
    from kgpub.builds import NoBuildError
    from kgpub.publish import PublishError, Target, publish
    config = config_from(args)
    try:
        target = Target.from_env(args.to, args.graph_store)
        done = publish(config, target, say=(lambda _: None) if config.quiet else print)
    except (PublishError, NoBuildError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"published build {done.build_id}: {done.triples} triples in <{done.graph}>")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kgpub.builds import NoBuildError, current_build
    config = config_from(args)
    try:
        build = current_build(config.build_dir)
    except NoBuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    m = build.manifest
    if args.json:
        print(json.dumps({k: m[k] for k in ("build_id", "triples", "entities", "linked", "documents")}, indent=2))
        return 0
    print(f"build {m['build_id']} ({m['created']}): {m['triples']} triples")
    print("\nentities per class (linked to Wikidata / all):")
    for kind in KINDS:
        print(f"  {kind.name:<14}{m.get('linked', {}).get(kind.name, 0):>5} / {m['entities'].get(kind.name, 0)}")
    print("\nmentions per document:")
    for doc in m["documents"]:
        print(f"  {doc['id']}: " + ", ".join(counted(n, k) for k, n in doc["mentions"].items()))
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from kgpub.builds import NoBuildError
    from kgpub.link import LinkError, accept, reconcile
    config = config_from(args).with_overrides(wikidata_endpoint=args.endpoint, link_threshold=args.threshold)
    if args.enrich:
        return enrich_command(config, args.offline)
    try:
        if args.accept:
            for p in accept(config, args.accept):
                print(f"accepted {p['qid']} for {p['kind']} {p['name']!r} (score {p['score']:.2f}); "
                      f"run `kgpub build` to publish it")
            return 0
        report = reconcile(config, offline=args.offline)
    except (LinkError, NoBuildError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for p in report.accepted:
        print(f"accepted {p['qid']} for {p['kind']} {p['name']!r}")
    for o in report.outcomes:
        best = f" {o.best.candidate.qid} {o.best.candidate.label!r} score {o.best.score:.2f}" if o.best else ""
        if o.status == "rejected":
            best = " " + "; ".join(f"{s.candidate.qid}: {s.rejected}" for s in o.scored)
        print(f"  {o.status:<16}{o.entity.kind:<13}{o.entity.name[:50]:<52}{best}")
    proposed = sum(o.status == "proposed" for o in report.outcomes)
    print(f"\n{proposed} proposals in {config.links_dir / 'proposals.toml'} for review "
          f"({report.live} queries sent, {report.cached} answered from the cache)")
    print("entities per class in the build (linked to Wikidata / all):")
    for kind, (linked, total) in report.counts.items():
        print(f"  {kind:<14}{linked:>5} / {total}")
    return 0


def enrich_command(config, offline: bool) -> int:
    """`kgpub link --enrich`: what Wikidata knows of every linked item, into data/links/wikidata.json."""
    from kgpub.extract.registry import RecordError
    from kgpub.link import enrich
    try:
        report = enrich(config, offline=offline)
    except (RecordError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with_label = sum(1 for facts in report.items.values() if facts.get("label"))
    print(f"facts of {len(report.items)} of {report.asked} linked items in {config.links_dir / 'wikidata.json'} "
          f"({with_label} with an English label; {report.live} queries sent, {report.cached} answered from the "
          "cache); run `kgpub build` to publish them")
    if report.error:
        print(f"error: {report.error}; items not fetched keep the facts of the last run", file=sys.stderr)
        return 2
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from kgpub.extract.corpus import CorpusError, read_document
    from kgpub.extract.corpuswide import corpus_evidence
    from kgpub.extract.pipeline import extract_document
    from kgpub.extract.registry import load_registry
    config = config_from(args)
    try:
        doc = read_document(Path(args.file))
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    found = corpus_evidence([extract_document(doc, load_registry(config.records_dir))])[0].mentions
    if args.kind:
        found = [m for m in found if m.kind == args.kind]
    if args.json:
        print(json.dumps([m.to_json() for m in found], indent=1, ensure_ascii=False))
        return 0
    for m in found:
        attrs = " ".join(f"{k}={v!r}" for k, v in m.attrs if k not in ("passage",))
        print(f"{m.start:>7}-{m.end:<7} {m.kind:<10} {m.rule:<28} {m.key[:40]:<40} {m.text[:60]!r} {attrs}")
    print("\n" + ", ".join(counted(n, k) for k, n in sorted(Counter(m.kind for m in found).items())), file=sys.stderr)
    return 0


def add_common(parser: argparse.ArgumentParser, corpus: bool = False) -> None:
    parser.add_argument("--build-dir", dest="build_dir", type=Path,
                        help="folder of builds (default: data/build)")
    if corpus:
        parser.add_argument("--corpus", dest="corpus_dir", type=Path,
                            help="folder of .txt and .html/.htm texts, in subfolders too, to build from "
                            "(default: data/corpus)")
        parser.add_argument("--base-iri", dest="base_iri", help="base IRI of every minted IRI "
                            "(default: https://w3id.org/kgpub/)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no progress")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="kgpub", epilog=EPILOG,
                                  description="Build a linked-data knowledge graph from texts and publish it.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="extract, validate and publish the graph of a corpus", epilog=EPILOG,
                       description="Build the graph from the corpus into a new build folder and put it into "
                                   "service only if everything succeeded; a failed build changes nothing.")
    add_common(p, corpus=True)
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed since the build in service")
    p.add_argument("--strict", action="store_true", default=None,
                   help="stop the build at a corpus file that cannot be read or has bytes that do not decode "
                        "(default: skip it and list it in the build's manifest)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="SHACL-validate the current build or any RDF file", epilog=EPILOG,
                       description="Validate RDF data against SHACL shapes, as pyshacl's command line does. "
                                   "Exit status 0: the data conform; 1: they do not; 2: a file cannot be read.")
    p.add_argument("file", nargs="?", help="an RDF file (.ttl, .nt, .jsonld, .rdf, optionally .gz); "
                                           "default: the current build")
    p.add_argument("--shapes", "-s", help="a SHACL shapes file (default: the project's shapes, with its ontology "
                                          "loaded beside the data for rdfs:subClassOf)")
    p.add_argument("--format", "-f", choices=["human", *REPORT_FORMATS], default="human",
                   help="human: results grouped by message (default); otherwise the sh:ValidationReport in "
                        "that RDF syntax")
    add_common(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("serve", help="serve the current build (building it first if there is none)",
                       epilog=EPILOG)
    add_common(p, corpus=True)
    p.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default: 8080; 0 picks a free one)")
    p.add_argument("--threads", type=int, help="worker threads of the WSGI server (default: 16)")
    p.add_argument("--query-timeout", dest="query_timeout", type=float,
                   help="seconds after which a query is stopped (default: 10)")
    p.add_argument("--request-timeout", dest="request_timeout", type=float,
                   help="seconds within which a page is answered, or stopped with a 503 (default: 10)")
    p.add_argument("--page-workers", dest="page_workers", type=int,
                   help="processes making pages, each stopped when its page runs past the limit (default: 3)")
    p.add_argument("--max-rows", dest="max_rows", type=int, help="most result rows returned (default: 10000)")
    p.add_argument("--data", nargs="+", metavar="FILE",
                   help="serve these RDF files (TriG/N-Quads keep their named graphs) instead of a build")
    p.add_argument("--store", metavar="URL", help="answer queries with this external SPARQL endpoint (e.g. "
                   "Virtuoso's http://HOST:8890/sparql), reading the graph `kgpub publish` switched")
    p.add_argument("--graph", dest="store_graph",
                   help="the published graph to read with --store (default: <base IRI>graph)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("publish", help="load the current build into an external SPARQL store and switch to it",
                       epilog="The user and password, if the store needs them, are read from KGPUB_STORE_USER "
                       "and KGPUB_STORE_PASSWORD, never from the command line. " + EPILOG,
                       description="Load the current, validated build into a named graph of its own through the "
                       "SPARQL 1.1 Graph Store Protocol, check that every triple arrived, then switch the stable "
                       "graph to it with one SPARQL Update, so readers see the old build or the new, never half.")
    add_common(p)
    p.add_argument("--to", required=True, metavar="URL", help="the store's SPARQL Update endpoint "
                   "(Virtuoso: http://HOST:8890/sparql-auth)")
    p.add_argument("--graph-store", dest="graph_store", metavar="URL", help="its Graph Store Protocol endpoint "
                   "(default: sparql-graph-crud-auth beside --to, Virtuoso's)")
    p.add_argument("--graph", dest="store_graph", help="the stable graph to switch (default: <base IRI>graph)")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("stats", help="triples, entities per class, mentions per document", epilog=EPILOG)
    add_common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("link", help="propose Wikidata links for unlinked entities; accept reviewed ones",
                       epilog=EPILOG, description="Ask a Wikidata SPARQL endpoint for candidates for every entity "
                       "of the current build without a link, score them, and write those above the threshold to "
                       "data/links/proposals.toml for review. Accepted proposals (accepted = true, or --accept) move "
                       "to data/records/qids.toml; the next build states owl:sameAs. Answers are cached on disk.")
    add_common(p)
    p.add_argument("--endpoint", help="SPARQL endpoint (default: https://query.wikidata.org/sparql)")
    p.add_argument("--threshold", type=float, help="lowest score proposed (default: 0.85)")
    p.add_argument("--accept", nargs="+", metavar="QID", help="accept the proposals of these QIDs")
    p.add_argument("--offline", action="store_true", help="use cached answers only; send no query")
    p.add_argument("--enrich", action="store_true", help="fetch label, description, dates of life, image and "
                   "authority identifiers (VIAF, GND, LoC, BnF) of every linked item into data/links/wikidata.json "
                   "for the next build to publish")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("extract", help="show what the extractors find in one text, with spans and rules",
                       epilog=EPILOG)
    p.add_argument("file", help="a .txt, .html or .htm file")
    p.add_argument("--kind", choices=MENTION_KINDS,
                   help="only this kind of mention")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_extract)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
