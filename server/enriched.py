"""What Wikidata says of a linked entity (published by `kgpub link --enrich` and the build), for its page."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from kgpub.server import graphdata

COMMONS_FILE = "https://commons.wikimedia.org/wiki/Special:FilePath/"


@dataclass
class WikidataFacts:
    """The linked item's description, dates of life, images and authority records, and when they were fetched."""

    item: str
    description: str | None = None
    born: list[str] = field(default_factory=list)
    died: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (file name, its page on Commons)
    authorities: list[str] = field(default_factory=list)
    fetched: str | None = None


def wikidata_facts(store, iri: str) -> WikidataFacts | None:
    """The facts fetched about the entity's Wikidata item, or None when it has no link or none were fetched."""
    rows = graphdata.query(store, """SELECT ?item ?p ?o ?fetched WHERE { ?x owl:sameAs ?item .
        ?record prov:wasDerivedFrom ?item ; prov:generatedAtTime ?fetched .
        OPTIONAL { VALUES ?p { schema:description schema:birthDate schema:deathDate schema:image schema:sameAs }
                   ?item ?p ?o } } ORDER BY ?p ?o""", x=iri)
    if not rows:
        return None
    facts = WikidataFacts(rows[0]["item"].value, fetched=rows[0]["fetched"].value)
    for row in rows:
        if row["p"] is None:
            continue
        prop, value = row["p"].value.rsplit("/", 1)[-1], row["o"].value
        if prop == "description":
            facts.description = value
        elif prop in ("birthDate", "deathDate"):
            (facts.born if prop == "birthDate" else facts.died).append(value)
        elif prop == "image" and value.startswith(COMMONS_FILE):
            name = value[len(COMMONS_FILE):]
            facts.images.append((unquote(name).replace("_", " "), "https://commons.wikimedia.org/wiki/File:" + name))
        elif prop == "sameAs":
            facts.authorities.append(value)
    return facts
