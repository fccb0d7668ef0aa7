"""SHACL validation: each shape compiled to SPARQL over pyoxigraph, or, where that is not exact, checked by pyshacl."""
from __future__ import annotations

import gzip
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDFS
from rdflib.util import guess_format
from rdflib.term import Node

from kgpub.ontology.vocab import ONTOLOGY_FILE, RDF, SH, SHAPES_IRI, XSD, new_graph

SHAPES_FILE = Path(__file__).with_name("shapes.ttl")

XSD_NS = str(XSD)
# Datatypes the store keeps as written when well-formed, and whose well-formedness a cast of the lexical form
# decides (an ill-formed literal stays a typed string in the store and its cast fails).
CHECKABLE_DATATYPES = {XSD[n] for n in (
    "string", "boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time", "duration",
    "dayTimeDuration", "yearMonthDuration", "gYear", "gYearMonth", "gMonth", "gDay", "gMonthDay")}
# Well-formed literals the store's casts refuse: integers and decimals beyond its 64-bit and 18-digit range
# (XSD bounds neither), and 29 February without a year (XSD allows it in xsd:gMonthDay).
BEYOND_CASTS = {XSD.integer: r"^[+-]?[0-9]+$", XSD.decimal: r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$",
                XSD.gMonthDay: r"^--02-29(Z|[+-][0-9][0-9]:[0-9][0-9])?$"}
# Datatypes the store files under another one: a sh:datatype of the latter is exact only on data without them.
STORE_MERGES = {
    XSD.integer: {XSD[n] for n in (
        "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")},
    XSD.dateTime: {XSD.dateTimeStamp},
}
NODE_KINDS = {SH.IRI: "isIRI(?value)", SH.Literal: "isLiteral(?value)", SH.BlankNode: "isBlank(?value)",
              SH.BlankNodeOrIRI: "!isLiteral(?value)", SH.IRIOrLiteral: "!isBlank(?value)",
              SH.BlankNodeOrLiteral: "!isIRI(?value)"}
PATHS = {SH.inversePath: "^{}", SH.alternativePath: "", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+",
         SH.zeroOrOnePath: "{}?"}
# Everything a shape may say that is not a constraint (or is handled with the shape, not per component).
NOT_CONSTRAINTS = {RDF.type, SH.path, SH.name, SH.description, SH.message, SH.severity, SH.targetClass,
                   SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.sparql,
                   SH.deactivated, SH.order, SH.group, SH.flags, SH.defaultValue, SH.declare,
                   SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.ignoredProperties}
# Constraints the compiler leaves to the library: shapes within shapes, closed shapes, languages.
LIBRARY_ONLY = {SH["and"], SH["not"], SH.xone, SH.node, SH.qualifiedValueShape, SH.closed, SH.languageIn}
SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
RDFLIB_FORMATS = {ox.RdfFormat.N_TRIPLES: "nt", ox.RdfFormat.TURTLE: "turtle", ox.RdfFormat.RDF_XML: "xml",
                  ox.RdfFormat.N_QUADS: "nquads", ox.RdfFormat.TRIG: "trig", ox.RdfFormat.N3: "n3",
                  ox.RdfFormat.JSON_LD: "json-ld"}


class ShapesError(Exception):
    """The shapes use a SHACL feature the validator does not compile; it refuses rather than skip it."""


class Unsupported(ShapesError):
    """One shape uses a feature the compiler does not check exactly: the message names both."""

    def __init__(self, feature: str, shape: Node | None = None):
        super().__init__(f"{feature} (in shape {shape.n3() if shape is not None else '?'})")


@dataclass(frozen=True)
class Source:
    """The data as written, for the library: a graph maker, and whether the store keeps every datatype."""

    graph: Callable[[], Graph]
    kept: bool


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
    node_shape: Node | None = None  # the shape a reader looks up (a blank property shape's node shape)


