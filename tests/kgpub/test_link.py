"""Wikidata links: curated QIDs attach and agree with the gold; `kgpub link` against a real local SPARQL endpoint."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgpub.extract.registry import RecordError, load_registry, name_key
from kgpub.build import run_build
from kgpub.builds import current_build
from kgpub.config import load_config
from kgpub.link import (Candidate, Unlinked, candidate_query, link_counts, load_types, score, user_agent,
                        wait_time)
ROOT = Path(__file__).resolve().parents[2]
KGPUB = [sys.executable, "-m", "kgpub.cli"]
RECORDS = ROOT / "data" / "records"
FIXTURE = ROOT / "tests" / "fixtures" / "wikidata-fixture.ttl"
GOLD = ROOT.parent / "shared" / "eval" / "gold"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
WD = "http://www.wikidata.org/entity/"

SPEECH = """The Dictatorship of the Proletariat

Speech by Lev Kamenev at the Tenth Congress of the R.C.P.(B.), March 8-16, 1921.

Comrades, Vladimir Lenin showed in The State and Revolution that the proletariat needs the state only for a time.
Comrade Zinoviev has said the same. Karl Kautsky has not. Kamenev, Zinoviev and Lenin spoke at that congress.

General Denikin and his armies were beaten in 1920.
"""


# ---------------------------------------------------------------- curated QIDs

def test_every_curated_qid_attaches_to_a_record():
    registry = load_registry(RECORDS)
    lost = [f"{e.get('kind')} {e.get('name')!r} ({e.get('qid')})" for e in registry.unattached]
    assert not lost, f"these [[qid]] entries of qids.toml match no record by name: {lost}"


def test_a_record_with_two_different_qids_is_refused(tmp_path):
    (tmp_path / "persons.toml").write_text('[[person]]\nname = "Lev Kamenev"\n', encoding="utf-8")
    (tmp_path / "qids.toml").write_text('[[qid]]\nkind = "person"\nname = "Lev Kamenev"\nqid = "Q900002"\n'
                                        '[[qid]]\nkind = "person"\nname = "Lev Kamenev"\nqid = "Q900003"\n',
                                        encoding="utf-8")
    with pytest.raises(RecordError, match="two QIDs"):
        load_registry(tmp_path)


def test_curated_qids_have_evidence_and_are_real_looking():
    entries = tomllib.loads((RECORDS / "qids.toml").read_text(encoding="utf-8"))["qid"]
    for e in entries:
        assert e.get("evidence"), f"{e['name']}: a QID needs the evidence it was verified against"
        assert not re.match(r"Q9000\d\d$", e["qid"]), f"{e['name']}: {e['qid']} is a test fixture's fake QID"


def _gold_entries(kind: str):
    for path in sorted(GOLD.glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")).get(kind, []):
            yield entry


def _graph_entities(store: ox.Store, cls: str) -> list[tuple[set[str], str | None]]:
    names: dict[str, set[str]] = {}
    qids: dict[str, str] = {}
    for s in store.query(f"SELECT ?e ?n ?q WHERE {{ ?e a <http://schema.org/{cls}> ; "
                         "<http://schema.org/name>|<http://schema.org/alternateName> ?n "
                         f"OPTIONAL {{ ?e <{SAME_AS}> ?q }} }}"):
        names.setdefault(s["e"].value, set()).add(name_key(s["n"].value))
        if s["q"] is not None:
            qids[s["e"].value] = s["q"].value.removeprefix(WD)
    return [(n, qids.get(e)) for e, n in names.items()]


@pytest.mark.skipif(not GOLD.is_dir(), reason="no development gold beside the project")
def test_gold_persons_are_linked_and_no_link_contradicts_the_gold(built):
    config, _ = built
    store = ox.Store.read_only(str(current_build(config.build_dir).store_path))
    for kind, cls in (("persons", "Person"), ("works", "CreativeWork"), ("congresses", "Event")):
        entities = _graph_entities(store, cls)
        for gold in _gold_entries(kind):
            if not gold.get("qid"):
                continue
            keys = {name_key(n) for n in [gold.get("name") or gold.get("title"), *gold.get("aliases", [])]}
            matching = [qid for names, qid in entities if names & keys]
            if kind == "persons":
                assert gold["qid"] in matching, f"{gold['name']} is not linked to {gold['qid']}"
            wrong = [q for q in matching if q and q != gold["qid"]]
            assert not wrong, f"{gold.get('name') or gold.get('title')}: linked to {wrong}, the gold says {gold['qid']}"


def test_stats_shows_linked_and_all_per_class_as_in_the_graph(built):
    config, _ = built
    out = subprocess.run(KGPUB + ["stats", "--build-dir", str(config.build_dir)], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    counts = link_counts(ox.Store.read_only(str(current_build(config.build_dir).store_path)))
    assert counts["person"][0] >= 13
    for kind, (linked, total) in counts.items():
        assert re.search(rf"^\s+{kind}\s+{linked} / {total}$", out, re.MULTILINE), (kind, linked, total, out)


# ---------------------------------------------------------------- scoring, without a server

TYPES = load_types(ROOT / "data" / "links")


def _human(qid: str, label: str, born: str, died: str, matched: dict[str, str]) -> Candidate:
    return Candidate(qid, label, "", matched, {"type": {"Q5"}, "typeLabel": {"human"}, "born": {born},
                                               "died": {died}})


def test_a_namesake_with_other_dates_of_life_is_rejected():
    kamenev = Unlinked("x", "person", "Lev Kamenev", {"Lev Kamenev", "Kamenev"}, born=1883, died=1936)
    right = score(kamenev, _human("Q900002", "Lev Kamenev", "1883-07-18T00:00:00Z", "1936-08-25T00:00:00Z",
                                  {"Lev Kamenev": "label", "Kamenev": "alias"}), TYPES)
    other = score(kamenev, _human("Q900003", "Sergey Kamenev", "1881-04-16T00:00:00Z", "1936-08-25T00:00:00Z",
                                  {"Kamenev": "alias"}), TYPES)
    assert right.score == 1.0 and not right.rejected
    assert other.rejected == "born 1881, the record says 1883"


def test_a_person_born_after_every_date_of_the_texts_is_rejected():
    tanner = Unlinked("x", "person", "Jack Tanner", {"Jack Tanner"}, text_years=(1917, 1921))
    later = score(tanner, _human("Q900007", "Jack Tanner", "1990-01-01T00:00:00Z", "", {"Jack Tanner": "label"}),
                  TYPES)
    assert later.rejected and "after every date" in later.rejected


def test_names_are_escaped_in_the_candidate_query():
    query = candidate_query(Unlinked("x", "work", 'The "Disarmament" Slogan', {'The "Disarmament" Slogan'}))
    assert '"The \\"Disarmament\\" Slogan"@en' in query


def test_queries_are_spaced_and_say_who_asks():
    assert wait_time(None, 100.0, 1.0) == 0.0
    assert wait_time(100.0, 100.25, 1.0) == pytest.approx(0.75)
    assert wait_time(100.0, 102.0, 1.0) == 0.0
    agent = user_agent(load_config(environ={}))
    assert agent.startswith("kgpub-link/") and "https://w3id.org/kgpub/" in agent and "SPARQLWrapper/" in agent


# ---------------------------------------------------------------- end to end against a real endpoint

@pytest.fixture(scope="module")
def wikidata(serve_data):
    """This project's own server over the Wikidata-shaped fixture: a real SPARQL endpoint."""
    return serve_data(FIXTURE) + "sparql"


