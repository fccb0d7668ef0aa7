"""Descriptions of the service and the dataset: SPARQL Service Description and VoID/DCAT, from the build manifest."""
from __future__ import annotations

from flask import current_app, request
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kgpub.ontology.kinds import KINDS
from kgpub.ontology.vocab import DCAT, DCTERMS, ONTOLOGY_IRI, RDF, SCHEMA, SD, SH, SHAPES_IRI, VOID, new_graph
from kgpub.output import property_partitions as count_partitions
from kgpub.server.results import GRAPH_FORMATS

RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                  "application/rdf+xml": "xml", "text/plain": "nt"}


_PARTITIONS: dict[str, dict[str, tuple[int, int]]] = {}


def property_partitions(build, store) -> dict[str, tuple[int, int]]:
    """{property IRI: (triples, distinct subjects)} of the build's graph: as its manifest records them (counted
    when it was written); for a build made before they were, counted once by this process."""
    recorded = build.manifest.get("properties")
    if recorded is not None:
        return {p: (n, s) for p, (n, s) in recorded.items()}
    if build.build_id not in _PARTITIONS:
        _PARTITIONS.clear()  # only the build in service is described
        _PARTITIONS[build.build_id] = {p: (n, s) for p, (n, s) in count_partitions(store).items()}
    return _PARTITIONS[build.build_id]


def site_root() -> str:
    return request.host_url


def void_graph(manifest: dict, root: str, properties: dict[str, tuple[int, int]] | None = None):
    """The VoID/DCAT description of the dataset in service: dumps, licence, sources, date, partitions."""
    g = new_graph()
    g.bind("sd", SD)
    dataset = URIRef(root + ".well-known/void#dataset")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(manifest.get("title") or "kgpub dataset")))
    g.add((dataset, DCTERMS.description, Literal(
        "Persons, works, congresses, dates and quotations found in a corpus of political texts, every fact "
        "traced to the words that support it (Web Annotations with exact character offsets).")))
    if manifest.get("license"):
        g.add((dataset, DCTERMS.license, URIRef(manifest["license"])))
    g.add((dataset, DCTERMS.created, Literal(manifest["created"], datatype=XSD.dateTime)))
    g.add((dataset, DCTERMS.identifier, Literal(manifest["build_id"])))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(root + "sparql")))
    g.add((dataset, VOID.uriSpace, Literal(manifest["base_iri"])))
    g.add((dataset, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    g.add((dataset, VOID.vocabulary, URIRef(str(SCHEMA))))
    g.add((dataset, VOID.triples, Literal(manifest["triples"])))
    g.add((dataset, URIRef(str(DCTERMS) + "conformsTo"), URIRef(SHAPES_IRI)))
    for doc in manifest.get("documents", []):
        g.add((dataset, DCTERMS.source, URIRef(f"{manifest['base_iri']}document/{doc['id']}")))
    for source in manifest.get("sources", []):
        g.add((dataset, DCTERMS.source, Literal(source)))
    for dump in manifest.get("dumps", []):
        url = URIRef(f"{root}dumps/{dump['name']}")
        if dump["kind"] == "graph":
            g.add((dataset, VOID.dataDump, url))
        distribution = BNode(dump["name"])
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, url))
        g.add((distribution, DCAT.mediaType, Literal(dump["media_type"])))
        g.add((distribution, DCAT.byteSize, Literal(dump["bytes"])))
        g.add((distribution, URIRef("http://spdx.org/rdf/terms#checksum"), Literal("sha256:" + dump["sha256"])))
        if dump.get("license"):
            g.add((distribution, DCTERMS.license, URIRef(dump["license"])))
    validation = manifest.get("validation") or {}
    if validation.get("report"):
        g.add((dataset, URIRef(str(DCTERMS) + "hasPart"), URIRef(root + "validation")))
    counts = manifest.get("entities", {})
    for kind in () if manifest.get("sources") else KINDS:  # RDF files served as given have no kinds
        partition = BNode("class-" + kind.name)
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], kind.own_class))
        g.add((partition, VOID.entities, Literal(counts.get(kind.name, 0))))
    g.add((dataset, VOID.properties, Literal(len(properties or {}))))
    for index, (prop, (triples, subjects)) in enumerate(sorted((properties or {}).items())):
        partition = BNode(f"property-{index}")
        g.add((dataset, VOID.propertyPartition, partition))
        g.add((partition, VOID.property, URIRef(prop)))
        g.add((partition, VOID.triples, Literal(triples)))
        g.add((partition, VOID.distinctSubjects, Literal(subjects)))
    return g


def service_description(media: str) -> bytes:
    """The SPARQL 1.1 Service Description of /sparql, with the dataset's VoID description."""
    build, store = current_app.extensions["kgpub_source"].get()
    root = site_root()
    g = void_graph(build.manifest, root, property_partitions(build, store))
    service = URIRef(root + "sparql")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/" + fmt)))
    g.add((service, SD.feature, SD.BasicFederatedQuery))
    default_dataset = BNode("default-dataset")
    g.add((service, SD.defaultDataset, default_dataset))
    g.add((default_dataset, RDF.type, SD.Dataset))
    default_graph = BNode("default-graph")
    g.add((default_dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    g.add((default_graph, VOID.triples, Literal(build.manifest["triples"])))
    g.add((default_dataset, URIRef(str(DCTERMS) + "source"), URIRef(root + ".well-known/void#dataset")))
    # the prefixes every query may use undeclared, as SHACL declares prefixes (sh:declare)
    g.bind("sh", SH)
    for prefix, namespace in current_app.extensions["kgpub_prefixes"].items():
        declaration = BNode("prefix-" + prefix)
        g.add((service, SH.declare, declaration))
        g.add((declaration, SH.prefix, Literal(prefix)))
        g.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    assert media in GRAPH_FORMATS
    return g.serialize(format=RDFLIB_FORMATS[media], encoding="utf-8")