@dataclass
class Report:
    """The outcome of validating one graph: conforms or not, and each violation in plain words."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    shapes: Graph | None = None
    delegated: dict[Node, str] = field(default_factory=dict)  # shapes the library checked, and why

    def summary(self, examples: int = 3) -> str:
        """Violations grouped by message and shape, with counts and a few examples each."""
        if self.conforms and not self.violations:
            return "The graph conforms to the shapes."
        names = self.shapes or load_shapes()
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for v in self.violations:
            groups[(v.message, short(names, v.node_shape or v.shape))].append(v)
        lines = [f"The graph does not conform: {len(self.violations)} result(s) of {len(groups)} kind(s)."]
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
    """A shapes graph from a file (Turtle unless its extension says otherwise), its literals exactly as written.

    rdflib would rewrite "1"^^xsd:boolean to "true"; SHACL tells them apart (only true activates sh:uniqueLang).
    """
    graph = new_graph()
    graph.parse(shapes_file, format=guess_format(str(shapes_file)) or "turtle")  # for its prefixes
    graph.remove((None, None, None))
    fmt = ox.RdfFormat.from_extension(Path(shapes_file).suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    for triple in ox.parse(path=str(shapes_file), format=fmt, base_iri=Path(shapes_file).resolve().as_uri()):
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
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
    """A property path as a person reads it, in SPARQL's notation."""
    if not isinstance(path, BNode):
        return short(shapes, path)
    if shapes.value(path, RDF.first) is not None:
        return "/".join(path_text(shapes, p) for p in Collection(shapes, path))
    if (inner := shapes.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(path_text(shapes, p) for p in Collection(shapes, inner)) + ")"
    for kind, template in PATHS.items():
        if (inner := shapes.value(path, kind)) is not None:
            return template.format(path_text(shapes, inner))
    return str(path)


# ------------------------------------------------------------------ compiling shapes to SPARQL

def sparql_term(node: Node, shape: Node | None = None) -> str:
    if isinstance(node, (URIRef, Literal)):
        return node.n3()
    raise Unsupported("a blank node where an IRI or a literal is expected", shape)


def sparql_path(shapes: Graph, path: Node, shape: Node | None = None) -> str:
    """A SHACL property path as a SPARQL property path (the same semantics for every kind SHACL has)."""
    if isinstance(path, URIRef):
        return path.n3()
    if shapes.value(path, RDF.first) is not None:
        return "(" + "/".join(sparql_path(shapes, p, shape) for p in Collection(shapes, path)) + ")"
    for kind, template in PATHS.items():
        inner = shapes.value(path, kind)
        if inner is None:
            continue
        if kind == SH.alternativePath:
            return "(" + "|".join(sparql_path(shapes, p, shape) for p in Collection(shapes, inner)) + ")"
        return template.format(sparql_path(shapes, inner, shape))
    raise Unsupported(f"the property path {path}", shape)


def instance_of(var: str, cls: Node, shape: Node | None = None) -> str:
    # SHACL instances include the instances of subclasses (the ontology is loaded beside the data).
    return f"{var} {RDF.type.n3()}/{RDFS.subClassOf.n3()}* {sparql_term(cls, shape)}"


def is_implicit_class(shapes: Graph, shape: Node) -> bool:
    """A shape that is also a class targets that class's instances (SHACL 2.1.3.3)."""
    return (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes


def target_pattern(shapes: Graph, shape: Node) -> str | None:
    """The focus nodes of a shape, each once, as a subquery binding ?this; None if it has no target."""
    classes = list(shapes.objects(shape, SH.targetClass))
    if is_implicit_class(shapes, shape):
        classes.append(shape)
    parts = [f"{{ {instance_of('?this', c, shape)} }}" for c in classes]
    parts += [f"{{ ?this {sparql_term(p, shape)} [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {sparql_term(p, shape)} ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    nodes = list(shapes.objects(shape, SH.targetNode))
    for node in nodes:
        if isinstance(node, Literal):
            raise Unsupported("sh:targetNode with a literal (the store keeps literals in canonical form)", shape)
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(sparql_term(n, shape) for n in nodes) + " } }")
    if not parts:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def datatype_ok(dt: Node, kept: bool, shape: Node | None = None) -> str:
    """True for a literal of exactly that datatype whose lexical form is well-formed for it."""
    if dt == RDF.langString:
        return '(isLiteral(?value) && LANG(?value) != "")'
    if dt not in CHECKABLE_DATATYPES:
        raise Unsupported(f"sh:datatype {dt.n3()} (the compiler checks the well-formedness of the XSD primitive "
                          "types only)", shape)
    if dt in STORE_MERGES and not kept:
        merged = ", ".join(sorted("xsd:" + str(d).rsplit("#", 1)[1] for d in STORE_MERGES[dt]))
        raise Unsupported(f"sh:datatype xsd:{dt.rsplit('#', 1)[1]} on data with a datatype the store files under it "
                          f"(one of {merged})", shape)
    # An ill-formed literal ("2021-02-30"^^xsd:date) stays in the store as written, and its cast fails.
    well_formed = f"COALESCE(isLiteral({dt.n3()}(STR(?value))), false)"
    if dt in BEYOND_CASTS:
        well_formed = f'({well_formed} || REGEX(STR(?value), "{BEYOND_CASTS[dt]}"))'
    return f"(isLiteral(?value) && datatype(?value) = {dt.n3()} && {well_formed})"


def value_test(shapes: Graph, member: Node, kept: bool, shape: Node) -> str:
    """The condition a value meets for one member of sh:or: a datatype or a class, nothing else."""
    constraints = {p for p in shapes.predicates(member) if str(p).startswith(str(SH))}
    if constraints == {SH.datatype}:
        return datatype_ok(shapes.value(member, SH.datatype), kept, shape)
    if constraints == {SH["class"]}:
        return f"EXISTS {{ {instance_of('?value', shapes.value(member, SH['class']), shape)} }}"
    raise Unsupported("sh:or with a member that is more than one sh:datatype or one sh:class", shape)


def plain_term(node: Node, shape: Node, feature: str) -> str:
    """An IRI or a string literal: the terms the store keeps exactly as written (others it canonicalises)."""
    if isinstance(node, Literal) and (node.datatype not in (None, XSD.string) or node.language):
        raise Unsupported(f"{feature} with a literal that is not a plain string ({node.n3()})", shape)
    return sparql_term(node, shape)


def value_conditions(shapes: Graph, owner: Node, constraint: Node, obj: Node, kept: bool) -> str | None:
    """A FILTER expression true for a value that breaks a value-type or value-range constraint, else None."""
    if constraint == SH.datatype:
        return f"!{datatype_ok(obj, kept, owner)}"
    if constraint == SH["class"]:
        return f"NOT EXISTS {{ {instance_of('?value', obj, owner)} }}"
    if constraint == SH.nodeKind:
        if obj not in NODE_KINDS:
            raise Unsupported(f"sh:nodeKind {obj}", owner)
        return f"!({NODE_KINDS[obj]})"
    if constraint == SH.pattern:
        flags = shapes.value(owner, SH.flags) or ""
        return f'(isBlank(?value) || !REGEX(STR(?value), {Literal(str(obj)).n3()}, "{flags}"))'
    if constraint == SH.minLength:
        return f"(isBlank(?value) || STRLEN(STR(?value)) < {int(obj)})"
    if constraint == SH.maxLength:
        return f"(isBlank(?value) || STRLEN(STR(?value)) > {int(obj)})"
    comparisons = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}
    if constraint in comparisons:
        # A value that cannot be compared (wrong type) breaks the constraint too.
        return f"!COALESCE(?value {comparisons[constraint]} {sparql_term(obj, owner)}, false)"
    if constraint == SH["in"]:
        members = [plain_term(v, owner, "sh:in") for v in Collection(shapes, obj)]
        return "!(" + (" || ".join(f"sameTerm(?value, {m})" for m in members) or "false") + ")"
    if constraint == SH["or"]:
        return "!(" + " || ".join(value_test(shapes, m, kept, owner) for m in Collection(shapes, obj)) + ")"
    return None


def constraint_query(shapes: Graph, owner: Node, target: str, path: str | None, constraint: Node, obj: Node,
                     kept: bool) -> tuple[str, bool]:
    """The SELECT for one constraint component of a shape, and whether its rows carry a ?value."""
    values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
    condition = value_conditions(shapes, owner, constraint, obj, kept)
    if condition is not None:
        return f"SELECT ?this ?value WHERE {{ {target} {values} FILTER({condition}) }}", True
    if constraint == SH.hasValue:
        term = plain_term(obj, owner, "sh:hasValue")
        if path is None:
            return f"SELECT ?this WHERE {{ {target} FILTER(!sameTerm(?this, {term})) }}", False
        # MINUS, not FILTER NOT EXISTS: evaluated once and hash-joined, where NOT EXISTS runs per focus node.
        return f"SELECT ?this WHERE {{ {target} MINUS {{ ?this {path} {term} }} }}", False
    if path is None:
        raise Unsupported(f"{short(shapes, constraint)} on a node shape", owner)
    if constraint == SH.minCount and int(obj) == 1:
        return f"SELECT ?this WHERE {{ {target} MINUS {{ ?this {path} ?value }} }}", False
    if constraint == SH.minCount:
        return (f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?value }} }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) < {int(obj)})"), False
    if constraint == SH.maxCount:
        return (f"SELECT ?this WHERE {{ {target} ?this {path} ?value }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?value) > {int(obj)})"), False
    if constraint == SH.uniqueLang:
        if not (isinstance(obj, Literal) and obj == Literal(True)):
            return "SELECT ?this WHERE { FILTER(false) }", False  # only the value true activates it (SHACL 4.4.4)
        # One result per language tag that two values share.
        return (f"SELECT DISTINCT ?this WHERE {{ {target} {values} ?this {path} ?other "
                'FILTER(LANG(?value) != "" && LCASE(LANG(?value)) = LCASE(LANG(?other)) '
                "&& !sameTerm(?value, ?other)) }"), False
    other = sparql_term(obj, owner)
    if constraint in (SH.lessThan, SH.lessThanOrEquals):
        op = "<" if constraint == SH.lessThan else "<="
        return (f"SELECT ?this ?value WHERE {{ {target} {values} ?this {other} ?other "
                f"FILTER(!COALESCE(?value {op} ?other, false)) }}"), True
    if constraint == SH.equals:
        # Sets compared term by term: each value missing on the other side is one result.
        return (f"SELECT ?this ?value WHERE {{ {target} {{ {values} MINUS {{ ?this {other} ?value }} }} UNION "
                f"{{ ?this {other} ?value MINUS {{ ?this {path} ?value }} }} }}"), True
    if constraint == SH.disjoint:
        return f"SELECT DISTINCT ?this ?value WHERE {{ {target} {values} ?this {other} ?value }}", True
    raise Unsupported(short(shapes, constraint), owner)