@pytest.fixture()
def project(tmp_path, wikidata):
    """A one-text corpus built with records whose only QID is the fixture's (fake) Lenin."""
    corpus, records, links = tmp_path / "corpus", tmp_path / "records", tmp_path / "links"
    corpus.mkdir()
    (corpus / "speech.txt").write_text(SPEECH, encoding="utf-8")
    shutil.copytree(RECORDS, records)
    (records / "qids.toml").write_text('[[qid]]\nkind = "person"\nname = "Vladimir Lenin"\nqid = "Q900001"\n'
                                       'evidence = "test fixture"\n', encoding="utf-8")
    env = {"KGPUB_RECORDS_DIR": str(records), "KGPUB_LINKS_DIR": str(links), "KGPUB_WIKIDATA_ENDPOINT": wikidata,
           "KGPUB_WIKIDATA_MIN_INTERVAL": "0", "KGPUB_CORPUS_DIR": str(corpus),
           "KGPUB_BUILD_DIR": str(tmp_path / "build")}
    config = load_config(environ=env, quiet=True)
    run_build(config)
    return config, env


def kgpub(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(KGPUB + list(args), capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})


def proposals(config) -> dict[str, dict]:
    path = config.links_dir / "proposals.toml"
    return {p["name"]: p for p in tomllib.loads(path.read_text(encoding="utf-8")).get("proposal", [])}


def same_as(config) -> dict[str, str]:
    store = ox.Store.read_only(str(current_build(config.build_dir).store_path))
    return {s["n"].value: s["q"].value.removeprefix(WD) for s in store.query(
        f"SELECT ?n ?q WHERE {{ ?e <{SAME_AS}> ?q ; <http://schema.org/name> ?n }}")}


