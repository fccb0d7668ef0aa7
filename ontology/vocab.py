"""Namespaces of every vocabulary the graph speaks, declared once and imported everywhere."""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import OWL, RDF, RDFS, XSD, DCTERMS

# The contract's schema.org is the http:// one (rdflib's SDO is https://).
SCHEMA = Namespace("http://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SH = Namespace("http://www.w3.org/ns/shacl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")

# The project's own ontology: a hash namespace, published at ONTOLOGY_IRI.
ONTOLOGY_IRI = "https://w3id.org/kgpub/ontology"
KG = Namespace(ONTOLOGY_IRI + "#")
SHAPES_IRI = "https://w3id.org/kgpub/shapes"
KGSH = Namespace(SHAPES_IRI + "#")

ONTOLOGY_FILE = Path(__file__).with_name("kgpub.ttl")

PREFIXES: dict[str, Namespace] = {
    "schema": SCHEMA,
    "dcterms": Namespace(str(DCTERMS)),
    "oa": OA,
    "time": TIME,
    "bibo": BIBO,
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "skos": SKOS,
    "wd": WD,
    "wdt": WDT,
    "void": VOID,
    "dcat": DCAT,
    "prov": PROV,
    "kg": KG,
}


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound (and not rdflib's https schema.org)."""
    graph = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, for queries written in code."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


__all__ = [
    "SCHEMA", "OA", "TIME", "BIBO", "VOID", "DCAT", "SD", "SH", "PROV", "WD", "WDT", "SKOS", "KG", "KGSH",
    "OWL", "RDF", "RDFS", "XSD", "DCTERMS", "ONTOLOGY_IRI", "SHAPES_IRI", "ONTOLOGY_FILE",
    "PREFIXES", "new_graph", "sparql_prefixes",
]