def sparql_prefixes(shapes: Graph, constraint: Node) -> str:
    declared = set()
    for owner in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(owner, SH.declare):
            declared.add((str(shapes.value(decl, SH.prefix)), str(shapes.value(decl, SH.namespace))))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared))


def sparql_constraint(shapes: Graph, shape: Node, target: str, constraint: Node) -> tuple[str, str]:
    """A sh:SPARQLConstraint's SELECT, run once for every focus node at a time; and its message."""
    if (constraint, SH.deactivated, Literal(True)) in shapes:
        return "", ""
    select = str(shapes.value(constraint, SH.select))
    for variable in ("$PATH", "$currentShape", "$shapesGraph", "?PATH", "?currentShape", "?shapesGraph"):
        if variable in select:
            raise Unsupported(f"{variable} in a sh:SPARQLConstraint", shape)
    select = re.sub(r"\$this\b", "?this", select)
    message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message) or "SPARQL constraint"
    query = f"{sparql_prefixes(shapes, constraint)}SELECT * WHERE {{ {target} {{ {select} }} }}"
    return query, str(message)


def component_of(constraint: Node) -> URIRef:
    name = str(constraint)[len(str(SH)):]
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def shape_constraints(shapes: Graph, shape: Node) -> list[tuple[Node, Node]]:
    """The constraint parameters a shape states (sh: terms that are not targets, names or bookkeeping)."""
    return sorted((p, o) for p, o in shapes.predicate_objects(shape)
                  if str(p).startswith(str(SH)) and p not in NOT_CONSTRAINTS)


