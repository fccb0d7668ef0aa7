"""The build in service: follows the `current` link, re-reading the manifest and store when a new build lands."""
from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from flask import g, has_request_context

from kgpub.builds import Build, current_build, current_target
from kgpub.output import property_partitions
from kgpub.server.searchindex import INDEX_FILE, write_index

DATA_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
                ".trig": ox.RdfFormat.TRIG, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
                ".jsonld": ox.RdfFormat.JSON_LD, ".n3": ox.RdfFormat.N3}


class BuildSource:
    """The current build and a read-only store over it, swapped as a pair when `current` changes."""

    def __init__(self, build_dir: Path):
        self.build_dir = build_dir
        self.lock = threading.Lock()
        self._target: str | None = None
        self._state: tuple[Build, ox.Store] | None = None

    def get(self) -> tuple[Build, ox.Store]:
        """(build, store) of the build in service, the same for the whole of one request even if a new build is
        switched in meanwhile, so that no answer mixes two builds."""
        if not has_request_context():
            return self.current()
        if "kgpub_build" not in g:
            g.kgpub_build = self.current()
        return g.kgpub_build

    def current(self) -> tuple[Build, ox.Store]:
        """(build, store) as `current` names them now; one readlink per call, a reload only after a switch."""
        target = current_target(self.build_dir)
        state = self._state
        if state is not None and target == self._target:
            return state
        with self.lock:
            if self._state is None or target != self._target:
                build = current_build(self.build_dir)
                self._state = (build, ox.Store.read_only(str(build.store_path)))
                self._target = target
            return self._state


class FixedSource:
    """A source that never changes: RDF files loaded once into a store of their own (`serve --data`)."""

    def __init__(self, build: Build):
        self.build = build
        self.store = ox.Store.read_only(str(build.store_path))

    def get(self) -> tuple[Build, ox.Store]:
        return self.build, self.store


def file_quads(path: Path, fmt: ox.RdfFormat):
    """The file's quads, triples in the default graph; blank nodes renamed so two files never share one."""
    keep_graphs = fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
    for quad in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True):
        yield quad if keep_graphs else ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())


def files_digest(files: list[Path]) -> str:
    """A short hash of the files' names and bytes."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0")
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def load_data_files(files: list[Path], base_iri: str) -> FixedSource:
    """Load RDF files (named graphs of TriG/N-Quads kept) into a temporary store and serve that."""
    folder = Path(tempfile.mkdtemp(prefix="kgpub-data-"))
    store = ox.Store(str(folder / "store"))
    for path in files:
        suffix = path.suffix.lower()
        fmt = DATA_FORMATS.get(suffix)
        if fmt is None:
            raise ValueError(f"{path}: unknown RDF format {suffix!r}; use one of {', '.join(DATA_FORMATS)}")
        store.bulk_extend(file_quads(path, fmt))
    triples = len(store)
    properties = property_partitions(store)
    store.flush()
    write_index(store, folder / INDEX_FILE)  # the search index, built once at start
    del store
    newest = max(path.stat().st_mtime for path in files)
    manifest = {"build_id": "data-" + files_digest(files),  # the same files, the same build after a restart
                "created": datetime.fromtimestamp(newest, timezone.utc).isoformat(timespec="seconds"),
                "base_iri": base_iri, "title": "RDF files: " + ", ".join(p.name for p in files),
                "license": None, "triples": triples, "entities": {}, "linked": {}, "documents": [],
                "dumps": [], "properties": properties, "validation": None,
                "search": {"file": INDEX_FILE}, "sources": [str(p.name) for p in files]}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return FixedSource(Build(folder, manifest))
