"""The gate: a graph that breaks the shapes is not published, and `kgpub validate FILE` says why."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kgpub.extract import emit as extract_emit
from kgpub.build import ValidationFailed, run_build
from kgpub.builds import current_build
from kgpub.cli import main
from kgpub.config import load_config
from rdflib import URIRef

from kgpub.ontology.vocab import OWL, SCHEMA

ROOT = Path(__file__).resolve().parents[2]
EXCERPT = ROOT / "data" / "corpus" / "003_0b2304ea58912ec4.txt"


def nameless_people(corpus_triples):
    """The emitter with two real defects: persons lose their preferred name, linked entities gain a second QID."""
    def emit(*args, **kwargs):
        for s, p, o in corpus_triples(*args, **kwargs):
            if p == SCHEMA.name and "/person/" in str(s):
                continue
            if p == OWL.sameAs:
                yield s, OWL.sameAs, URIRef(f"{o}0")
            yield s, p, o
    return emit


@pytest.fixture
def served(tmp_path):
    """A small real build in service, ready to be replaced by a broken one."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(EXCERPT, corpus / EXCERPT.name)
    config = load_config(corpus_dir=corpus, build_dir=tmp_path / "build", quiet=True)
    return config, run_build(config)


def test_a_violating_graph_is_not_published_and_the_last_build_stays(served, monkeypatch):
    config, good = served
    monkeypatch.setattr(extract_emit, "corpus_triples", nameless_people(extract_emit.corpus_triples))
    with pytest.raises(ValidationFailed) as failed:
        run_build(config, force=True)
    counts = failed.value.report.counts()
    assert counts["person without a preferred name (schema:name)"] >= 10
    assert counts["entity linked to more than one Wikidata item (owl:sameAs)"] >= 1
    assert current_build(config.build_dir).build_id == good.build_id
    assert not list(config.build_dir.glob(".tmp-*"))


def test_the_cli_prints_a_grouped_report_and_exits_non_zero(served, monkeypatch, capsys):
    config, good = served
    monkeypatch.setattr(extract_emit, "corpus_triples", nameless_people(extract_emit.corpus_triples))
    status = main(["build", "--force", "--quiet", "--corpus", str(config.corpus_dir),
                   "--build-dir", str(config.build_dir)])
    err = capsys.readouterr().err
    assert status != 0
    # Grouped and counted: one line per kind with its count, a few examples, not one line per violation.
    assert "x person without a preferred name (schema:name)" in err
    assert "... and" in err and "more" in err
    assert "x entity linked to more than one Wikidata item (owl:sameAs)" in err
    assert "still in service" in err
    assert current_build(config.build_dir).build_id == good.build_id


def kgpub_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kgpub.cli", "validate", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


BROKEN = """@prefix schema: <http://schema.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
<https://w3id.org/kgpub/quotation/q1> a schema:Quotation ;
    schema:creator <https://w3id.org/kgpub/person/vladimir-lenin> .
<https://w3id.org/kgpub/person/vladimir-lenin> a schema:Person ; schema:name "Vladimir Lenin" ;
    owl:sameAs <https://www.wikidata.org/wiki/Q1394> .
"""


def test_validate_file_names_what_is_wrong_and_exits_1(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN)
    result = kgpub_validate(broken)
    assert result.returncode == 1
    assert "1 x quotation without text (schema:text)" in result.stdout
    assert "owl:sameAs that is not a Wikidata entity IRI" in result.stdout
    assert "entity without evidence" in result.stdout


def test_validate_file_of_a_published_build_conforms(served):
    config, good = served
    dump = next(d["name"] for d in good.manifest["dumps"] if d["name"].endswith(".ttl") and d["kind"] == "graph")
    result = kgpub_validate(current_build(config.build_dir).file(dump))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_validate_file_that_is_not_rdf_says_so(tmp_path):
    bad = tmp_path / "notes.ttl"
    bad.write_text("this is not turtle <")
    result = kgpub_validate(bad)
    assert result.returncode == 2
    assert "cannot be read as RDF" in result.stderr and "Traceback" not in result.stderr


def test_the_full_corpus_conforms_and_its_report_is_published(built):
    from rdflib import Graph, Literal

    from kgpub.ontology.vocab import SH
    _, result = built
    assert result.manifest["validation"]["conforms"] is True
    report = Graph().parse(result.path / result.manifest["validation"]["report"])
    assert (None, SH.conforms, Literal(True)) in report
    assert not list(report.subjects(SH.focusNode, None))
