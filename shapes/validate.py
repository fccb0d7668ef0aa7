"""SHACL validation as plain SPARQL over pyoxigraph: shapes/*.ttl compiled to one query per constraint."""
from __future__ import annotations

import gzip
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ontology.vocab import ONTOLOGY_FILE, RDF, SH, SHAPES_IRI, XSD, new_graph

SHAPES_FILE = Path(__file__).with_name("shapes.ttl")

# Lexical forms a well-formed literal of these datatypes must have (SHACL counts ill-formed ones as violations).
LEXICAL = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.date: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYearMonth: r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.Literal: "isLiteral(?value)", SH.BlankNode: "isBlank(?value)",
              SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.IRIOrLiteral: "!isBlank(?value)",
              SH.BlankNodeOrLiteral: "!isIRI(?value)"}
# Everything a shape may say that is not a constraint (or is handled with the shape, not per component).
NOT_CONSTRAINTS = {RDF.type, SH.path, SH.name, SH.description, SH.message, SH.severity, SH.targetClass,
                   SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.sparql,
                   SH.deactivated, SH.order, SH.group, SH.flags}
SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


class ShapesError(Exception):
    """The shapes use a SHACL feature the validator does not compile; it refuses rather than skip it."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a SPARQL SELECT returning ?this (and ?value) for each violation."""

    query: str
    shape: Node
    node_shape: Node
    path: Node | None
    component: URIRef
    message: str
    severity: URIRef
    has_value: bool


@dataclass(frozen=True)
class Violation:
    """One validation result: focus node, path, value, message, shape."""

    focus: Node
    path: Node | None
    value: Node | None
    message: str
    shape: Node
    component: URIRef
    severity: URIRef = SH.Violation


@dataclass
class Report:
    """The outcome of validating one graph: conforms or not, and each violation in plain words."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    shapes: Graph | None = None

    def summary(self, examples: int = 3) -> str:
        """Violations grouped by message and shape, with counts and a few examples each."""
        if self.conforms and not self.violations:
            return "The graph conforms to the shapes."
        names = self.shapes or load_shapes()
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for v in self.violations:
            groups[(v.message, short(names, v.shape))].append(v)
        head = "The graph conforms, with notes" if self.conforms else "The graph does not conform"
        lines = [f"{head}: {len(self.violations)} violation(s) of {len(groups)} kind(s)."]
        for (message, shape), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            lines.append(f"\n  {len(items)} x {message}\n     shape: {shape}")
            for v in items[:examples]:
                lines.append(f"     - focus {short(names, v.focus)}"
                             + (f"  path {path_text(names, v.path)}" if v.path is not None else "")
                             + (f"  value {short(names, v.value)}" if v.value is not None else ""))
            if len(items) > examples:
                lines.append(f"     ... and {len(items) - examples} more")
        return "\n".join(lines)

    def counts(self) -> Counter:
        """How many violations of each message."""
        return Counter(v.message for v in self.violations)

    @property
    def graph(self) -> Graph:
        """The report as a SHACL validation report in RDF (what /validation serves)."""
        return report_graph(self)


def load_shapes(shapes_file: Path = SHAPES_FILE) -> Graph:
    graph = new_graph()
    graph.parse(shapes_file, format="turtle")
    return graph


def short(graph: Graph, node: Node | None) -> str:
    """A node as a person reads it: prefixed name, <IRI>, or the literal's first 80 characters."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # an IRI no prefix can shorten
            return f"<{node}>"
    if isinstance(node, Literal) and node.datatype:
        return f'"{str(node)[:80]}"^^{short(graph, node.datatype)}'
    return f'"{str(node)[:80]}"' if isinstance(node, Literal) else str(node)


def path_text(shapes: Graph, path: Node) -> str:
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + short(shapes, inverse)
    if isinstance(path, BNode):
        return "/".join(short(shapes, p) for p in Collection(shapes, path))
    return short(shapes, path)


# ------------------------------------------------------------------ compiling shapes to SPARQL

def sparql_term(node: Node) -> str:
    if isinstance(node, (URIRef, Literal)):
        return node.n3()
    raise ShapesError(f"a blank node where the shapes need an IRI or a literal: {node}")


