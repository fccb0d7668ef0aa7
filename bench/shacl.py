"""SHACL engines side by side: W3C SHACL Core suite agreement, and time and peak memory on the corpus graphs."""
from __future__ import annotations

import argparse
import gzip
import logging
import os
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
# The suites stand in shared/ beside the project (KGPUB_W3C_SUITES to point elsewhere), as for the SPARQL tests.
W3C = Path(os.environ.get("KGPUB_W3C_SUITES", ROOT.parent / "shared" / "w3c"))
SHACL_SUITE = W3C / "shacl" / "core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ENGINES = ("gate", "compiler", "pyshacl", "pyrudof")
MEMORY_LIMIT = 10 * 2**30  # an engine that needs more fails rather than starve the machine's other users

Key = tuple[str, str, str]


@dataclass(frozen=True)
class SuiteTest:
    """One manifest entry: its name, data and shapes files, and the expected conforms and results."""

    name: str
    data: Path
    shapes: Path
    conforms: bool
    results: frozenset[Key]


@dataclass(frozen=True)
class Outcome:
    """What an engine said on one test: conforms and its results, or that it refused (and why)."""

    conforms: bool | None
    results: frozenset[Key] = frozenset()
    refused: str = ""


def term_key(graph: Graph, node: Node | None) -> str:
    """A node as comparable text: IRIs and literals as N-Triples, any blank node as [], a path by its structure."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        if graph.value(node, RDF.first) is not None:
            return "(" + " ".join(term_key(graph, m) for m in Collection(graph, node)) + ")"
        for kind in ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
            inner = graph.value(node, SH[kind])
            if inner is not None:
                return f"{kind}:{term_key(graph, inner)}"
        return "[]"
    return node.n3()


def report_keys(graph: Graph, report: Node) -> frozenset[Key]:
    """The (focus node, path, constraint component) of every result of a sh:ValidationReport."""
    keys = set()
    for result in graph.objects(report, SH.result):
        keys.add((term_key(graph, graph.value(result, SH.focusNode)),
                  term_key(graph, graph.value(result, SH.resultPath)),
                  term_key(graph, graph.value(result, SH.sourceConstraintComponent))))
    return frozenset(keys)


def manifest_entries(manifest: Path) -> Iterator[SuiteTest]:
    """Every sht:Validate test of a manifest and of the manifests it includes."""
    graph = Graph().parse(manifest, format="turtle")
    for included in graph.objects(None, MF.include):
        yield from manifest_entries(Path(str(included).removeprefix("file://")))
    for entries in graph.objects(None, MF.entries):
        for entry in Collection(graph, entries):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action, expected = graph.value(entry, MF.action), graph.value(entry, MF.result)
            data = Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://"))
            shapes = Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://"))
            conforms = graph.value(expected, SH.conforms)
            yield SuiteTest(str(entry).rsplit("/core/", 1)[-1], data, shapes, bool(conforms and conforms.toPython()),
                            report_keys(graph, expected))


def suite_tests(root: Path = SHACL_SUITE) -> list[SuiteTest]:
    return list(manifest_entries(root / "manifest.ttl"))


# ------------------------------------------------------------------ engines on one test (files in, outcome out)

def run_gate(test: SuiteTest, library: bool = True) -> Outcome:
    """The project's gate (the compiler, and the library for what it does not compile), or the compiler alone."""
    from kgpub.shapes.validate import ShapesError, load_shapes, validate_data
    shapes = load_shapes(test.shapes)
    try:
        report = validate_data(test.data.read_bytes(), ox.RdfFormat.TURTLE, shapes, ontology=False,
                               library=library, base_iri=test.data.as_uri())
    except ShapesError as err:
        return Outcome(None, refused=str(err))
    graph = report.graph
    return Outcome(report.conforms, report_keys(graph, graph.value(None, RDF.type, SH.ValidationReport)))


