"""RDF out: the triples of each entity and each document's annotations, with IRIs derived from content."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.term import Node

from kgpub.extract.dates import precision
from kgpub.extract.documents import DocumentRecord
from kgpub.extract.model import Entity, Mention
from kgpub.extract.pipeline import DocumentMentions
from kgpub.extract.resolve import ResolvedCorpus, attribute_own_words
from kgpub.extract.structure import sentence_around
from kgpub.ontology.kinds import DOCUMENT, SEGMENTS, kind_of
from kgpub.ontology.vocab import BIBO, DCTERMS, KG, OA, OWL, RDF, RDFS, SCHEMA, TIME, WD, XSD

Triple = tuple[Node, Node, Node]
DATE_PROPERTIES = {"day": (TIME.inXSDDate, XSD.date), "month": (TIME.inXSDgYearMonth, XSD.gYearMonth),
                   "year": (TIME.inXSDgYear, XSD.gYear)}


class Minter:
    """IRIs under one base: readable paths for entities, content-derived paths for everything else."""

    def __init__(self, base_iri: str):
        self.base = base_iri if base_iri.endswith("/") else base_iri + "/"

    def iri(self, kind: str, slug: str) -> URIRef:
        if kind not in SEGMENTS:
            raise KeyError(f"no IRI segment {kind!r}; add the kind to ontology/kinds.py")
        return URIRef(f"{self.base}{kind}/{quote(slug, safe='-._~')}")

    def entity(self, entity: Entity) -> URIRef:
        return self.iri(entity.kind, entity.key)

    def document(self, doc_id: str) -> URIRef:
        """A document's IRI keeps the folders of its identifier readable: document/archive/x/1920/ch01."""
        return URIRef(f"{self.base}document/{quote(doc_id, safe='-._~/')}")

    def date(self, value: str) -> URIRef:
        return self.iri("date", value.replace("/", "--"))

    def annotation(self, doc_id: str, m: Mention) -> URIRef:
        return URIRef(f"{self.base}annotation/{quote(doc_id, safe='-._~/')}/{m.start}-{m.end}-{m.kind}")


def date_literal(value: str) -> tuple[URIRef, Literal]:
    prop, datatype = DATE_PROPERTIES[precision(value)]
    return prop, Literal(value, datatype=datatype)


def date_triples(minter: Minter, value: str) -> Iterator[Triple]:
    """A time:Instant for one value, or a time:Interval with an Instant at each end."""
    node = minter.date(value)
    yield node, RDF.type, KG.DateMention
    yield node, RDFS.label, Literal(value)
    if "/" not in value:
        yield node, RDF.type, TIME.Instant
        yield (node, *date_literal(value))
        return
    begin, end = value.split("/")
    yield node, RDF.type, TIME.Interval
    for prop, part in ((TIME.hasBeginning, begin), (TIME.hasEnd, end)):
        yield node, prop, minter.date(part)
        yield from date_triples(minter, part)


def entity_triples(minter: Minter, entity: Entity, corpus: ResolvedCorpus) -> Iterator[Triple]:
    """The contract's triples and the ontology's for one person, work, congress, organisation or quotation."""
    node = minter.entity(entity)
    for cls in kind_of(entity.kind).classes:
        yield node, RDF.type, cls
    if entity.kind == "quotation":
        yield node, SCHEMA.text, Literal(entity.name)
    else:
        yield node, SCHEMA.name, Literal(entity.name)
        yield node, RDFS.label, Literal(entity.name)
        for alt in sorted(entity.alternate_names - {entity.name}):
            yield node, SCHEMA.alternateName, Literal(alt)
    if entity.qid:
        yield node, OWL.sameAs, WD[entity.qid]
    yield from FACT_WRITERS.get(entity.kind, no_facts)(minter, node, entity, corpus)


def linked(corpus: ResolvedCorpus, minter: Minter, kind: str, key: str | None) -> URIRef | None:
    target = corpus.entity(kind, key) if key else None
    return minter.entity(target) if target else None


def work_facts(minter: Minter, node: URIRef, entity: Entity, corpus: ResolvedCorpus) -> Iterator[Triple]:
    author = linked(corpus, minter, "person", entity.facts.get("author"))
    if author is not None:
        yield node, SCHEMA.author, author
    published = entity.facts.get("published")
    if published:
        value = str(published).split("/")[0]
        yield node, SCHEMA.datePublished, date_literal(value)[1]


def congress_facts(minter: Minter, node: URIRef, entity: Entity, corpus: ResolvedCorpus) -> Iterator[Triple]:
    if entity.facts.get("position"):
        yield node, SCHEMA.position, Literal(int(entity.facts["position"]))
        yield node, KG.ordinal, Literal(int(entity.facts["position"]))
    organizer = linked(corpus, minter, "organization", entity.facts.get("organizer"))
    if organizer is not None:
        yield node, SCHEMA.organizer, organizer
    for prop, key in ((SCHEMA.startDate, "start"), (SCHEMA.endDate, "end")):
        if entity.facts.get(key):
            yield node, prop, date_literal(entity.facts[key])[1]


