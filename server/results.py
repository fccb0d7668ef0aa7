"""Serialising SPARQL results (JSON, XML, CSV, TSV) and graphs (Turtle, N-Triples, JSON-LD, RDF/XML)."""
from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

SELECT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
SRJ, SRX = "application/sparql-results+json", "application/sparql-results+xml"
TURTLE, N_TRIPLES = "text/turtle", "application/n-triples"
JSON_LD, RDF_XML = "application/ld+json", "application/rdf+xml"
# What a /sparql client means by format= (or output=): the media type for SELECT/ASK results and the one for a
# graph. The values are those common clients send: SPARQLWrapper sends its return format (`xml` by default, also
# for CONSTRUCT, where RDF/XML is what it reads), Virtuoso's and Wikidata's users the short names or media types.
FORMAT_PARAMETER: dict[str, tuple[str | None, str | None]] = {
    **dict.fromkeys(["json", "srj", SRJ], (SRJ, JSON_LD)),
    "application/json": ("application/json", JSON_LD),
    **dict.fromkeys(["xml", "srx", SRX], (SRX, RDF_XML)),
    **dict.fromkeys(["application/xml", "text/xml"], ("application/xml", RDF_XML)),
    **dict.fromkeys(["csv", "text/csv"], ("text/csv", TURTLE)),
    **dict.fromkeys(["tsv", "text/tab-separated-values"], ("text/tab-separated-values", TURTLE)),
    **dict.fromkeys(["rdf+xml", "rdf", "rdfxml", "rdf/xml", RDF_XML], (None, RDF_XML)),
    **dict.fromkeys(["turtle", "ttl", "n3", TURTLE, "text/n3", "text/rdf+n3"], (None, TURTLE)),
    **dict.fromkeys(["nt", "ntriples", "n-triples", N_TRIPLES, "text/plain"], (None, N_TRIPLES)),
    **dict.fromkeys(["json-ld", "jsonld", JSON_LD], (None, JSON_LD)),
}
# A graph asked for with an Accept header that names only result formats (Debian's roqet sends
# `application/sparql-results+xml` for a CONSTRUCT) is given in the RDF syntax of the same family, as Virtuoso
# and Wikidata's query service do, rather than refused.
GRAPH_FOR_RESULTS = {SRJ: JSON_LD, "application/json": JSON_LD, SRX: RDF_XML, "application/xml": RDF_XML,
                     "text/csv": TURTLE, "text/tab-separated-values": TURTLE}
# Short names accepted by the format= parameter of the pages.
FORMAT_ALIASES = {
    "json": "application/sparql-results+json", "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json", "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml", "html": "text/html",
}


def term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": term_json(term.subject),
                                            "predicate": term_json(term.predicate),
                                            "object": term_json(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{term_xml(term.subject)}</subject><predicate>{term_xml(term.predicate)}"
                f"</predicate><object>{term_xml(term.object)}</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def term_csv(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def term_tsv(term) -> str:
    return "" if term is None else str(term)


def json_head_in_order(body: bytes, variables: list[str]) -> bytes:
    """SPARQL JSON results with the variables of their head in the given order (the bindings are unordered)."""
    start = b'{"head":{"vars":'
    head, sep, rest = body.partition(b"]},")
    if not body.startswith(start) or not sep:
        return body
    names = json.loads(head[len(start):] + b"]")
    ordered = sorted(names, key=lambda v: (variables.index(v) if v in variables else len(variables), names.index(v)))
    return start + json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"}," + rest


def select_bytes(variables: list[str], rows: list[list], kind: str) -> bytes:
    """SELECT results (variables, rows of terms or None) in one of json, xml, csv, tsv."""
    if kind == "json":
        bindings = [{v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if kind == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
        parts.append("</head><results>")
        for row in rows:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(v)}>{term_xml(t)}</binding>"
                      for v, t in zip(variables, row, strict=True) if t is not None]
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode("utf-8")
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([[term_csv(t) for t in row] for row in rows])
        return buffer.getvalue().encode("utf-8")
    if kind == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(term_tsv(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {kind}")


def boolean_bytes(value: bool, kind: str) -> bytes:
    """ASK results."""
    if kind in ("json",):
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if kind == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode("utf-8")
    return (f"_askResult\r\n{'true' if value else 'false'}\r\n" if kind == "csv"
            else f"?_askResult\n{'true' if value else 'false'}\n").encode("utf-8")


def graph_bytes(triples: list, media_type: str, prefixes: dict[str, str] | None = None) -> bytes:
    """CONSTRUCT/DESCRIBE results as an RDF serialisation."""
    fmt = GRAPH_FORMATS[media_type]
    kwargs = {"prefixes": prefixes} if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else {}
    return ox.serialize(triples, format=fmt, **kwargs) or b""