def run_pyshacl(test: SuiteTest) -> Outcome:
    import pyshacl
    data = Graph().parse(test.data, format="turtle", publicID=test.data.as_uri())
    shapes = Graph().parse(test.shapes, format="turtle", publicID=test.shapes.as_uri())
    conforms, graph, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return Outcome(conforms, report_keys(graph, graph.value(None, RDF.type, SH.ValidationReport)))


def run_pyrudof(test: SuiteTest) -> Outcome:
    import pyrudof
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(test.data), base=test.data.as_uri())
    rudof.read_shacl(str(test.shapes), base=test.shapes.as_uri())
    report = rudof.validate_shacl()
    if report.conforms:
        return Outcome(True)
    turtle = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.Turtle)
    graph = Graph().parse(data=turtle, format="turtle")
    return Outcome(False, report_keys(graph, graph.value(None, RDF.type, SH.ValidationReport)))


RUNNERS: dict[str, Callable[[SuiteTest], Outcome]] = {
    "gate": run_gate, "compiler": lambda t: run_gate(t, library=False), "pyshacl": run_pyshacl,
    "pyrudof": run_pyrudof}


def judge(test: SuiteTest, outcome: Outcome) -> str:
    """agrees, wrong, refused or crashed (the criterion: conforms and the set of (focus, path, component))."""
    if outcome.refused:
        return "refused"
    if outcome.conforms == test.conforms and outcome.results == test.results:
        return "agrees"
    return "wrong"


def suite_run(engine: str, tests: list[SuiteTest]) -> dict[str, str]:
    """Each test's verdict for one engine."""
    verdicts = {}
    for test in tests:
        try:
            verdicts[test.name] = judge(test, RUNNERS[engine](test))
        except Exception as err:  # an engine that crashes on a test: counted, not fatal to the comparison
            verdicts[test.name] = f"crashed: {type(err).__name__}: {str(err)[:120]}"
    return verdicts


# ------------------------------------------------------------------ engines on a corpus graph (in a child process)