def quotation_facts(minter: Minter, node: URIRef, entity: Entity, corpus: ResolvedCorpus) -> Iterator[Triple]:
    speaker = linked(corpus, minter, "person", entity.facts.get("speaker"))
    if speaker is not None:
        yield node, SCHEMA.creator, speaker
        yield node, KG.speaker, speaker
    work = linked(corpus, minter, "work", entity.facts.get("work"))
    if work is not None:
        yield node, SCHEMA.isPartOf, work
        yield node, KG.quotedFrom, work
    for key, props in (("volume", (BIBO.volume, KG.citedVolume)), ("page_start", (BIBO.pageStart, KG.citedPageStart)),
                       ("page_end", (BIBO.pageEnd, KG.citedPageEnd))):
        if entity.facts.get(key) is not None:
            for prop in props:
                yield node, prop, Literal(int(entity.facts[key]))
    # other cuts of the same passage (see extract/resolve.py, resolve_quotations)
    for other in sorted(entity.facts.get("overlaps", ())):
        target = linked(corpus, minter, "quotation", other)
        if target is not None:
            yield node, KG.overlapsWith, target


def no_facts(minter: Minter, node: URIRef, entity: Entity, corpus: ResolvedCorpus) -> Iterator[Triple]:
    return iter(())


# The facts each kind states besides its classes and names (a kind not listed states none).
FACT_WRITERS = {"work": work_facts, "congress": congress_facts, "quotation": quotation_facts}


def body_of(minter: Minter, corpus: ResolvedCorpus, m: Mention) -> URIRef | None:
    if m.kind == "date":
        return minter.date(m.key)
    entity = corpus.entity(m.kind, m.key)
    return minter.entity(entity) if entity else None


def annotation_triples(minter: Minter, corpus: ResolvedCorpus, doc_node: URIRef, dm: DocumentMentions,
                       m: Mention, body: URIRef) -> Iterator[Triple]:
    """One Web Annotation: body, and a target with a position selector and a quote selector."""
    ann = minter.annotation(dm.doc.doc_id, m)
    target, position, exact = URIRef(ann + "#target"), URIRef(ann + "#position"), URIRef(ann + "#quote")
    yield ann, RDF.type, OA.Annotation
    yield ann, RDF.type, KG.Mention
    yield ann, OA.hasBody, body
    yield ann, OA.motivatedBy, OA.identifying if m.kind != "date" else OA.tagging
    yield ann, OA.hasTarget, target
    yield ann, KG.rule, Literal(m.rule)
    yield ann, KG.sentence, Literal(sentence_around(dm.doc.text, m.start, m.end))
    yield target, RDF.type, OA.SpecificResource
    yield target, OA.hasSource, doc_node
    yield target, OA.hasSelector, position
    yield target, OA.hasSelector, exact
    yield position, RDF.type, OA.TextPositionSelector
    yield position, OA.start, Literal(m.start)
    yield position, OA.end, Literal(m.end)
    yield exact, RDF.type, OA.TextQuoteSelector
    yield exact, OA.exact, Literal(m.text)


def document_triples(minter: Minter, corpus: ResolvedCorpus, dm: DocumentMentions,
                     record: DocumentRecord | None = None, description: str | None = None) -> Iterator[Triple]:
    """A document's bibliographic record, its text, its mentions and every annotation on it."""
    doc = dm.doc
    node = minter.document(doc.doc_id)
    for cls in DOCUMENT.classes:
        yield node, RDF.type, cls
    yield node, DCTERMS.identifier, Literal(doc.doc_id)
    title = (record.title if record else "") or doc.doc_id
    yield node, SCHEMA.name, Literal(title)
    yield node, RDFS.label, Literal(title)
    if description:
        yield node, SCHEMA.description, Literal(description)
    if record is not None:
        author = linked(corpus, minter, "person", record.author)
        if author is not None:
            yield node, SCHEMA.author, author
        if record.date:
            yield node, SCHEMA.datePublished, date_literal(record.date)[1]
        if record.written:
            yield node, SCHEMA.dateCreated, date_literal(record.written)[1]
        translator = linked(corpus, minter, "person", record.translator)
        if translator is not None:
            yield node, SCHEMA.translator, translator
        if record.publisher:
            yield node, DCTERMS.publisher, Literal(record.publisher)
        if record.source:
            yield node, DCTERMS.source, Literal(record.source)
    yield node, SCHEMA.text, Literal(doc.text)
    yield node, DCTERMS.format, Literal("text/plain")
    yield node, SCHEMA.encodingFormat, Literal("text/plain; charset=utf-8")
    yield node, KG.sha256, Literal(doc.sha256)
    mentioned: set[URIRef] = set()
    for m in dm.mentions:
        body = body_of(minter, corpus, m)
        if body is None:
            continue
        if m.kind != "date":
            mentioned.add(body)
        yield from annotation_triples(minter, corpus, node, dm, m, body)
    for body in sorted(mentioned):
        yield node, SCHEMA.mentions, body
        yield node, KG.mentions, body


def corpus_triples(minter: Minter, corpus: ResolvedCorpus,
                   records: dict[str, tuple[DocumentRecord, str | None]]) -> Iterator[Triple]:
    """Every triple of the graph: entities, dates, documents and annotations."""
    attribute_own_words(corpus, {doc_id: record.author for doc_id, (record, _) in records.items()})
    for entity in sorted(corpus.entities.values(), key=lambda e: (e.kind, e.key)):
        yield from entity_triples(minter, entity, corpus)
    values = sorted({m.key for dm in corpus.documents for m in dm.of_kind("date")})
    for value in values:
        yield from date_triples(minter, value)
    for dm in corpus.documents:
        yield from document_triples(minter, corpus, dm, *records.get(dm.doc.doc_id, (None, None)))
