"""SHACL validation with pyshacl over shapes/*.ttl, and reports a person can read (grouped, counted)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ontology.vocab import ONTOLOGY_FILE, SH, new_graph

SHAPES_FILE = Path(__file__).with_name("shapes.ttl")


@dataclass(frozen=True)
class Violation:
    """One result of the validation report, in plain words."""

    focus: str
    path: str
    value: str
    message: str
    shape: str
    severity: str


@dataclass
class Report:
    """The outcome of validating one graph: conforms or not, each violation, and the report as RDF."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    graph: Graph | None = None

    def summary(self, examples: int = 3) -> str:
        """Violations grouped by message and shape, with counts and a few examples each."""
        if self.conforms:
            return "The graph conforms to the shapes."
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for v in self.violations:
            groups[(v.message, v.shape)].append(v)
        lines = [f"The graph does not conform: {len(self.violations)} violation(s) of "
                 f"{len(groups)} kind(s)."]
        for (message, shape), items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"\n  {len(items)} x {message}\n     shape: {shape}")
            for v in items[:examples]:
                lines.append(f"     - focus {v.focus}" + (f"  path {v.path}" if v.path else "")
                             + (f"  value {v.value}" if v.value else ""))
            if len(items) > examples:
                lines.append(f"     ... and {len(items) - examples} more")
        return "\n".join(lines)

    def counts(self) -> Counter:
        return Counter(v.message for v in self.violations)


def load_shapes(shapes_file: Path = SHAPES_FILE) -> Graph:
    graph = new_graph()
    graph.parse(shapes_file, format="turtle")
    return graph


def short(graph: Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # an IRI no prefix can shorten
            return f"<{node}>"
    return str(node)[:80]


def read_violations(report: Graph, data: Graph) -> list[Violation]:
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def one(prop):
            return next(report.objects(result, prop), None)
        message = one(SH.resultMessage)
        out.append(Violation(
            focus=short(data, one(SH.focusNode)), path=short(data, one(SH.resultPath)),
            value=short(data, one(SH.value)),
            message=str(message) if message else short(data, one(SH.sourceConstraintComponent)),
            shape=short(data, one(SH.sourceShape)), severity=short(data, one(SH.resultSeverity))))
    return sorted(out, key=lambda v: (v.message, v.focus))


def validate_graph(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate a graph against the project's shapes (with the ontology for class hierarchy)."""
    shapes = shapes if shapes is not None else load_shapes()
    ontology = Graph().parse(ONTOLOGY_FILE, format="turtle")
    conforms, report_graph, _text = shacl_validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True, allow_warnings=True)
    return Report(bool(conforms), read_violations(report_graph, data), report_graph)


def validate_file(path: Path) -> Report:
    """Validate any RDF file (format guessed from its extension)."""
    from rdflib.util import guess_format
    graph = new_graph()
    name = str(path)
    fmt = guess_format(name[:-3] if name.endswith(".gz") else name) or "turtle"
    if name.endswith(".gz"):
        import gzip
        graph.parse(data=gzip.open(path).read(), format=fmt)
    else:
        graph.parse(path, format=fmt)
    return validate_graph(graph)