def graph_file(factor: int, cache: Path) -> Path:
    """The N-Triples dump of the corpus scaled `factor` times, built once into `cache`."""
    from bench.scale import scaled_corpus
    from kgpub.builds import current_build
    build_dir = cache / f"build{factor}"
    if not build_dir.exists():
        corpus = scaled_corpus(ROOT / "data" / "corpus", cache / f"corpus{factor}", factor)
        subprocess.run([sys.executable, "-m", "kgpub.cli", "build", "--quiet", "--corpus", str(corpus),
                        "--build-dir", str(build_dir)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    build = current_build(build_dir)
    return build.file(next(d["name"] for d in build.manifest["dumps"] if d["name"].endswith(".nt.gz")))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_in_process(engine: str, path: Path) -> tuple[float, float, float, int, bool, int]:
    """Seconds to load the graph and to validate it (wall and CPU), peak resident memory, conforms, results.

    CPU seconds are what a shared machine does not distort: the comparison is made on them.
    Each engine starts from the N-Triples in memory, with the ontology beside the data (for rdfs:subClassOf),
    as the build validates.
    """
    from kgpub.ontology.vocab import ONTOLOGY_FILE
    from kgpub.shapes.validate import SHAPES_FILE, data_store, kept_datatypes, load_shapes
    data = gzip.open(path).read()
    shapes = load_shapes()
    start = time.perf_counter()
    if engine in ("gate", "compiler", "before"):
        if engine == "before":
            sys.path.insert(0, os.environ["KGPUB_SHACL_BEFORE"])
            from validate_before import data_store as before_store, validate_store as before_validate
            store = before_store(data)
            loaded, cpu_loaded = time.perf_counter(), cpu()
            report = before_validate(store, shapes)
        else:
            from kgpub.shapes.validate import Source, store_graph, validate_store
            store = data_store(data)
            loaded, cpu_loaded = time.perf_counter(), cpu()
            source = Source(lambda: store_graph(store), kept_datatypes(data))
            report = validate_store(store, shapes, library=engine == "gate", source=source)
        conforms, count = report.conforms, len(report.violations)
    elif engine == "pyshacl":
        import pyshacl
        graph = Graph().parse(data=data, format="nt")
        graph.parse(ONTOLOGY_FILE, format="turtle")
        loaded, cpu_loaded = time.perf_counter(), cpu()
        conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
        count = len(set(report.objects(None, SH.result)))
    else:
        import pyrudof
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(data.decode("utf-8"), format=pyrudof.RDFFormat.NTriples)
        rudof.read_data(str(ONTOLOGY_FILE), merge=True)
        rudof.read_shacl(str(SHAPES_FILE))
        loaded, cpu_loaded = time.perf_counter(), cpu()
        result = rudof.validate_shacl()
        conforms, count = result.conforms, len(result.violations)
    done, cpu_done = time.perf_counter(), cpu()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return loaded - start, done - loaded, cpu_done - cpu_loaded, peak, conforms, count


def measure(engine: str, path: Path, timeout: float) -> str:
    """One engine on one graph in a fresh process (peak memory is the process's own); a row of figures."""
    command = [sys.executable, "-m", "bench.shacl", "--measure", engine, str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT)))
    except subprocess.TimeoutExpired:
        return f"over {timeout:.0f} s"
    if done.returncode:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:100]
    load, seconds, cpu_seconds, peak, conforms, count = done.stdout.split()
    return (f"load {float(load):6.2f} s  validate {float(seconds):7.2f} s wall {float(cpu_seconds):7.2f} s CPU  "
            f"peak {int(peak) / 2**20:6.0f} MiB  conforms {conforms} ({count} results)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.shacl", description=__doc__)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated: " + ", ".join(ENGINES))
    parser.add_argument("--factors", default="1,10,100", help="corpus scale factors to validate")
    parser.add_argument("--cache", default="/tmp/kgpub-shacl-bench", help="folder for the scaled corpora and builds")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one engine may take on one graph")
    parser.add_argument("--before", help="folder holding validate_before.py, the earlier gate, to time it too")
    parser.add_argument("--graphs", default="", help="comma-separated N-Triples files (.nt.gz) to validate too, "
                        "e.g. the dump of a build of MIA pages")
    parser.add_argument("--no-suite", action="store_true", help="skip the W3C suite")
    parser.add_argument("--measure", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # The suite holds ill-formed literals on purpose: rdflib's complaints about them are noise here.
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    if args.measure:
        print(*measure_in_process(args.measure[0], Path(args.measure[1])))
        return 0
    engines = args.engines.split(",")
    if not args.no_suite:
        tests = suite_tests()
        print(f"W3C SHACL Core suite, {len(tests)} tests (agrees / wrong / refused / crashed):")
        for engine in engines:
            verdicts = suite_run(engine, tests)
            counts = [sum(v == kind for v in verdicts.values()) for kind in ("agrees", "wrong", "refused")]
            crashed = sum(v.startswith("crashed") for v in verdicts.values())
            print(f"  {engine:10} {counts[0]:3} / {counts[1]:3} / {counts[2]:3} / {crashed:3}", flush=True)
            for name, verdict in sorted(verdicts.items()):
                if verdict != "agrees":
                    print(f"      {verdict[:9]:9} {name}", flush=True)
    if args.before:
        os.environ["KGPUB_SHACL_BEFORE"] = args.before
        engines = ["before", *engines]
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    print("\nValidation of the corpus graph with the project's shapes (peak memory of the whole process):")
    graphs = [(f"{factor}x", factor) for factor in (int(f) for f in args.factors.split(",") if f)]
    graphs += [(Path(g).name, Path(g)) for g in args.graphs.split(",") if g]
    for label, graph in graphs:
        path = graph if isinstance(graph, Path) else graph_file(graph, cache)
        print(f"  {label}: {path}", flush=True)
        for engine in engines:
            print(f"    {engine:10} {measure(engine, path, args.timeout)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