def sparql_path(shapes: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return path.n3()
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + sparql_path(shapes, inverse)
    if shapes.value(path, RDF.first) is not None:
        return "/".join(sparql_path(shapes, p) for p in Collection(shapes, path))
    raise ShapesError(f"unsupported property path {path}: use an IRI, sh:inversePath or a sequence")


def instance_of(var: str, cls: Node) -> str:
    # SHACL instances include the instances of subclasses (the ontology is loaded beside the data).
    return f"{var} {RDF.type.n3()}/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {sparql_term(cls)}"


def target_pattern(shapes: Graph, shape: Node) -> str | None:
    """The focus nodes of a node shape, each once, as a subquery binding ?this; None if it has no target."""
    parts = [f"{{ {instance_of('?this', c)} }}" for c in shapes.objects(shape, SH.targetClass)]
    parts += [f"{{ ?this {sparql_term(p)} [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {sparql_term(p)} ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " } }")
    if not parts:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def value_test(shapes: Graph, member: Node) -> str:
    """The condition a value meets for one member of sh:or: a datatype or a class."""
    if (dt := shapes.value(member, SH.datatype)) is not None:
        return datatype_ok(dt)
    if (cls := shapes.value(member, SH["class"])) is not None:
        return f"EXISTS {{ {instance_of('?value', cls)} }}"
    raise ShapesError(f"sh:or member {member}: only sh:datatype or sh:class members are compiled")


def datatype_ok(dt: Node) -> str:
    test = f"(isLiteral(?value) && datatype(?value) = {sparql_term(dt)}"
    if dt in LEXICAL:
        test += f' && REGEX(STR(?value), "{LEXICAL[dt]}")'
    return test + ")"


def value_conditions(shapes: Graph, owner: Node, constraint: Node, obj: Node) -> str | None:
    """A FILTER expression true for a value that breaks a value-type or value-range constraint, else None."""
    if constraint == SH.datatype:
        return f"!{datatype_ok(obj)}"
    if constraint == SH["class"]:
        return f"NOT EXISTS {{ {instance_of('?value', obj)} }}"
    if constraint == SH.nodeKind:
        return f"!({NODE_KINDS[obj]})"
    if constraint == SH.pattern:
        flags = shapes.value(owner, SH.flags) or ""
        pattern = Literal(str(obj)).n3()
        return f'(isBlank(?value) || !REGEX(STR(?value), {pattern}, "{flags}"))'
    if constraint == SH.minLength:
        return f"(isBlank(?value) || STRLEN(STR(?value)) < {int(obj)})"
    if constraint == SH.maxLength:
        return f"(isBlank(?value) || STRLEN(STR(?value)) > {int(obj)})"
    comparisons = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}
    if constraint in comparisons:
        # A value that cannot be compared (wrong type) breaks the constraint too.
        return f"!COALESCE(?value {comparisons[constraint]} {sparql_term(obj)}, false)"
    if constraint == SH["in"]:
        return "?value NOT IN (" + ", ".join(sparql_term(v) for v in Collection(shapes, obj)) + ")"
    if constraint == SH["or"]:
        return "!(" + " || ".join(value_test(shapes, m) for m in Collection(shapes, obj)) + ")"
    return None


def constraint_query(shapes: Graph, owner: Node, target: str, values: str, path: str | None,
                     constraint: Node, obj: Node) -> tuple[str, bool]:
    """The SELECT for one constraint component of a shape, and whether its rows carry a ?value."""
    condition = value_conditions(shapes, owner, constraint, obj)
    if condition is not None:
        return f"SELECT ?this ?value WHERE {{ {target} {values} FILTER({condition}) }}", True
    if constraint == SH.hasValue:
        if path is None:
            return f"SELECT ?this WHERE {{ {target} FILTER(?this != {sparql_term(obj)}) }}", False
        # MINUS, not FILTER NOT EXISTS: evaluated once and hash-joined, where NOT EXISTS runs per focus node.
        return f"SELECT ?this WHERE {{ {target} MINUS {{ ?this {path} {sparql_term(obj)} }} }}", False
    if path is None:
        raise ShapesError(f"{constraint} is only compiled on property shapes")
    if constraint == SH.minCount and int(obj) == 1:
        return f"SELECT ?this WHERE {{ {target} MINUS {{ ?this {path} ?value }} }}", False
    if constraint == SH.minCount:
        return (f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) < {int(obj)})"), False
    if constraint == SH.maxCount:
        return (f"SELECT ?this WHERE {{ {target} ?this {path} ?value }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) > {int(obj)})"), False
    pairs = {SH.lessThan: "<", SH.lessThanOrEquals: "<=", SH.equals: "=", SH.disjoint: "!="}
    if constraint in pairs:
        other = f"?this {sparql_term(obj)} ?other"
        return (f"SELECT ?this ?value WHERE {{ {target} {values} {other} "
                f"FILTER(!COALESCE(?value {pairs[constraint]} ?other, false)) }}"), True
    raise ShapesError(f"unsupported constraint {constraint}: add it to shapes/validate.py or express it as "
                      "a sh:SPARQLConstraint")


