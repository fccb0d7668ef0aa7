"""The kinds of entity the graph holds, one record each, read by every stage from extraction to the pages."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kgpub.ontology.vocab import KG, SCHEMA


@dataclass(frozen=True)
class Kind:
    """One kind of entity: how its IRIs, records, classes, pages, counts and links are made.

    `name` is everything's key: the IRI path segment (`/person/...`), the kind of its mentions and records, its
    browse page (`/browse/person`), its line in `kgpub stats` and in the build manifest's counts.
    """

    name: str
    label: str  # one of them, as a reader names it: "Organisation"
    plural: str  # the nav link and the heading of its browse page: "Organisations"
    own_class: URIRef  # the class this kind alone has: browse pages, counts and VoID class partitions use it
    schema_class: URIRef  # its schema.org class, which another kind may share (works and documents are CreativeWorks)
    records: str | None = None  # the TOML array ([[person]]) of its curated records in data/records/*.toml
    by_name: bool = False  # resolved one entity per key, named by its record or fullest form (extract/resolve.py)
    mentioned: bool = True  # found in the texts by a finder of extract/ (organisations come with their congresses)
    linked: bool = True  # reconciled with Wikidata (`kgpub link`, the /reconcile service)
    type_name: str = ""  # the type as the reconciliation service names it; the label if empty
    quotations: str | None = None  # which quotations its page lists: "speaker" (said by it), "work" (cited from it)

    @property
    def classes(self) -> tuple[URIRef, URIRef]:
        """Every class an entity of this kind is stated to have, the project's first."""
        return self.own_class, self.schema_class

    @property
    def noun(self) -> str:
        """The label as counted in a sentence: "4 organisations"."""
        return self.label.lower()


PERSON = Kind("person", "Person", "Persons", KG.Person, SCHEMA.Person, records="person", by_name=True,
              quotations="speaker")
WORK = Kind("work", "Work", "Works", KG.Work, SCHEMA.CreativeWork, records="work", by_name=True,
            type_name="Work (a titled text)", quotations="work")
CONGRESS = Kind("congress", "Congress", "Congresses", KG.Congress, SCHEMA.Event, records="congress",
                type_name="Congress, conference or plenum")
ORGANIZATION = Kind("organization", "Organisation", "Organisations", KG.Organization, SCHEMA.Organization,
                    records="organization", mentioned=False)
QUOTATION = Kind("quotation", "Quotation", "Quotations", KG.Quotation, SCHEMA.Quotation, linked=False,
                 quotations="self")

# Every kind of entity, in the order pages, counts and reports list them.
KINDS: tuple[Kind, ...] = (PERSON, WORK, CONGRESS, ORGANIZATION, QUOTATION)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}

# The texts themselves: browsed and counted like the kinds above, but not entities (no records, links or stats line).
DOCUMENT = Kind("document", "Document", "Documents", KG.Document, SCHEMA.CreativeWork, mentioned=False, linked=False)
BROWSED: tuple[Kind, ...] = (*KINDS, DOCUMENT)
# Every IRI path segment a build mints under its base IRI: the kinds, documents, dates, annotations, and the
# Wikidata facts of linked items (kgpub/enrichment.py).
SEGMENTS: tuple[str, ...] = (*(kind.name for kind in BROWSED), "date", "annotation", "wikidata")
# The kinds of mention the finders of extract/ report: the kinds found in the texts, and dates.
MENTION_KINDS: tuple[str, ...] = (*(kind.name for kind in KINDS if kind.mentioned), "date")


def kind_of(name: str) -> Kind:
    """The kind of this name; a KeyError naming the known ones if there is none."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no kind {name!r}; the kinds are {', '.join(BY_NAME)} (ontology/kinds.py)") from None


def identifying_classes(kind: Kind) -> tuple[URIRef, ...]:
    """The classes that make a resource of any graph one of this kind: its own, and its schema.org class unless
    another kind shares it (every work and every document is a schema:CreativeWork)."""
    shared = any(other is not kind and other.schema_class == kind.schema_class for other in BROWSED)
    return (kind.own_class,) if shared else kind.classes