def shape_checks(shapes: Graph, shape: Node, target: str, node_shape: Node, kept: bool) -> Iterator[Check]:
    """Every compiled check of one shape (a node shape, or a property shape when it has a sh:path)."""
    if (shape, SH.deactivated, Literal(True)) in shapes:
        return
    path_node = shapes.value(shape, SH.path)
    path = sparql_path(shapes, path_node, shape) if path_node is not None else None
    named = short(shapes, shape if isinstance(shape, URIRef) else node_shape)
    where = f"{path_text(shapes, path_node)} of the focus node" if path_node is not None else "the focus node"
    custom = shapes.value(shape, SH.message)
    severity = shapes.value(shape, SH.severity) or SH.Violation
    if path_node is not None and shapes.value(shape, SH.property) is not None:
        raise Unsupported("sh:property inside a property shape", shape)
    for prop in shapes.objects(shape, SH.property):
        yield from shape_checks(shapes, prop, target, node_shape, kept)
    for constraint in shapes.objects(shape, SH.sparql):
        query, text = sparql_constraint(shapes, shape, target, constraint)
        if query:
            yield Check(query, shape, node_shape, path_node, SH.SPARQLConstraintComponent, text, severity, True)
    message = str(custom) if custom else ""
    for constraint, obj in shape_constraints(shapes, shape):
        if constraint in LIBRARY_ONLY:
            raise Unsupported(short(shapes, constraint), shape)
        query, has_value = constraint_query(shapes, shape, target, path, constraint, obj, kept)
        stated = "" if isinstance(obj, BNode) else f" {short(shapes, obj)}"
        text = message or f"{where} breaks {short(shapes, constraint)}{stated} ({named})"
        yield Check(query, shape, node_shape, path_node, component_of(constraint), text, severity, has_value)


