"""Writing a build's outputs: the embedded store, the dumps (Turtle, N-Triples, JSON-LD) and the manifest."""
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
from rdflib import Graph
from rdflib.plugins.serializers.nt import _nt_row

from kgpub.builds import MANIFEST, STORE
from kgpub.ontology.vocab import ONTOLOGY_FILE, PREFIXES
from kgpub.shapes.validate import SHAPES_FILE

MEDIA_TYPES = {".ttl": "text/turtle", ".nt.gz": "application/n-triples", ".jsonld": "application/ld+json",
               ".nt": "application/n-triples"}
PREFIX_MAP = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sorted_ntriples(triples: Iterable[tuple]) -> tuple[bytes, int]:
    """(N-Triples, count) of the distinct triples, one line each, sorted: the same graph gives the same bytes.

    Written line by line, with no in-memory graph: the cost grows linearly with the corpus."""
    lines = sorted({_nt_row(triple) for triple in triples})
    return "".join(lines).encode("utf-8"), len(lines)


def write_store(folder: Path, ntriples_path: Path) -> int:
    """Bulk-load the N-Triples into a new on-disk pyoxigraph store; return its triple count."""
    store = pyoxigraph.Store(str(folder / STORE))
    store.bulk_load(path=str(ntriples_path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    store.optimize()
    count = len(store)
    store.flush()
    del store
    return count


PARTITIONS = "SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?s) WHERE { ?s ?p ?o } GROUP BY ?p"


def property_partitions(store: pyoxigraph.Store) -> dict[str, list[int]]:
    """{property IRI: [triples, distinct subjects]} of the store's graph, for the VoID description: counted once
    when the build is written (a scan of the whole graph, too long for a page on a large one)."""
    return {r["p"].value: [int(r["n"].value), int(r["s"].value)] for r in store.query(PARTITIONS)}


def dump_entry(path: Path, kind: str, triples: int | None, license_iri: str) -> dict:
    suffix = ".nt.gz" if path.name.endswith(".nt.gz") else path.suffix
    return {"name": path.name, "kind": kind, "media_type": MEDIA_TYPES.get(suffix, "text/turtle"),
            "encoding": "gzip" if path.name.endswith(".gz") else None,
            "bytes": path.stat().st_size, "sha256": sha256_of(path), "triples": triples, "license": license_iri}


def write_dumps(folder: Path, build_id: str, ntriples: bytes, license_iri: str) -> tuple[list[dict], int]:
    """Write the store and every dump of the graph; return the manifest's dump entries and the triple count.

    The graph's dumps are written last, so that in a build folder the newest Turtle file is the graph."""
    shutil.copyfile(ONTOLOGY_FILE, folder / "ontology.ttl")
    shutil.copyfile(SHAPES_FILE, folder / "shapes.ttl")
    stem = f"kgpub-{build_id}"
    nt_path = folder / f"{stem}.nt"
    nt_path.write_bytes(ntriples)
    triples = write_store(folder, nt_path)
    gz_path = folder / f"{stem}.nt.gz"
    with open(gz_path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as handle:
        handle.write(ntriples)  # no name or time in the header: the same graph gives the same bytes
    nt_path.unlink()
    quads = list(pyoxigraph.parse(ntriples, format=pyoxigraph.RdfFormat.N_TRIPLES))
    pyoxigraph.serialize(quads, str(folder / f"{stem}.ttl"), format=pyoxigraph.RdfFormat.TURTLE,
                         prefixes=PREFIX_MAP)
    pyoxigraph.serialize(quads, str(folder / f"{stem}.jsonld"), format=pyoxigraph.RdfFormat.JSON_LD,
                         prefixes=PREFIX_MAP)
    ontology_triples = len(Graph().parse(ONTOLOGY_FILE))
    shapes_triples = len(Graph().parse(SHAPES_FILE))
    entries = [dump_entry(folder / f"{stem}.ttl", "graph", triples, license_iri),
               dump_entry(folder / f"{stem}.nt.gz", "graph", triples, license_iri),
               dump_entry(folder / f"{stem}.jsonld", "graph", triples, license_iri),
               dump_entry(folder / "ontology.ttl", "ontology", ontology_triples, license_iri),
               dump_entry(folder / "shapes.ttl", "shapes", shapes_triples, license_iri)]
    return entries, triples


def write_search_index(folder: Path) -> dict:
    """The full-text index of the build's store (names, titles, quotation text), written beside it."""
    from kgpub.server.searchindex import INDEX_FILE, write_index
    store = pyoxigraph.Store.read_only(str(folder / STORE))
    entries = write_index(store, folder / INDEX_FILE)
    del store
    return {"file": INDEX_FILE, "entries": entries}


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
