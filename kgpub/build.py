"""The build: corpus -> extraction -> RDF -> SHACL validation -> store and dumps, switched into service atomically."""
from __future__ import annotations

import fcntl
import json
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from typing import TYPE_CHECKING

from kgpub.extract.corpus import CorpusError, Document, list_corpus, read_document, undecoded
from kgpub.extract.registry import RecordError, load_registry, name_key
from kgpub.builds import LIFE_DATES, Build, NoBuildError, current_build, new_build_folder, publish_build
from kgpub.config import Config
from kgpub.fingerprint import input_fingerprint, rules_fingerprint
from kgpub.ontology.kinds import kind_of

if TYPE_CHECKING:
    from kgpub.shapes.validate import Report


class BuildError(Exception):
    """A build that cannot finish; the message says what to fix. The build in service is untouched."""


class ValidationFailed(BuildError):
    """The graph breaks the shapes; nothing was published."""

    def __init__(self, report: Report):
        super().__init__(report.summary())
        self.report = report


class Progress:
    """Per-step and per-document lines on stderr; silent with --quiet."""

    def __init__(self, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.started
            print(f"[{elapsed:6.1f}s] {message}", file=self.stream, flush=True)


@contextmanager
def build_lock(build_dir: Path):
    """One build at a time per build folder."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"{build_dir}: another build is running; wait for it to finish") from None
        yield


README_ROW = re.compile(r"^\|\s*(?P<file>[^|]+?\.txt)\s*\|\s*(?P<what>.+?)\s*\|\s*$", re.MULTILINE)


def corpus_descriptions(corpus_dir: Path) -> dict[str, str]:
    """Descriptions of the texts from the corpus README's table (file | what it is, in Markdown), if there is one."""
    readme = corpus_dir / "README.md"
    if not readme.exists():
        return {}
    text = readme.read_text(encoding="utf-8", errors="replace")
    return {Path(m.group("file").strip("` ")).stem: m.group("what")
            for m in README_ROW.finditer(text)}


@dataclass
class CorpusReading:
    """The usable documents of a corpus, and the files left out or read with a fault, each with its reason."""

    docs: list[Document]
    skipped: list[dict]
    warnings: list[dict]


def read_corpus(corpus_dir: Path, progress: Progress, strict: bool = False) -> CorpusReading:
    """Every usable text of the corpus. A file that cannot be read is skipped with its name and reason (with
    `strict`, it stops the build); an empty one is skipped; bytes that do not decode are reported."""
    docs, skipped, warnings = [], [], []
    seen: dict[str, Path] = {}
    for path in list_corpus(corpus_dir):
        try:
            doc = read_document(path, root=corpus_dir)
            if doc.doc_id in seen:
                raise CorpusError(f"{path}: has the identifier {doc.doc_id!r} of {seen[doc.doc_id]}; rename one "
                                  "of them (a document's identifier is its path without the extension)")
        except CorpusError as err:
            if strict:
                raise
            progress.say(f"warning: {err}; skipped")
            skipped.append({"file": str(path), "reason": str(err).removeprefix(f"{path}: ")})
            continue
        problem = undecoded(doc)
        if problem:
            if strict:
                raise CorpusError(problem)
            progress.say(f"warning: {problem}")
            warnings.append({"file": str(path), "warning": problem.removeprefix(f"{path}: ")})
        if not doc.text.strip():
            progress.say(f"warning: {path}: empty text, skipped")
            skipped.append({"file": str(path), "reason": "empty text"})
            continue
        seen[doc.doc_id] = path
        docs.append(doc)
    if not docs:
        raise CorpusError(f"{corpus_dir}: no file of the corpus could be used; nothing to build"
                          + "".join(f"\n  {s['file']}: {s['reason']}" for s in skipped[:20]))
    return CorpusReading(docs, skipped, warnings)


@dataclass
class BuildResult:
    build_id: str
    path: Path
    manifest: dict


def new_build_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"


def unchanged_build(build_dir: Path, fingerprint: str) -> Build | None:
    """The build in service if it was made from exactly the same input, else None."""
    try:
        build = current_build(build_dir)
    except NoBuildError:
        return None
    return build if build.manifest.get("input_fingerprint") == fingerprint else None


def attach_qids(resolved, registry) -> list[str]:
    """Give entities without a record the QID of the [[qid]] entry of their name; the names left over."""
    used = set()
    for entity in resolved.entities.values():
        if entity.qid is None and kind_of(entity.kind).linked:
            entity.qid = registry.qid_for(entity.kind, entity.name)
            if entity.qid:
                used.add((entity.kind, name_key(entity.name)))
    return [e.get("name", "") for e in registry.unattached if (e.get("kind"), name_key(e.get("name", ""))) not in used]


def write_life_dates(folder: Path, resolved, minter) -> None:
    """The curated records' years of birth and death by person IRI, for the reconciliation service's date
    constraints (the graph states only what the texts and Wikidata say)."""
    dates = {str(minter.entity(e)): {k: int(str(e.facts[k])[:4]) for k in ("born", "died") if e.facts.get(k)}
             for e in resolved.entities.values() if e.kind == "person" and (e.facts.get("born") or e.facts.get("died"))}
    (folder / LIFE_DATES).write_text(json.dumps(dict(sorted(dates.items())), indent=1), encoding="utf-8")


def run_build(config: Config, progress: Progress | None = None, force: bool = False) -> BuildResult:
    """Build the graph from the corpus and put it into service; on any failure the previous build stays."""
    progress = progress or Progress(config.quiet)
    with build_lock(config.build_dir):
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        try:
            reading = read_corpus(config.corpus_dir, progress, config.strict)
            docs = reading.docs
        except CorpusError as err:
            raise BuildError(str(err)) from None
        try:
            registry = load_registry(config.records_dir)
        except RecordError as err:
            raise BuildError(str(err)) from None
        rules = rules_fingerprint(config.records_dir)
        fingerprint = input_fingerprint(config, docs, rules)
        unchanged = unchanged_build(config.build_dir, fingerprint)
        if unchanged is not None and not force:
            progress.say(f"nothing changed since build {unchanged.build_id}: it stays in service "
                         "(--force to rebuild anyway)")
            return BuildResult(unchanged.build_id, unchanged.path, unchanged.manifest)
        # The rest of the pipeline is imported only now: a build with nothing changed stays a file read and a hash.
        from kgpub.extract.corpuswide import corpus_evidence
        from kgpub.extract.documents import document_records
        from kgpub.extract.emit import Minter, corpus_triples
        from kgpub.extract.resolve import resolve
        from kgpub.enrichment import load_facts, wikidata_triples
        from kgpub.extraction import MentionCache, extract_corpus
        from pyoxigraph import Store

        from kgpub.builds import STORE
        from kgpub.output import property_partitions, sorted_ntriples, write_dumps, write_manifest, write_search_index
        from kgpub.server.labels import counted
        from kgpub.shapes.validate import validate_ntriples

        cache = MentionCache(config.cache_dir or config.build_dir / ".cache", rules)

        def report(i: int, doc: Document, mentions: list, cached: bool) -> None:
            kinds = Counter(m.kind for m in mentions)
            found = ", ".join(counted(n, k) for k, n in sorted(kinds.items()))
            note = " (unchanged, from cache)" if cached else ""
            progress.say(f"[{i + 1}/{len(docs)}] {doc.doc_id}: {found}{note}")

        extracted = corpus_evidence(extract_corpus(docs, registry, cache, report))
        timings["extract"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        resolved = resolve(extracted, registry)
        for unlinked in attach_qids(resolved, registry):
            progress.say(f"warning: data/records [[qid]] {unlinked!r} attaches to no record and no entity")
        records = document_records(extracted, registry, corpus_descriptions(config.corpus_dir))
        linked = {e.qid for e in resolved.entities.values() if e.qid}
        try:  # what Wikidata says of the linked items, as fetched by `kgpub link --enrich`; no network here
            facts = wikidata_triples(load_facts(config.links_dir), linked, config.base_iri)
        except ValueError as err:
            raise BuildError(str(err)) from None
        ntriples, count = sorted_ntriples(chain(corpus_triples(Minter(config.base_iri), resolved, records), facts))
        timings["rdf"] = time.perf_counter() - t1
        progress.say(f"graph: {count} triples, {len(resolved.entities)} entities")
        # The shapes compiled to SPARQL, run on an in-memory pyoxigraph store: cost linear in the graph.
        t2 = time.perf_counter()
        report = validate_ntriples(ntriples)
        timings["validate"] = time.perf_counter() - t2
        if not report.conforms:
            raise ValidationFailed(report)
        progress.say(f"validation: the graph conforms to the shapes ({timings['validate']:.2f}s)")

        t3 = time.perf_counter()
        build_id = new_build_id()
        folder = new_build_folder(config.build_dir, build_id)
        report.graph.serialize(folder / "validation-report.ttl", format="turtle")
        dumps, triples = write_dumps(folder, build_id, ntriples, config.license)
        write_life_dates(folder, resolved, Minter(config.base_iri))
        properties = property_partitions(Store.read_only(str(folder / STORE)))
        timings["store_and_dumps"] = time.perf_counter() - t3
        t4 = time.perf_counter()
        search = write_search_index(folder)
        timings["search_index"] = time.perf_counter() - t4
        entity_counts = Counter(e.kind for e in resolved.entities.values())
        manifest = {
            "build_id": build_id,
            "input_fingerprint": fingerprint,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "base_iri": config.base_iri,
            "title": config.title,
            "license": config.license,
            "triples": triples,
            "entities": dict(sorted(entity_counts.items())),
            "linked": dict(sorted(Counter(e.kind for e in resolved.entities.values() if e.qid).items())),
            "documents": [{"id": dm.doc.doc_id, "sha256": dm.doc.sha256, "characters": len(dm.doc.text),
                           "mentions": dict(sorted(Counter(m.kind for m in dm.mentions).items()))}
                          for dm in extracted],
            "skipped": reading.skipped,
            "warnings": reading.warnings,
            "dumps": dumps,
            "search": search,
            "properties": properties,
            "validation": {"conforms": True, "report": "validation-report.ttl"},
            "timings": {k: round(v, 3) for k, v in timings.items()},
        }
        write_manifest(folder, manifest)
        final = publish_build(config.build_dir, folder, build_id, config.keep_builds)
        progress.say(f"build {build_id} in service: {triples} triples in {final}")
        return BuildResult(build_id, final, manifest)