def sparql_prefixes(shapes: Graph, constraint: Node) -> str:
    declared = set()
    for owner in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(owner, SH.declare):
            declared.add((str(shapes.value(decl, SH.prefix)), str(shapes.value(decl, SH.namespace))))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared))


def sparql_constraint(shapes: Graph, shape: Node, target: str, constraint: Node) -> tuple[str, str]:
    """A sh:SPARQLConstraint's SELECT, run once for every focus node at a time; and its message."""
    select = str(shapes.value(constraint, SH.select))
    if "$PATH" in select or "$currentShape" in select or "$shapesGraph" in select:
        raise ShapesError(f"{shape}: $PATH, $currentShape and $shapesGraph are not supported")
    select = re.sub(r"\$this\b", "?this", select)
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message) or "SPARQL constraint"
    query = f"{sparql_prefixes(shapes, constraint)}SELECT * WHERE {{ {target} {{ {select} }} }}"
    return query, str(message)


def property_checks(shapes: Graph, node_shape: Node, prop: Node, target: str) -> Iterator[Check]:
    if (prop, SH.deactivated, Literal(True)) in shapes:
        return
    path_node = shapes.value(prop, SH.path)
    path = sparql_path(shapes, path_node)
    values = f"?this {path} ?value ."
    message = str(shapes.value(prop, SH.message) or f"{path_text(shapes, path_node)} breaks {short(shapes, prop)}")
    severity = shapes.value(prop, SH.severity) or SH.Violation
    for constraint, obj in sorted(shapes.predicate_objects(prop)):
        if constraint in NOT_CONSTRAINTS or not str(constraint).startswith(str(SH)):
            continue
        query, has_value = constraint_query(shapes, prop, target, values, path, constraint, obj)
        # A blank property shape is named by its node shape, which a reader can look up at /shapes.
        named = prop if isinstance(prop, URIRef) else node_shape
        yield Check(query, named, node_shape, path_node, component_of(constraint), message, severity, has_value)


