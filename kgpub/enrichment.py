"""What Wikidata says of our linked items (data/links/wikidata.json) as triples about those items, with provenance."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from kgpub.ontology.vocab import PROV, SCHEMA, WD

FACTS_FILE = "wikidata.json"
# Library authority files: Wikidata property, the key kept in the facts file, and the IRI of a record.
AUTHORITIES = {
    "viaf": ("P214", "http://viaf.org/viaf/{}"),
    "gnd": ("P227", "https://d-nb.info/gnd/{}"),
    "loc": ("P244", "http://id.loc.gov/authorities/names/{}"),
    "bnf": ("P268", "http://data.bnf.fr/ark:/12148/cb{}"),
}
AUTHORITY_ID = re.compile(r"^[A-Za-z0-9-]{1,40}$")
COMMONS_FILE = "https://commons.wikimedia.org/wiki/Special:FilePath/"
DATE = re.compile(r"^(\d{4}-\d\d-\d\d)(?:T|$)")


def load_facts(links_dir: Path) -> dict[str, dict]:
    """The facts fetched by `kgpub link --enrich`, by QID; none when it never ran."""
    path = links_dir / FACTS_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("items", {})
    except ValueError as err:
        raise ValueError(f"{path}: not valid JSON ({err}); run `kgpub link --enrich --offline` to write it "
                         "again from the cache") from None


def image_file(value: str) -> str | None:
    """The Commons file name of an image value (Wikidata gives a Special:FilePath IRI)."""
    name = unquote(value.rsplit("/", 1)[-1]).replace("_", " ").strip()
    return name or None


def record_iri(base_iri: str, qid: str) -> URIRef:
    """The provenance node of what was fetched about one item."""
    return URIRef(f"{base_iri}wikidata/{qid}")


def wikidata_triples(facts: dict[str, dict], linked: Iterable[str], base_iri: str) -> Iterator[tuple]:
    """Triples about each linked Wikidata item (label, description, dates of life, image, authority records), and a
    provenance node saying which item they were derived from, from which endpoint, and when they were fetched.

    The facts are stated about the item (wd:Q...), never about our own entity: what the texts say and what
    Wikidata says stay apart, joined by the entity's owl:sameAs."""
    for qid in sorted(set(linked)):
        item_facts = facts.get(qid)
        if not item_facts:
            continue
        item = WD[qid]
        record = record_iri(base_iri, qid)
        yield record, RDF.type, PROV.Entity
        yield record, PROV.wasDerivedFrom, item
        yield record, PROV.generatedAtTime, Literal(item_facts["fetched"], datatype=XSD.dateTime)
        yield record, DCTERMS.source, URIRef(item_facts["endpoint"])
        if item_facts.get("label"):
            yield item, RDFS.label, Literal(item_facts["label"], lang="en")
        if item_facts.get("description"):
            yield item, SCHEMA.description, Literal(item_facts["description"], lang="en")
        for key, prop in (("born", SCHEMA.birthDate), ("died", SCHEMA.deathDate)):
            for value in item_facts.get(key, []):
                m = DATE.match(value)
                if m:
                    yield item, prop, Literal(m.group(1), datatype=XSD.date)
        for name in item_facts.get("image", []):
            yield item, SCHEMA.image, URIRef(COMMONS_FILE + quote(name.replace(" ", "_")))
        for key, (_, template) in AUTHORITIES.items():
            for value in item_facts.get(key, []):
                if AUTHORITY_ID.match(value):
                    yield item, SCHEMA.sameAs, URIRef(template.format(value))
