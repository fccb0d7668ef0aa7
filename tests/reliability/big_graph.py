"""A generated graph of the build's shape at scale: documents, persons, quotations and their mentions, as N-Triples.

Cheap to make (no extraction, a few seconds for a million triples) and seeded, so every run serves the same graph.
One person is mentioned in every document, several times: the page a famous person's name leads to."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

BASE = "https://w3id.org/kgpub/"
OA = "http://www.w3.org/ns/oa#"
KG = "https://w3id.org/kgpub/ontology#"
SCHEMA = "http://schema.org/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
IDENTIFIER = "<http://purl.org/dc/terms/identifier>"
INTEGER = "^^<http://www.w3.org/2001/XMLSchema#integer>"
WORDS = ("the party congress resolution workers state class struggle revolution programme committee "
         "dictatorship proletariat democracy question majority minority theses report").split()


@dataclass(frozen=True)
class BigGraph:
    """What was generated: the file, its triples, and the most-mentioned person with its counts."""

    path: Path
    triples: int
    famous: str            # slug of the person mentioned in every document
    famous_mentions: int
    documents: int
    persons: int


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sentence(rng: random.Random, name: str) -> str:
    words = rng.choices(WORDS, k=12)
    words.insert(rng.randrange(len(words)), name)
    return " ".join(words).capitalize() + "."


def mention(lines: list[str], doc: str, start: int, body: str, name: str, rule: str, text: str) -> None:
    """The 16 triples of one mention: annotation, target, position and quote selectors."""
    ann = f"{BASE}annotation/{doc}/{start}-{start + len(name)}-person"
    a, t, p, q = f"<{ann}>", f"<{ann}#target>", f"<{ann}#position>", f"<{ann}#quote>"
    lines += [f"{a} {RDF_TYPE} <{OA}Annotation> .", f"{a} {RDF_TYPE} <{KG}Mention> .",
              f"{a} <{OA}hasBody> <{body}> .", f"{a} <{OA}hasTarget> {t} .",
              f"{a} <{OA}motivatedBy> <{OA}identifying> .", f"{a} <{KG}sentence> {literal(text)} .",
              f"{a} <{KG}rule> {literal(rule)} .",
              f"{t} {RDF_TYPE} <{OA}SpecificResource> .", f"{t} <{OA}hasSource> <{BASE}document/{doc}> .",
              f"{t} <{OA}hasSelector> {p} .", f"{t} <{OA}hasSelector> {q} .",
              f"{p} {RDF_TYPE} <{OA}TextPositionSelector> .", f'{p} <{OA}start> "{start}"{INTEGER} .',
              f'{p} <{OA}end> "{start + len(name)}"{INTEGER} .',
              f"{q} {RDF_TYPE} <{OA}TextQuoteSelector> .", f"{q} <{OA}exact> {literal(name)} ."]


def generate(path: Path, documents: int = 3000, famous_per_document: int = 5, persons: int = 2000,
             others_per_document: int = 16, seed: int = 21) -> BigGraph:
    """Write the graph to `path` (N-Triples): `documents` documents, each mentioning the famous person
    `famous_per_document` times and `others_per_document` mentions of other persons, whose popularity falls
    off as in real texts (a few often, most rarely); some quotations said by them."""
    rng = random.Random(seed)
    famous = "vera-famous"
    names = {f"person-{i:05d}": f"Person {i:05d}" for i in range(persons)}
    names[famous] = "Vera Famous"
    slugs = sorted(names)
    weights = [1.0 / (rank + 1) for rank in range(len(slugs))]
    triples = 0
    with open(path, "w", encoding="utf-8") as out:
        head = []
        for slug, name in names.items():
            iri = f"<{BASE}person/{slug}>"
            head += [f"{iri} {RDF_TYPE} <{SCHEMA}Person> .", f"{iri} {RDF_TYPE} <{KG}Person> .",
                     f"{iri} {LABEL} {literal(name)} .", f"{iri} <{SCHEMA}name> {literal(name)} ."]
        out.write("\n".join(head) + "\n")
        triples += len(head)
        for d in range(documents):
            doc = f"doc-{d:05d}"
            lines = [f"<{BASE}document/{doc}> {RDF_TYPE} <{KG}Document> .",
                     f"<{BASE}document/{doc}> {IDENTIFIER} {literal(doc)} .",
                     f"<{BASE}document/{doc}> {LABEL} {literal('Document ' + doc)} .",
                     f"<{BASE}document/{doc}> <{SCHEMA}text> {literal(' '.join(rng.choices(WORDS, k=200)))} ."]
            offset = 0
            bodies = [famous] * famous_per_document + rng.choices(slugs, weights, k=others_per_document)
            for slug in bodies:
                offset += rng.randrange(20, 400)
                mention(lines, doc, offset, f"{BASE}person/{slug}", names[slug], "person:record",
                        sentence(rng, names[slug]))
            if d % 10 == 0:  # a quotation said by one of the persons mentioned
                quote = f"<{BASE}quotation/q-{d:05d}>"
                speaker = rng.choice(bodies)
                lines += [f"{quote} {RDF_TYPE} <{SCHEMA}Quotation> .", f"{quote} {RDF_TYPE} <{KG}Quotation> .",
                          f"{quote} <{SCHEMA}text> {literal(sentence(rng, names[speaker]))} .",
                          f"{quote} <{SCHEMA}creator> <{BASE}person/{speaker}> ."]
            out.write("\n".join(lines) + "\n")
            triples += len(lines)
    return BigGraph(path, triples, famous, documents * famous_per_document, documents, len(names))


def publish(graph: BigGraph, build_dir: Path, build_id: str = "20260101T000000000Z") -> str:
    """The generated graph put into service as a build of `build_dir` (store, its N-Triples as the dump, a
    manifest), as `kgpub build` leaves one: `kgpub serve --build-dir` serves it at once, however often started."""
    import json

    import pyoxigraph

    from kgpub.builds import STORE, new_build_folder, publish_build
    from kgpub.output import dump_entry, property_partitions, write_manifest

    folder = new_build_folder(build_dir, build_id)
    dump = folder / f"kgpub-{build_id}.nt"
    graph.path.replace(dump)
    store = pyoxigraph.Store(str(folder / STORE))
    store.bulk_load(path=str(dump), format=pyoxigraph.RdfFormat.N_TRIPLES)
    properties = property_partitions(store)
    store.flush()
    del store
    manifest = {"build_id": build_id, "created": "2026-01-01T00:00:00+00:00", "base_iri": BASE,
                "title": "generated graph", "license": "https://creativecommons.org/licenses/by/4.0/",
                "triples": graph.triples, "entities": {"person": graph.persons}, "linked": {}, "documents": [],
                "dumps": [dump_entry(dump, "graph", graph.triples, "https://creativecommons.org/licenses/by/4.0/")],
                "properties": properties, "validation": None}
    write_manifest(folder, json.loads(json.dumps(manifest)))
    publish_build(build_dir, folder, build_id)
    return build_id