def component_of(constraint: Node) -> URIRef:
    name = str(constraint)[len(str(SH)):]
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def node_checks(shapes: Graph, shape: Node) -> Iterator[Check]:
    target = target_pattern(shapes, shape)
    if target is None or (shape, SH.deactivated, Literal(True)) in shapes:
        return
    message = str(shapes.value(shape, SH.message) or f"{short(shapes, shape)} not met")
    severity = shapes.value(shape, SH.severity) or SH.Violation
    for prop in shapes.objects(shape, SH.property):
        yield from property_checks(shapes, shape, prop, target)
    for constraint in shapes.objects(shape, SH.sparql):
        query, text = sparql_constraint(shapes, shape, target, constraint)
        yield Check(query, shape, shape, None, SH.SPARQLConstraintComponent, text, severity, True)
    for constraint, obj in sorted(shapes.predicate_objects(shape)):
        if constraint in NOT_CONSTRAINTS or not str(constraint).startswith(str(SH)):
            continue
        if constraint in (SH.xone, SH["and"], SH["not"], SH.node, SH.qualifiedValueShape, SH.closed):
            raise ShapesError(f"{short(shapes, shape)}: {short(shapes, constraint)} is not compiled; "
                              "use property shapes or a sh:SPARQLConstraint")
        query, has_value = constraint_query(shapes, shape, target, "BIND(?this AS ?value)", None, constraint, obj)
        yield Check(query, shape, shape, None, component_of(constraint), message, severity, has_value)


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every constraint of every targeted shape, as a SPARQL query."""
    roots = set(shapes.subjects(RDF.type, SH.NodeShape))
    for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
        roots |= set(shapes.subjects(predicate, None))
    return [check for shape in sorted(roots) for check in node_checks(shapes, shape)]


# ------------------------------------------------------------------ running the checks

def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def column(row: ox.QuerySolution, name: str) -> Node | None:
    """A result column as an rdflib term; None when the query has no such variable or leaves it unbound."""
    try:
        return to_rdflib(row[name])
    except (KeyError, IndexError):
        return None


def fill_message(template: str, row: ox.QuerySolution, shapes: Graph) -> str:
    """Replace {?var} and {$var} in a message with the row's values (an IRI in full, a literal's text)."""
    def value(match: re.Match) -> str:
        term = column(row, match.group(1))
        return match.group(0) if term is None else str(term)
    return re.sub(r"\{[?$](\w+)\}", value, template)


def run_check(store: ox.Store, check: Check, shapes: Graph) -> Iterator[Violation]:
    for row in store.query(check.query):
        focus = to_rdflib(row["this"])
        value = column(row, "value") if check.has_value else None
        message = fill_message(check.message, row, shapes) if "{" in check.message else check.message
        yield Violation(focus, check.path, value, message, check.shape, check.component, check.severity)


def validate_store(store: ox.Store, shapes: Graph | None = None) -> Report:
    """Run every compiled constraint on a store that holds the data (and the ontology, for subclasses)."""
    shapes = shapes if shapes is not None else load_shapes()
    violations = [v for check in compile_shapes(shapes) for v in run_check(store, check, shapes)]
    violations.sort(key=lambda v: (SEVERITY_ORDER.get(v.severity, 3), v.message, str(v.focus), str(v.value)))
    conforms = not any(v.severity == SH.Violation for v in violations)
    return Report(conforms, violations, shapes)


def data_store(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> ox.Store:
    """An in-memory store with the data and the ontology (whose rdfs:subClassOf give SHACL its instances)."""
    store = ox.Store()
    store.bulk_load(input=data, format=fmt)
    store.bulk_load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    return store


def validate_ntriples(data: bytes, shapes: Graph | None = None) -> Report:
    return validate_store(data_store(data), shapes)


def validate_graph(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate an rdflib graph against the project's shapes."""
    return validate_ntriples(data.serialize(format="nt", encoding="utf-8"), shapes)


def validate_file(path: Path) -> Report:
    """Validate any RDF file (format from its extension, optionally gzipped); a parse error raises SyntaxError."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    suffix = name.rsplit(".", 1)[-1] if "." in name else "ttl"
    fmt = ox.RdfFormat.from_extension(suffix) or ox.RdfFormat.TURTLE
    data = gzip.open(path).read() if path.name.endswith(".gz") else path.read_bytes()
    return validate_store(data_store(data, fmt))


# ------------------------------------------------------------------ the report in RDF

def report_graph(report: Report) -> Graph:
    """A sh:ValidationReport with one sh:ValidationResult per violation (content-derived nodes: stable)."""
    g = new_graph()
    g.bind("sh", SH)
    node = URIRef(SHAPES_IRI + "/report")
    g.add((node, RDF.type, SH.ValidationReport))
    g.add((node, SH.conforms, Literal(report.conforms)))
    shapes = report.shapes
    for i, v in enumerate(report.violations):
        result = BNode(f"result{i}")
        g.add((node, SH.result, result))
        g.add((result, RDF.type, SH.ValidationResult))
        g.add((result, SH.focusNode, v.focus))
        g.add((result, SH.resultMessage, Literal(v.message)))
        g.add((result, SH.resultSeverity, v.severity))
        g.add((result, SH.sourceConstraintComponent, v.component))
        if isinstance(v.shape, URIRef):
            g.add((result, SH.sourceShape, v.shape))
        if v.value is not None:
            g.add((result, SH.value, v.value))
        if v.path is not None and shapes is not None:
            g.add((result, SH.resultPath, v.path))
            if isinstance(v.path, BNode):
                for triple in shapes.cbd(v.path):
                    g.add(triple)
    return g