def roots(shapes: Graph) -> list[Node]:
    """The shapes with targets (explicit, or a shape that is also a class): where validation starts."""
    found = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if is_implicit_class(shapes, s)}
    for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target):
        found |= set(shapes.subjects(predicate, None))
    return sorted(found)


def custom_parameters(shapes: Graph) -> set[Node]:
    """The parameters of the constraint components the shapes graph declares itself (SHACL-SPARQL)."""
    return {p for component in shapes.subjects(RDF.type, SH.ConstraintComponent)
            for parameter in shapes.objects(component, SH.parameter) for p in shapes.objects(parameter, SH.path)}


def uses_custom_component(shapes: Graph, shape: Node, parameters: set[Node]) -> Node | None:
    """A parameter of a declared constraint component that the shape, or a property shape of it, states."""
    for predicate in shapes.predicates(shape):
        if predicate in parameters:
            return predicate
    for prop in shapes.objects(shape, SH.property):
        if (found := uses_custom_component(shapes, prop, parameters)) is not None:
            return found
    return None


def compile_root(shapes: Graph, root: Node, kept: bool = True) -> list[Check]:
    """Every check of one targeted shape; Unsupported (naming the feature and the shape) if any is not compiled."""
    if shapes.value(root, SH.target) is not None:
        raise Unsupported("sh:target (a SPARQL-based target)", root)
    parameters = custom_parameters(shapes)
    if parameters and (used := uses_custom_component(shapes, root, parameters)) is not None:
        raise Unsupported(f"the constraint component declared with parameter {short(shapes, used)}", root)
    target = target_pattern(shapes, root)
    if target is None:
        return []
    return list(shape_checks(shapes, root, target, root, kept))


@dataclass
class Plan:
    """The shapes split: the checks the compiler runs, and each shape left to the library with the reason."""

    checks: list[Check]
    delegated: dict[Node, str]

    def refusal(self, shapes: Graph) -> str:
        return "; ".join(f"{short(shapes, s)}: {reason}" for s, reason in self.delegated.items())


