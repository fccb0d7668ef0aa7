"""The build's SHACL validation report read back and grouped by message and shape, for the /validation page."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import RDF
from rdflib.term import Node

from kgpub.ontology.vocab import SH
from kgpub.shapes.validate import SHAPES_FILE, load_shapes, path_text, short

EXAMPLES = 5


def path_label(report: Graph, names: Graph, path: Node | None) -> str:
    """A result's path with the shapes' prefixes (a complex path's structure is in the report)."""
    if path is None:
        return ""
    return path_text(report, path) if isinstance(path, BNode) else short(names, path)


def report_groups(path: Path) -> tuple[bool, int, list[dict]]:
    """Conforms, the number of results, and the results grouped by (message, shape), largest group first."""
    graph = Graph().parse(path)
    names = load_shapes(SHAPES_FILE)
    report = graph.value(None, RDF.type, SH.ValidationReport)
    conforms = graph.value(report, SH.conforms)
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for result in graph.objects(report, SH.result):
        shape = graph.value(result, SH.sourceShape)
        if isinstance(shape, BNode):  # a blank property shape: named by the shape that holds it
            shape = graph.value(None, SH.property, shape) or shape
        path_node = graph.value(result, SH.resultPath)
        value = graph.value(result, SH.value)
        key = (str(graph.value(result, SH.resultMessage) or ""), short(names, shape) if shape else "")
        groups[key].append({"focus": str(graph.value(result, SH.focusNode)),
                            "path": path_label(graph, names, path_node),
                            "value": short(names, value) if value is not None else "",
                            "severity": str(graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]})
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return (bool(conforms is not None and conforms.toPython()),
            sum(len(items) for items in groups.values()),
            [{"message": message, "shape": shape, "count": len(items), "examples": items[:EXAMPLES]}
             for (message, shape), items in ordered])
