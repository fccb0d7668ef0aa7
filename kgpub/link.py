"""Wikidata reconciliation: candidates for the build's unlinked entities, scored, proposed for review, accepted."""
from __future__ import annotations

import hashlib
import json
import re
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import URLError

import pyoxigraph as ox
import SPARQLWrapper as sparqlwrapper
from rdflib.namespace import OWL, RDFS, SKOS

from kgpub.extract.registry import Registry, load_registry, name_key
from kgpub import __version__
from kgpub.builds import current_build
from kgpub.config import Config
from kgpub.enrichment import AUTHORITIES, FACTS_FILE, image_file, load_facts
from kgpub.ontology.kinds import KINDS
from kgpub.ontology.vocab import KG, OA, SCHEMA, TIME, WD, WDT

LINKED_KINDS = tuple(kind for kind in KINDS if kind.linked)
PROPOSALS = "proposals.toml"
TYPES = "types.toml"
QIDS_FILE = "qids.toml"
QID = re.compile(r"Q[1-9][0-9]*$")
AMBIGUITY_MARGIN = 0.15  # two candidates closer than this are a coin toss: propose neither


class LinkError(Exception):
    """Reconciliation cannot go on; the message says what to do."""


# ---------------------------------------------------------------- the entities to link

@dataclass
class Unlinked:
    """An entity of the build without owl:sameAs, with what the graph and the records know about it."""

    iri: str
    kind: str
    name: str
    names: set[str] = field(default_factory=set)
    born: int | None = None
    died: int | None = None
    text_years: tuple[int, int] | None = None  # earliest and latest date in the texts that mention it
    author: str | None = None  # QID of the linked author
    published: int | None = None
    position: int | None = None
    organizer: str | None = None  # QID of the linked organiser
    year: int | None = None


def _q(store: ox.Store, query: str) -> list[dict[str, str]]:
    prefixes = (f"PREFIX kg: <{KG}> PREFIX schema: <{SCHEMA}> PREFIX owl: <{OWL}> PREFIX oa: <{OA}> "
                f"PREFIX time: <{TIME}>\n")
    solutions = store.query(prefixes + query)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def _year(value: str | None) -> int | None:
    m = re.match(r"[+-]?(\d{4})", value or "")
    return int(m.group(1)) if m else None


def _qid(iri: str | None) -> str | None:
    return iri[len(str(WD)):] if iri and iri.startswith(str(WD)) else None


def unlinked_entities(store: ox.Store, registry: Registry) -> list[Unlinked]:
    """Persons, works, congresses and organisations of the store that carry no owl:sameAs yet."""
    out: dict[str, Unlinked] = {}
    for kind in LINKED_KINDS:
        for row in _q(store, f"SELECT ?e ?name WHERE {{ ?e a <{kind.own_class}> ; schema:name ?name "
                             "FILTER NOT EXISTS { ?e owl:sameAs ?any } }"):
            out[row["e"]] = Unlinked(row["e"], kind.name, row["name"], {row["name"]})
    for row in _q(store, "SELECT ?e ?alt WHERE { ?e schema:alternateName ?alt }"):
        if row["e"] in out:
            out[row["e"]].names.add(row["alt"])
    facts = _q(store, "SELECT ?e ?author ?published ?position ?organizer ?start WHERE { ?e schema:name ?n "
                      "OPTIONAL { ?e schema:author/owl:sameAs ?author } "
                      "OPTIONAL { ?e schema:datePublished ?published } OPTIONAL { ?e schema:position ?position } "
                      "OPTIONAL { ?e schema:organizer/owl:sameAs ?organizer } "
                      "OPTIONAL { ?e schema:startDate ?start } }")
    for row in facts:
        entity = out.get(row["e"])
        if entity is None:
            continue
        entity.author = entity.author or _qid(row.get("author"))
        entity.published = entity.published or _year(row.get("published"))
        entity.position = entity.position or (int(row["position"]) if row.get("position") else None)
        entity.organizer = entity.organizer or _qid(row.get("organizer"))
        entity.year = entity.year or _year(row.get("start"))
    years: dict[str, list[int]] = {}
    for row in _q(store, "SELECT ?e ?v WHERE { ?doc schema:mentions ?e . ?a oa:hasTarget/oa:hasSource ?doc ; "
                         "oa:hasBody/(time:hasBeginning|time:hasEnd)? ?d . "
                         "?d time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear ?v }"):
        if row["e"] in out and _year(row["v"]):
            years.setdefault(row["e"], []).append(_year(row["v"]))
    for iri, found in years.items():
        out[iri].text_years = (min(found), max(found))
    for entity in out.values():
        record = registry.by_name(entity.kind, entity.name)
        if record is not None:
            entity.born = _year(str(record.facts.get("born", "")))
            entity.died = _year(str(record.facts.get("died", "")))
    return sorted(out.values(), key=lambda e: (e.kind, e.name))