def plan_shapes(shapes: Graph, kept: bool = True) -> Plan:
    """Compile every targeted shape the compiler handles exactly; leave the others, each with its reason."""
    checks, delegated = [], {}
    for root in roots(shapes):
        try:
            checks += compile_root(shapes, root, kept)
        except Unsupported as err:
            delegated[root] = str(err)
    return Plan(checks, delegated)


def compile_shapes(shapes: Graph, kept: bool = True) -> list[Check]:
    """Every constraint of every targeted shape as a SPARQL query; ShapesError names what is not compiled."""
    plan = plan_shapes(shapes, kept)
    if plan.delegated:
        raise ShapesError(f"not compiled: {plan.refusal(shapes)}")
    return plan.checks


# ------------------------------------------------------------------ running the checks

def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """An oxigraph term as rdflib's, a literal's lexical form as given (rdflib would rewrite "yes"^^xsd:boolean)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_NS + "string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def column(row: ox.QuerySolution, name: str) -> Node | None:
    """A result column as an rdflib term; None when the query has no such variable or leaves it unbound."""
    try:
        return to_rdflib(row[name])
    except (KeyError, IndexError):
        return None


def fill_message(template: str, row: ox.QuerySolution) -> str:
    """Replace {?var} and {$var} in a message with the row's values (an IRI in full, a literal's text)."""
    def value(match: re.Match) -> str:
        term = column(row, match.group(1))
        return match.group(0) if term is None else str(term)
    return re.sub(r"\{[?$](\w+)\}", value, template)


def run_check(store: ox.Store, check: Check) -> Iterator[Violation]:
    for row in store.query(check.query):
        focus = to_rdflib(row["this"])
        value = column(row, "value") if check.has_value else None
        message = fill_message(check.message, row) if "{" in check.message else check.message
        yield Violation(focus, check.path, value, message, check.shape, check.component, check.severity,
                        check.node_shape)


def store_graph(store: ox.Store) -> Graph:
    """The store's default graph as an rdflib graph (literals as the store keeps them)."""
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def library_shapes(shapes: Graph, compiled: list[Node]) -> Graph:
    """The shapes graph with the targets of the compiled shapes taken away: the library validates the rest."""
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    for triple in shapes:
        rest.add(triple)
    for shape in compiled:
        for predicate in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target):
            rest.remove((shape, predicate, None))
        rest.remove((shape, RDF.type, RDFS.Class))
        rest.remove((shape, RDF.type, OWL.Class))
    return rest


def library_violations(data: Graph, shapes: Graph) -> list[Violation]:
    """pyshacl (the reference engine in Python) on the data, as the gate's violations."""
    import pyshacl
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)
    found = []
    top = report.value(None, RDF.type, SH.ValidationReport)
    for result in report.objects(top, SH.result):  # not the nested sh:detail results
        shape = report.value(result, SH.sourceShape)
        message = report.value(result, SH.resultMessage)
        found.append(Violation(report.value(result, SH.focusNode), report.value(result, SH.resultPath),
                               report.value(result, SH.value), str(message or f"{short(shapes, shape)} not met"),
                               shape, report.value(result, SH.sourceConstraintComponent),
                               report.value(result, SH.resultSeverity) or SH.Violation, shape))
    return found


def validate_store(store: ox.Store, shapes: Graph | None = None, library: bool = True,
                   source: Source | None = None) -> Report:
    """Validate a store's default graph: the compiled checks on the store, the library for the other shapes.

    `source` gives the data as written (exact literals, and whether the store keeps their datatypes); without
    it the store's own terms are used. With library=False a shape the compiler does not handle raises
    ShapesError naming the feature and the shape.
    """
    shapes = shapes if shapes is not None else load_shapes()
    source = source or Source(lambda: store_graph(store), kept=False)
    plan = plan_shapes(shapes, source.kept)
    if plan.delegated and not library:
        raise ShapesError(f"not compiled: {plan.refusal(shapes)}")
    violations = [v for check in plan.checks for v in run_check(store, check)]
    if plan.delegated:
        compiled = [s for s in roots(shapes) if s not in plan.delegated]
        violations += library_violations(source.graph(), library_shapes(shapes, compiled))
    violations.sort(key=lambda v: (SEVERITY_ORDER.get(v.severity, 3), v.message, str(v.focus), str(v.value)))
    # Any result at all, warnings and infos included, makes a graph non-conforming (SHACL 3.6).
    return Report(not violations, violations, shapes, plan.delegated)


