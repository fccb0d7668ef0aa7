"""The benchmark's machinery on a tiny setting, so it keeps working: figures are produced, nothing is timed."""
from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest

from bench import endpoints
from bench.buildbench import build_benchmark
from bench.pagebench import page_benchmark
from bench.queries import TEMPLATES, interleaved, parameters, workload
from bench.querybench import IN_PROCESS, QuerySettings, query_benchmark
from bench.report import markdown, plot
from bench.scale import perturb, scaled_corpus
from kgpub.builds import current_build

pytestmark = pytest.mark.e2e
SMALLEST_TEXT = "004_1fc320b69d2a5199.txt"


def test_query_benchmark_measures_every_endpoint(built):
    config, _ = built
    settings = QuerySettings(clients=(1,), rounds=1, requests=3, seconds=10.0, threads=2,
                             rdflib=endpoints.rdflib_endpoint_available(), start_repeats=1)
    results = query_benchmark(config.build_dir, TEMPLATES[:1], settings)
    names = ["kgpub", "ceiling", IN_PROCESS] + (["rdflib-endpoint"] if settings.rdflib else [])
    assert results["failures"] == {}
    mix = "lookup mix"  # the mix the first template belongs to
    for name in names:
        for query in (TEMPLATES[0][0], mix):
            cell = results["figures"][name][query]["1"]
            assert cell["requests"] == 3 and cell["errors"] == 0 and cell["qps"] > 0 and cell["p95_ms"] > 0
    assert results["ratios"]["kgpub/ceiling"][mix]["1"] > 0
    assert results["class_ratios"]["kgpub/ceiling"]["lookups"]["1"] > 0
    assert results["kgpub_in_memory_seconds"] >= results["start_seconds"]["kgpub"]
    assert len(results["kgpub_start_seconds"]) == 1
    report = markdown({"started": "now", "machine": "test", "queries": [results]})
    assert f"| {TEMPLATES[0][0]} |" in report and "kgpub ÷ ceiling" in report and "| lookups |" in report
    json.dumps(results)  # the figures are written as JSON


def test_build_benchmark_builds_scaled_corpora_and_plots(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(endpoints.ROOT / "data" / "corpus" / SMALLEST_TEXT, corpus)
    results = build_benchmark(corpus, [1, 2], {1: 1, 2: 1}, tmp_path / "work", incremental_at=(1,),
                              incremental_repeats=1)
    one, two = results["scales"]
    assert two["documents"] == 2 * one["documents"] and two["triples"] > one["triples"]
    assert all(s["seconds"] > 0 and s["peak_bytes"] > 0 and s["stages"] for s in results["scales"])
    [incremental] = results["incremental"]
    assert incremental["unchanged_kept_build"] and incremental["one_changed_extracted"] == 1
    png = plot(results, tmp_path / "build.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    assert "| 2x (2 texts) |" in markdown({"started": "now", "machine": "test", "build": results})


def test_scaled_copies_differ_a_little(tmp_path):
    source = endpoints.ROOT / "data" / "corpus"
    text = (source / SMALLEST_TEXT).read_text(encoding="utf-8")
    assert perturb(text, 0) == text
    copy = perturb(text, 1)
    assert copy != text and abs(len(copy) - len(text)) < len(text) // 100
    folder = scaled_corpus(source, tmp_path / "x3", 3)
    assert len(list(folder.glob("*.txt"))) == 3 * len(list(source.glob("*.txt")))


def test_the_workload_asks_about_every_entity_and_every_query_answers(built):
    config, _ = built
    store = ox.Store.read_only(str(current_build(config.build_dir).store_path))
    pools = parameters(store)
    queries = dict(workload(TEMPLATES, pools))
    persons = {row["n"].value for row in store.query(
        "SELECT DISTINCT ?n WHERE { ?p a <http://schema.org/Person> ; <http://schema.org/name> ?n }")}
    assert len(queries["lookup_person"]) == len(persons) > 10
    assert len(queries["count_per_speaker"]) == 1  # no parameter, one text
    assert len(pools["word"]) == 20 and all(w.strip('"').isalpha() for w in pools["word"])
    for name, texts in queries.items():
        for text in texts:
            assert list(store.query(text)), f"{name} has no answer: {text}"
    mix = interleaved(list(queries.items()))
    assert len(mix) == len(TEMPLATES) * max(map(len, queries.values()))
    assert mix[:len(TEMPLATES)] == [texts[0] for texts in queries.values()]


def test_page_benchmark_times_the_most_mentioned_persons_page_against_its_turtle(built):
    config, _ = built
    figures = page_benchmark(config.build_dir, repeats=2, threads=2)
    assert figures["person"].startswith(config.base_iri + "person/")
    assert all(ms > 0 for ms in figures["median_ms"].values())
    assert figures["html/turtle"] > 0 and figures["html/describe"] > 0
    report = markdown({"started": "now", "machine": "test", "pages": [figures]})
    person = figures["person"].rsplit("/", 1)[-1]
    assert "Page render time of the most-mentioned person" in report and f"| {person} |" in report