def test_link_proposes_only_candidates_that_fit_and_links_nothing_by_itself(project):
    config, env = project
    done = kgpub(env, "link")
    assert done.returncode == 0, done.stderr
    found = {name: p["qid"] for name, p in proposals(config).items()}
    assert found["Lev Kamenev"] == "Q900002"          # not Sergey Kamenev (Q900003), born 1881
    assert found["Grigory Zinoviev"] == "Q900004"     # not the family name Zinoviev (Q900005)
    assert found["The State and Revolution"] == "Q900010"  # not its translation (Q900011)
    assert found["10th Congress of the Russian Communist Party (Bolsheviks)"] == "Q900021"  # not the 11th
    assert "Anton Denikin" not in found               # the only namesake was born in 1990
    assert "Karl Kautsky" not in found                # no candidate at all
    assert re.search(r"rejected\s+person\s+Anton Denikin.*born 1990, the record says 1872", done.stdout)
    assert re.search(r"no candidate\s+person\s+Karl Kautsky", done.stdout)
    kamenev = proposals(config)["Lev Kamenev"]
    assert kamenev["accepted"] is False and kamenev["score"] >= 0.85
    assert "born 1883 as the record says" in kamenev["evidence"]
    assert same_as(config) == {"Vladimir Lenin": "Q900001"}   # nothing linked silently


def test_accepted_proposals_become_owl_same_as_after_the_next_build(project):
    config, env = project
    assert kgpub(env, "link").returncode == 0
    done = kgpub(env, "link", "--accept", "Q900002")
    assert done.returncode == 0, done.stderr
    assert "accepted Q900002 for person 'Lev Kamenev'" in done.stdout
    entry = [e for e in tomllib.loads((config.records_dir / "qids.toml").read_text(encoding="utf-8"))["qid"]
             if e["name"] == "Lev Kamenev"]
    assert entry[0]["qid"] == "Q900002" and entry[0]["evidence"].startswith("reconciled: score 1.00, label 'Lev")
    assert "Lev Kamenev" not in proposals(config)
    # A reviewer accepts another one in the file; the next run moves it, from the cache, sending no query.
    path = config.links_dir / "proposals.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(name = "The State and Revolution"(?:\n.*?)*?accepted = )false', r"\1true", text)
    path.write_text(text, encoding="utf-8")
    again = kgpub(env, "link")
    assert again.returncode == 0, again.stderr
    assert "accepted Q900010 for work 'The State and Revolution'" in again.stdout
    assert "(0 queries sent," in again.stdout
    run_build(config)
    linked = same_as(config)
    assert linked["Lev Kamenev"] == "Q900002" and linked["The State and Revolution"] == "Q900010"
    assert "Grigory Zinoviev" not in linked            # proposed, never accepted


def test_cached_answers_make_the_run_reproducible_offline(project):
    config, env = project
    first = kgpub(env, "link")
    before = (config.links_dir / "proposals.toml").read_text(encoding="utf-8")
    offline = kgpub(env, "link", "--offline")
    assert first.returncode == offline.returncode == 0, offline.stderr
    assert "(0 queries sent," in offline.stdout
    assert (config.links_dir / "proposals.toml").read_text(encoding="utf-8") == before


def test_an_unreachable_endpoint_is_an_error_message_not_a_traceback(project):
    config, env = project
    done = kgpub({**env, "KGPUB_WIKIDATA_ENDPOINT": "http://127.0.0.1:9/sparql"}, "link")
    assert done.returncode == 2
    assert "did not answer" in done.stderr and "Traceback" not in done.stderr
    assert kgpub(env, "link", "--accept", "Q42").stderr.startswith("error: no proposal with QID Q42")


# ---------------------------------------------------------------- each link's evidence against the entity's facts

def _evidence_text(entry: dict) -> str:
    return name_key(entry["evidence"].replace("_", " "))


@pytest.mark.parametrize("entry", tomllib.loads((RECORDS / "qids.toml").read_text(encoding="utf-8"))["qid"],
                         ids=lambda e: e.get("name", "?"))
def test_the_recorded_evidence_agrees_with_the_entity(entry):
    """What the source showed beside the QID (its label, years of life, year of publication) is in the evidence and
    agrees with the entity's record: a QID recorded for the wrong person or work fails here."""
    registry = load_registry(RECORDS)
    record = registry.by_name(entry["kind"], entry["name"])
    names = {name_key(n) for n in (record.all_names if record else [entry["name"]])}
    number = entry["qid"][1:]
    assert re.search(rf"(?<![\d])(?:Q{number}|,{number}\]\])(?!\d)", entry["evidence"]), \
        f"{entry['name']}: the evidence never shows {entry['qid']}"
    assert entry.get("label"), f"{entry['name']}: say which label the source shows beside the QID (label = ...)"
    assert name_key(entry["label"]) in names, f"{entry['name']}: the source's label {entry['label']!r} is not one " \
                                              f"of the entity's names"
    assert name_key(entry["label"]) in _evidence_text(entry), f"{entry['name']}: label not in the evidence"
    facts = record.facts if record else {}
    shown = [("born", y) for y in entry.get("lived", [])[:1]] + [("died", y) for y in entry.get("lived", [])[1:2]]
    shown += [("published", entry["published"])] if "published" in entry else []
    for key, year in shown:
        assert str(year) in entry["evidence"], f"{entry['name']}: {key} {year} is not in the evidence"
        ours = facts.get(key)
        if ours is not None:
            assert abs(int(str(ours)[:4]) - int(year)) <= 1, \
                f"{entry['name']}: the source says {key} {year}, the record says {ours}"