def kept_datatypes(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> bool:
    """Whether the data hold no literal of a datatype the store merges into another (xsd:int into xsd:integer).

    A byte search, erring on the safe side: a name that only looks like such a datatype sends the shape to the
    library, which is slower but exact.
    """
    names = [str(d).rsplit("#", 1)[1] for group in STORE_MERGES.values() for d in group]
    # Fewer searches than names: "Integer>" ends nonNegativeInteger and its three kin, "#unsigned" starts four.
    needles = {b"Integer>" if n.endswith("Integer") else b"#unsigned" if n.startswith("unsigned") else f"#{n}>".encode()
               for n in names}
    if any(needle in data for needle in needles):
        return False
    if fmt == ox.RdfFormat.N_TRIPLES or fmt == ox.RdfFormat.N_QUADS:
        return True
    return re.search(rb"[:#](" + "|".join(names).encode() + rb")\b", data) is None


def data_store(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES, ontology: bool = True,
               base_iri: str | None = None) -> ox.Store:
    """An in-memory store with the data and the ontology (whose rdfs:subClassOf give SHACL its instances)."""
    store = ox.Store()
    store.bulk_load(input=data, format=fmt, base_iri=base_iri)
    if ontology:
        store.bulk_load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    return store


def validate_data(data: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES, shapes: Graph | None = None,
                  ontology: bool = True, library: bool = True, base_iri: str | None = None) -> Report:
    """Validate serialised RDF (with the project's ontology beside it, unless ontology=False)."""
    store = data_store(data, fmt, ontology, base_iri)

    def graph() -> Graph:
        parsed = Graph().parse(data=data, format=RDFLIB_FORMATS.get(fmt, "turtle"), publicID=base_iri)
        if ontology:
            parsed.parse(ONTOLOGY_FILE, format="turtle")
        return parsed

    return validate_store(store, shapes, library, Source(graph, kept_datatypes(data, fmt)))


def validate_ntriples(data: bytes, shapes: Graph | None = None) -> Report:
    return validate_data(data, ox.RdfFormat.N_TRIPLES, shapes)


def validate_graph(data: Graph, shapes: Graph | None = None) -> Report:
    """Validate an rdflib graph against the project's shapes."""
    return validate_ntriples(data.serialize(format="nt", encoding="utf-8"), shapes)


def read_rdf(path: Path) -> tuple[bytes, ox.RdfFormat]:
    """A file's bytes (gunzipped) and its format from the extension (Turtle when unknown)."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    suffix = name.rsplit(".", 1)[-1] if "." in name else "ttl"
    fmt = ox.RdfFormat.from_extension(suffix) or ox.RdfFormat.TURTLE
    data = gzip.open(path).read() if path.name.endswith(".gz") else path.read_bytes()
    return data, fmt


def validate_file(path: Path, shapes_file: Path | None = None) -> Report:
    """Validate any RDF file (format from its extension, optionally gzipped); a parse error raises SyntaxError.

    Against the project's shapes the ontology is loaded beside the data; against other shapes, the data alone.
    """
    data, fmt = read_rdf(path)
    shapes = load_shapes(shapes_file) if shapes_file else None
    return validate_data(data, fmt, shapes, ontology=shapes_file is None, base_iri=path.resolve().as_uri())


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
        g.add((result, SH.sourceShape, v.shape))
        if isinstance(v.shape, BNode) and shapes is not None:
            g += shapes.cbd(v.shape)  # a blank shape travels with its description, as pyshacl reports it
            if v.node_shape is not None and v.node_shape != v.shape:
                g.add((v.node_shape, SH.property, v.shape))  # and with the named shape a reader looks up
        if v.value is not None:
            g.add((result, SH.value, v.value))
        if v.path is not None:
            g.add((result, SH.resultPath, v.path))
            if isinstance(v.path, BNode) and shapes is not None:
                g += shapes.cbd(v.path)
    return g