def link_counts(store: ox.Store) -> dict[str, tuple[int, int]]:
    """(linked, all) per kind of entity in the store."""
    counts = {}
    for kind in LINKED_KINDS:
        row = _q(store, f"SELECT (COUNT(DISTINCT ?e) AS ?all) (COUNT(DISTINCT ?l) AS ?linked) WHERE {{ "
                        f"?e a <{kind.own_class}> OPTIONAL {{ ?e owl:sameAs ?q BIND(?e AS ?l) }} }}")[0]
        counts[kind.name] = (int(row["linked"]), int(row["all"]))
    return counts


# ---------------------------------------------------------------- asking Wikidata, with a cache

def user_agent(config: Config) -> str:
    """Who is asking, as the Wikimedia User-Agent policy wants it: tool, version, where to learn more."""
    return (f"kgpub-link/{__version__} (+{config.base_iri}; reconciles a knowledge graph of political texts "
            f"with Wikidata) SPARQLWrapper/{sparqlwrapper.__version__}")


def wait_time(last: float | None, now: float, min_interval: float) -> float:
    """Seconds to wait before the next live query so that queries are at least min_interval apart."""
    return 0.0 if last is None else max(0.0, last + min_interval - now)


class WikidataClient:
    """SELECT queries to one endpoint; every answer is kept on disk, keyed by endpoint and query, and reused."""

    def __init__(self, config: Config, offline: bool = False):
        self.endpoint = config.wikidata_endpoint
        self.cache_dir = config.links_dir / "cache"
        self.min_interval = config.wikidata_min_interval
        self.agent = user_agent(config)
        self.offline = offline
        self.last: float | None = None
        self.live = self.cached = 0

    def cache_file(self, query: str) -> Path:
        digest = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        return self.cache_dir / f"{digest[:32]}.json"

    def fetched(self, query: str) -> str:
        """When the cached answer to a query was fetched (ISO 8601, UTC)."""
        path = self.cache_file(query)
        stored = json.loads(path.read_text(encoding="utf-8")).get("fetched")
        if stored:
            return stored
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return modified.isoformat(timespec="seconds").replace("+00:00", "Z")

    def select(self, query: str) -> list[dict[str, str]]:
        """The bindings of a SELECT query, as {variable: value} rows."""
        path = self.cache_file(query)
        if path.exists():
            self.cached += 1
            return json.loads(path.read_text(encoding="utf-8"))["rows"]
        if self.offline:
            raise LinkError(f"no cached answer for a query to {self.endpoint} (--offline)")
        time.sleep(wait_time(self.last, time.monotonic(), self.min_interval))
        client = sparqlwrapper.SPARQLWrapper(self.endpoint, agent=self.agent)
        client.setQuery(query)
        client.setReturnFormat(sparqlwrapper.JSON)
        client.setTimeout(60)
        try:
            answer = client.queryAndConvert()
        except (URLError, OSError, sparqlwrapper.SPARQLExceptions.SPARQLWrapperException) as err:
            raise LinkError(f"{self.endpoint} did not answer: {err}. Cached answers are reused; "
                            "try again when the endpoint can be reached (or set KGPUB_WIKIDATA_ENDPOINT)") from None
        finally:
            self.last = time.monotonic()
        self.live += 1
        rows = [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fetched = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        tmp.write_text(json.dumps({"endpoint": self.endpoint, "query": query, "fetched": fetched, "rows": rows},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
        return rows


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'"{escaped}"@en'


def candidate_query(entity: Unlinked) -> str:
    """Items whose English label or alias is one of the entity's names, with what scoring needs."""
    names = " ".join(_literal(n) for n in sorted(entity.names) if len(n) > 2)
    return f"""PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX schema: <{SCHEMA}>
PREFIX wdt: <{WDT}>
SELECT ?item ?name ?via ?label ?description ?type ?typeLabel ?super ?born ?died ?author ?editionOf
       ?published ?ordinal ?organizer ?start WHERE {{
  VALUES ?name {{ {names} }}
  {{ ?item rdfs:label ?name BIND("label" AS ?via) }} UNION {{ ?item skos:altLabel ?name BIND("alias" AS ?via) }}
  OPTIONAL {{ ?item rdfs:label ?label FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ ?item schema:description ?description FILTER(LANG(?description) = "en") }}
  OPTIONAL {{ ?item wdt:P31 ?type
             OPTIONAL {{ ?type rdfs:label ?typeLabel FILTER(LANG(?typeLabel) = "en") }}
             OPTIONAL {{ ?type wdt:P279 ?super }} }}
  OPTIONAL {{ ?item wdt:P569 ?born }}
  OPTIONAL {{ ?item wdt:P570 ?died }}
  OPTIONAL {{ ?item wdt:P50 ?author }}
  OPTIONAL {{ ?item wdt:P629 ?editionOf }}
  OPTIONAL {{ ?item wdt:P577 ?published }}
  OPTIONAL {{ ?item wdt:P1545 ?ordinal }}
  OPTIONAL {{ ?item wdt:P664 ?organizer }}
  OPTIONAL {{ ?item wdt:P580|wdt:P585 ?start }}
}} LIMIT 2000"""


# ---------------------------------------------------------------- scoring

@dataclass
class Candidate:
    """One Wikidata item as the candidate query saw it (every value of every property)."""

    qid: str
    label: str = ""
    description: str = ""
    matched: dict[str, str] = field(default_factory=dict)  # entity name -> "label" or "alias"
    values: dict[str, set[str]] = field(default_factory=dict)

    def get(self, key: str) -> set[str]:
        return self.values.get(key, set())

    def years(self, key: str) -> set[int]:
        return {y for y in map(_year, self.get(key)) if y is not None}


def candidates_from(rows: list[dict[str, str]]) -> list[Candidate]:
    """Rows of the candidate query grouped by item."""
    items: dict[str, Candidate] = {}
    for row in rows:
        qid = _qid(row.get("item"))
        if qid is None:
            continue
        c = items.setdefault(qid, Candidate(qid))
        c.label = c.label or row.get("label", "")
        c.description = c.description or row.get("description", "")
        if c.matched.get(row["name"]) != "label":
            c.matched[row["name"]] = row.get("via", "alias")
        for key in ("type", "typeLabel", "super", "born", "died", "author", "editionOf", "published", "ordinal",
                    "organizer", "start"):
            if row.get(key):
                c.values.setdefault(key, set()).add(_qid(row[key]) or row[key])
    return list(items.values())


@dataclass
class Scored:
    """A candidate's score in [0, 1] and the reasons for it; rejected candidates have a reason and score 0."""

    candidate: Candidate
    score: float
    evidence: list[str]
    rejected: str | None = None


def load_types(links_dir: Path) -> dict[str, dict]:
    """The classes a Wikidata item must belong to for each kind of entity (data/links/types.toml)."""
    path = links_dir / TYPES if (links_dir / TYPES).exists() else Config().links_dir / TYPES
    return tomllib.loads(path.read_text(encoding="utf-8"))


def type_reason(kind: str, c: Candidate, types: dict[str, dict]) -> tuple[str | None, str | None]:
    """(why it qualifies, why it does not): one of the two is None."""
    rule = types.get(kind, {})
    classes = c.get("type") | c.get("super")
    if classes & set(rule.get("excluded", [])) or c.get("editionOf"):
        return None, "an edition or translation, not the work itself"
    if classes & set(rule.get("classes", [])):
        found = sorted(classes & set(rule["classes"]))
        return f"instance of {', '.join(found)} ({', '.join(sorted(c.get('typeLabel')))})", None
    words = [w for w in rule.get("class_words", []) for t in c.get("typeLabel") if w in t.lower()]
    if words:
        return f"instance of a {words[0]}", None
    return None, f"instance of {', '.join(sorted(c.get('typeLabel') or c.get('type'))) or 'nothing'}, not a {kind}"


def _close(a: int, years: set[int]) -> bool:
    return any(abs(a - y) <= 1 for y in years)


def score(entity: Unlinked, c: Candidate, types: dict[str, dict]) -> Scored:
    """How well a candidate fits: names, class, and the facts of its kind; any contradiction rejects it."""
    evidence: list[str] = []
    pref = name_key(entity.name)
    matched = {name_key(n): via for n, via in c.matched.items()}
    if name_key(c.label) == pref:
        points, first = 0.5, f"label {c.label!r} = name"
    elif matched.get(pref) == "alias":
        points, first = 0.4, f"alias {entity.name!r} = name"
    elif any(len(k.split()) > 1 for k in matched):
        points, first = 0.3, f"label or alias = alternate name {next(k for k in matched if len(k.split()) > 1)!r}"
    else:
        points, first = 0.1, f"only {', '.join(sorted(matched))!r} matches"
    evidence.append(first)
    others = sorted(n for n in c.matched if name_key(n) not in (pref, name_key(c.label)) and len(n.split()) > 1)
    if others:
        points += min(0.2, 0.1 * len(others))
        evidence.append(f"aliases also match {', '.join(others)}")
    why, why_not = type_reason(entity.kind, c, types)
    if why_not:
        return Scored(c, 0.0, evidence, why_not)
    points += 0.2
    evidence.append(why)
    checks = FACT_CHECKS.get(entity.kind)
    for gained, reason, rejected in (checks(entity, c) if checks else []):
        if rejected:
            return Scored(c, 0.0, evidence, reason)
        points += gained
        evidence.append(reason)
    return Scored(c, round(min(points, 1.0), 2), evidence)


def person_checks(entity: Unlinked, c: Candidate):
    """Dates of life: those of the record must agree; without them, the texts' dates must be possible."""
    for what, ours, theirs in (("born", entity.born, c.years("born")), ("died", entity.died, c.years("died"))):
        if ours and theirs:
            if _close(ours, theirs):
                yield 0.15, f"{what} {min(theirs)} as the record says", False
            else:
                yield 0, f"{what} {min(theirs)}, the record says {ours}", True
    if not (entity.born or entity.died) and entity.text_years and c.years("born"):
        first, last = entity.text_years
        if min(c.years("born")) > last:
            yield 0, f"born {min(c.years('born'))}, after every date of the texts ({last})", True
        elif not c.years("died") or max(c.years("died")) >= first:
            yield 0.1, f"alive at some time in {first}-{last}, the dates of the texts", False


def work_checks(entity: Unlinked, c: Candidate):
    """Author (wdt:P50) must be the linked author; the publication year adds to the evidence."""
    if entity.author and c.get("author"):
        if entity.author in c.get("author"):
            yield 0.3, f"author {entity.author} as in the graph", False
        else:
            yield 0, f"author {', '.join(sorted(c.get('author')))}, the graph says {entity.author}", True
    if entity.published and _close(entity.published, c.years("published")):
        yield 0.1, f"published {entity.published}", False


def congress_checks(entity: Unlinked, c: Candidate):
    """Ordinal, organiser and year must agree where both sides know them."""
    pairs = (("ordinal", entity.position, {int(v) for v in c.get("ordinal") if v.isdigit()}, 0.15),
             ("organiser", entity.organizer, c.get("organizer"), 0.15),
             ("year", entity.year, c.years("start"), 0.1))
    for what, ours, theirs, gain in pairs:
        if ours and theirs:
            if ours in theirs:
                yield gain, f"{what} {ours}", False
            else:
                yield 0, f"{what} {', '.join(map(str, sorted(theirs)))}, the graph says {ours}", True


FACT_CHECKS = {"person": person_checks, "work": work_checks, "congress": congress_checks}


@dataclass
class Outcome:
    """What reconciliation found for one entity: a proposal, an ambiguity, or nothing."""

    entity: Unlinked
    best: Scored | None
    status: str  # "proposed", "ambiguous", "below threshold", "rejected" (every candidate), "no candidate"
    scored: list[Scored] = field(default_factory=list)


def decide(entity: Unlinked, scored: list[Scored], threshold: float) -> Outcome:
    """Propose the best candidate only when it is above the threshold and clearly ahead of the next one."""
    ranked = sorted((s for s in scored if not s.rejected), key=lambda s: -s.score)
    if not scored:
        return Outcome(entity, None, "no candidate", scored)
    if not ranked:
        return Outcome(entity, None, "rejected", scored)
    if ranked[0].score < threshold:
        return Outcome(entity, ranked[0], "below threshold", scored)
    if len(ranked) > 1 and ranked[1].score > ranked[0].score - AMBIGUITY_MARGIN:
        return Outcome(entity, ranked[0], "ambiguous", scored)
    return Outcome(entity, ranked[0], "proposed", scored)


# ---------------------------------------------------------------- proposals and acceptance

def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def proposal_entry(o: Outcome) -> dict:
    s = o.best
    return {"kind": o.entity.kind, "entity": o.entity.iri, "name": o.entity.name, "qid": s.candidate.qid,
            "label": s.candidate.label, "description": s.candidate.description, "score": s.score,
            "evidence": s.evidence, "accepted": False}


def write_proposals(path: Path, proposals: list[dict], endpoint: str) -> None:
    """The reviewable file: one [[proposal]] per entity; a reviewer sets accepted = true, then runs `kgpub link`."""
    lines = ["# Wikidata links proposed by `kgpub link`, for review. Nothing here is in the graph yet.",
             f"# Candidates from {endpoint}. To accept one, set accepted = true and run `kgpub link` again",
             "# (or run `kgpub link --accept QID`): it moves to data/records/qids.toml with its evidence,",
             "# and the next `kgpub build` states owl:sameAs. Delete a wrong proposal or leave it unaccepted.", ""]
    for p in proposals:
        lines.append("[[proposal]]")
        for key in ("kind", "entity", "name", "qid", "label", "description"):
            lines.append(f"{key} = {_toml_str(p[key])}")
        lines.append(f"score = {p['score']:.2f}")
        lines.append("evidence = [" + ", ".join(_toml_str(e) for e in p["evidence"]) + "]")
        lines.append(f"accepted = {'true' if p.get('accepted') else 'false'}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)


def read_proposals(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("proposal", [])
    except tomllib.TOMLDecodeError as err:
        raise LinkError(f"{path}: {err}; fix the TOML syntax") from None


def qid_entry(p: dict, endpoint: str) -> str:
    """A [[qid]] table for qids.toml, with the reconciliation's evidence."""
    evidence = (f"reconciled: score {float(p['score']):.2f}, label {p['label']!r}, description {p['description']!r}; "
                + "; ".join(p.get("evidence", [])) + f"; candidate {p['qid']} from {endpoint}, accepted "
                + datetime.now(UTC).date().isoformat())
    return "\n".join(["", "[[qid]]", f"kind = {_toml_str(p['kind'])}", f"name = {_toml_str(p['name'])}",
                      f"qid = {_toml_str(p['qid'])}", f"label = {_toml_str(p['label'])}",
                      f"evidence = {_toml_str(evidence)}", ""])


def accept(config: Config, qids: list[str] = ()) -> list[dict]:
    """Move the proposals marked accepted (or named by QID) into qids.toml; the rest stay for review."""
    path = config.links_dir / PROPOSALS
    proposals = read_proposals(path)
    unknown = [q for q in qids if q not in {p.get("qid") for p in proposals}]
    if unknown:
        raise LinkError(f"no proposal with QID {', '.join(unknown)} in {path}; run `kgpub link` first")
    chosen = [p for p in proposals if p.get("accepted") is True or p.get("qid") in qids]
    if not chosen:
        return []
    qids_file = config.records_dir / QIDS_FILE
    existing = tomllib.loads(qids_file.read_text(encoding="utf-8")).get("qid", []) if qids_file.exists() else []
    known = {(e.get("kind"), name_key(e.get("name", ""))): e.get("qid") for e in existing}
    text = []
    for p in chosen:
        if not QID.match(str(p.get("qid"))):
            raise LinkError(f"{path}: proposal {p.get('name')!r} has QID {p.get('qid')!r}, not of the form Q123")
        already = known.get((p["kind"], name_key(p["name"])))
        if already and already != p["qid"]:
            raise LinkError(f"{qids_file} already links {p['name']!r} to {already}; "
                            f"remove that entry first if {p['qid']} is right")
        if not already:
            text.append(qid_entry(p, config.wikidata_endpoint))
    with open(qids_file, "a", encoding="utf-8") as handle:
        handle.write("".join(text))
    write_proposals(path, [p for p in proposals if p not in chosen], config.wikidata_endpoint)
    return chosen


# ---------------------------------------------------------------- the whole run

@dataclass
class LinkReport:
    """What one `kgpub link` run did."""

    accepted: list[dict]
    outcomes: list[Outcome]
    counts: dict[str, tuple[int, int]]
    live: int
    cached: int


def linked_in_records(registry: Registry, entity: Unlinked) -> bool:
    """Linked in the records since the build was made (accepted, or by hand): nothing left to find."""
    record = registry.by_name(entity.kind, entity.name)
    return bool(record is not None and record.qid or registry.qid_for(entity.kind, entity.name))


def reconcile(config: Config, offline: bool = False) -> LinkReport:
    """Apply accepted proposals, then propose candidates for every entity of the current build still unlinked."""
    accepted = accept(config)
    registry = load_registry(config.records_dir)
    build = current_build(config.build_dir)
    store = ox.Store.read_only(str(build.store_path))
    counts = link_counts(store)
    types = load_types(config.links_dir)
    client = WikidataClient(config, offline)
    outcomes = []
    for entity in unlinked_entities(store, registry):
        if linked_in_records(registry, entity):
            continue
        rows = client.select(candidate_query(entity))
        scored = [score(entity, c, types) for c in candidates_from(rows)]
        outcomes.append(decide(entity, scored, config.link_threshold))
    kept = {(p["entity"], p["qid"]): p for p in read_proposals(config.links_dir / PROPOSALS)}
    proposals = []
    for o in outcomes:
        if o.status == "proposed":
            entry = proposal_entry(o)
            entry["accepted"] = kept.get((entry["entity"], entry["qid"]), {}).get("accepted", False)
            proposals.append(entry)
    write_proposals(config.links_dir / PROPOSALS, proposals, config.wikidata_endpoint)
    return LinkReport(accepted, outcomes, counts, client.live, client.cached)


# ---------------------------------------------------------------- what Wikidata knows of our linked items

ENRICH_BATCH = 50  # items per query
ENRICH_FACTS = {"born": "wdt:P569", "died": "wdt:P570", "image": "wdt:P18",
                **{key: f"wdt:{pid}" for key, (pid, _) in AUTHORITIES.items()}}


def linked_qids(registry: Registry) -> list[str]:
    """Every QID of the records (attached or not): the items the next build links to."""
    found = {r.qid for kind in LINKED_KINDS for r in registry.of_kind(kind.name) if r.qid}
    found |= {str(e.get("qid")) for e in registry.unattached if QID.match(str(e.get("qid")))}
    return sorted(found, key=lambda q: int(q[1:]))


def enrich_query(qids: list[str]) -> str:
    """English label and description, dates of life, image and authority identifiers of some items, one fact a row
    (a UNION, not OPTIONALs, so that two dates of birth do not multiply the other rows)."""
    values = " ".join(f"wd:{q}" for q in qids)
    parts = ['{ ?item rdfs:label ?value FILTER(LANG(?value) = "en") BIND("label" AS ?fact) }',
             '{ ?item schema:description ?value FILTER(LANG(?value) = "en") BIND("description" AS ?fact) }']
    parts += [f'{{ ?item {prop} ?value BIND("{key}" AS ?fact) }}' for key, prop in ENRICH_FACTS.items()]
    union = "\n  UNION ".join(parts)
    return f"""PREFIX wd: <{WD}>
PREFIX wdt: <{WDT}>
PREFIX rdfs: <{RDFS}>
PREFIX schema: <{SCHEMA}>
SELECT ?item ?fact ?value WHERE {{
  VALUES ?item {{ {values} }}
  {union}
}}"""


def facts_from(rows: list[dict[str, str]], fetched: str, endpoint: str) -> dict[str, dict]:
    """The answer's rows as facts by QID: one label and description, lists of every other fact (sorted)."""
    items: dict[str, dict] = {}
    for row in rows:
        qid = _qid(row.get("item"))
        if qid is None or not row.get("fact") or row.get("value") is None:
            continue
        entry = items.setdefault(qid, {"fetched": fetched, "endpoint": endpoint})
        fact, value = row["fact"], row["value"]
        if fact in ("label", "description"):
            entry[fact] = min(entry.get(fact, value), value)  # one value, the same whatever the row order
        elif fact == "image":
            name = image_file(value)
            if name:
                entry.setdefault(fact, set()).add(name)
        else:
            entry.setdefault(fact, set()).add(value)
    return {q: {k: sorted(v) if isinstance(v, set) else v for k, v in e.items()} for q, e in items.items()}


@dataclass
class EnrichReport:
    """What one `kgpub link --enrich` run did."""

    items: dict[str, dict]
    asked: int
    live: int
    cached: int
    error: str | None = None


def write_facts(path: Path, items: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    body = {"about": "Facts fetched from Wikidata by `kgpub link --enrich` for the items of data/records/qids.toml; "
                     "the build publishes them about each item, with when and where they were fetched.",
            "items": dict(sorted(items.items(), key=lambda kv: int(kv[0][1:])))}
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def enrich(config: Config, offline: bool = False) -> EnrichReport:
    """Fetch (or read from the cache) what Wikidata knows of every linked item; write data/links/wikidata.json.

    Items the endpoint could not be asked about keep the facts of the last run, so a run without network
    loses nothing; the error is reported."""
    registry = load_registry(config.records_dir)
    qids = linked_qids(registry)
    client = WikidataClient(config, offline)
    path = config.links_dir / FACTS_FILE
    before = load_facts(config.links_dir)
    items: dict[str, dict] = {}
    error = None
    for start in range(0, len(qids), ENRICH_BATCH):
        chunk = qids[start:start + ENRICH_BATCH]
        query = enrich_query(chunk)
        try:
            rows = client.select(query)
        except LinkError as err:
            error = error or str(err)
            items.update({q: before[q] for q in chunk if q in before})
            continue
        fresh = facts_from(rows, client.fetched(query), client.endpoint)
        # an item that exists but has none of these facts is still recorded as asked
        items.update({q: fresh.get(q, {"fetched": client.fetched(query), "endpoint": client.endpoint})
                      for q in chunk})
    write_facts(path, items)
    return EnrichReport(items, len(qids), client.live, client.cached, error)
