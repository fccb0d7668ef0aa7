"""The Reconciliation Service API 0.2 at /reconcile: match a table's names against the graph's entities."""
from __future__ import annotations

import html
import json
import re
import threading
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from flask import Blueprint, Response, current_app, request

from kgpub.builds import LIFE_DATES
from kgpub.ontology.names import name_key, one_edit, spellings, transliterations
from kgpub.ontology.kinds import KINDS
from kgpub.ontology.vocab import KG, ONTOLOGY_IRI, sparql_prefixes

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

# The kinds a table can be reconciled against: type id -> (class of the graph, name shown, IRI path segment).
TYPES = {kind.own_class[len(KG):]: (kind.own_class, kind.type_name or kind.label, kind.name)
         for kind in KINDS if kind.linked}
KIND_TYPE = {segment: type_id for type_id, (_, _, segment) in TYPES.items()}
# Properties a query may constrain and data extension may bring back: id -> (name, kinds it applies to, help).
PROPERTIES = {
    "born": ("date of birth", ("person",), "year or date of birth (Wikidata, for linked persons)"),
    "died": ("date of death", ("person",), "year or date of death (Wikidata, for linked persons)"),
    "author": ("author", ("work",), "the person who wrote the work: a name, or an id reconciled before"),
    "organizer": ("organiser", ("congress",), "the organisation that held the congress: a name or an id"),
    "year": ("year", ("work", "congress"), "year of publication of a work, or of a congress"),
    "qid": ("Wikidata QID", ("person", "work", "congress", "organization"), "the linked Wikidata item"),
    "description": ("Wikidata description", ("person", "work", "congress", "organization"),
                    "the item's English description on Wikidata"),
    "mentions": ("mentions in the texts", ("person", "work", "congress", "organization"),
                 "how often the texts of the corpus name it"),
    "documents": ("documents mentioning it", ("person", "work", "congress", "organization"),
                  "how many texts of the corpus name it"),
    "quotations": ("quotations", ("person", "work"), "quotations of a person's words, or from a work"),
}
# Wikidata's property ids, as a table already reconciled against Wikidata may name its columns.
PROPERTY_ALIASES = {"P569": "born", "P570": "died", "P50": "author", "P664": "organizer", "P577": "year",
                    "P585": "year", "P580": "year"}
MATCH_SCORE = 85  # a candidate below this is never `match`
MATCH_MARGIN = 15  # ... nor one that a second candidate comes this close to
DEFAULT_LIMIT = 5
MAX_LIMIT = 25
MAX_BATCH = 500  # queries in one request
MAX_QUERY_CHARS = 300
MAX_EXAMINED = 60  # candidates scored per query, at most
PREVIEW_CSP = "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors *"
CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


class QueryError(ValueError):
    """A request the service cannot answer; the message says what is wrong with it."""


# ---------------------------------------------------------------- the index, built once per build

@dataclass
class Entity:
    """What the service knows of one entity of the graph."""

    iri: str
    kind: str
    name: str
    names: set[str] = field(default_factory=set)  # every name, alternate name and transliteration
    qid: str | None = None
    related: dict[str, set[str]] = field(default_factory=dict)  # author / organizer -> IRIs
    years: dict[str, set[int]] = field(default_factory=dict)  # born / died / year -> years
    dates: dict[str, set[str]] = field(default_factory=dict)  # born / died -> full dates, when known
    description: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    position: int | None = None  # a congress's ordinal

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 2)[-2] + "/" + self.iri.rsplit("/", 1)[-1]


def split_name(key: str) -> tuple[tuple[str, ...], str]:
    """(given names or initials, surname) of a name key."""
    words = key.split()
    return tuple(words[:-1]), words[-1] if words else ""


def inverted(text: str) -> str:
    """'Lenin, Vladimir' as a catalogue writes it -> 'Vladimir Lenin'; other text unchanged."""
    head, comma, tail = text.partition(",")
    if comma and tail.strip() and "," not in tail and len(head.split()) <= 2 and len(tail.split()) <= 3:
        return f"{tail.strip()} {head.strip()}"
    return text


def deletions(word: str) -> set[str]:
    """The word and every form of it with one letter deleted: two words one edit apart share one of these."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


class NameIndex:
    """Entities by name key, by surname (and surnames one letter off) and by title word: look-ups, not scans."""

    def __init__(self, entities: list[Entity]):
        self.entities = {e.id: e for e in entities}
        self.by_iri = {e.iri: e for e in entities}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.by_surname: dict[str, set[str]] = defaultdict(set)
        self.by_deletion: dict[str, set[str]] = defaultdict(set)
        self.by_word: dict[str, set[str]] = defaultdict(set)
        for e in entities:
            for key in {name_key(n) for n in e.names} - {""}:
                self.by_key[key].add(e.id)
                if e.kind == "person":
                    surname = split_name(key)[1]
                    self.by_surname[surname].add(e.id)
                    if len(surname) >= 5:
                        for form in deletions(surname):
                            self.by_deletion[form].add(e.id)
                else:
                    for word in key.split():
                        self.by_word[word].add(e.id)
        self.sorted_keys = sorted((key, eid) for key, ids in self.by_key.items() for eid in ids)

    def candidates(self, text: str, kinds: set[str]) -> set[str]:
        """Ids of the entities that may be meant, found through the indexes, at most MAX_EXAMINED of them."""
        found: set[str] = set()
        for form in query_forms(text):
            found |= self.by_key.get(form, set())
            given, surname = split_name(form)
            found |= self.by_surname.get(surname, set())
            if len(surname) >= 5:
                for d in deletions(surname):
                    found |= self.by_deletion.get(d, set())
        words = sorted(set(name_key(text).split()), key=lambda w: len(self.by_word.get(w, ())))
        for word in words[:4]:  # the rarest words of a title find it; common ones would find everything
            if len(word) > 2:
                found |= self.by_word.get(word, set())
        found = {i for i in found if self.entities[i].kind in kinds}
        return set(sorted(found)[:MAX_EXAMINED]) if len(found) > MAX_EXAMINED else found

    def prefixed(self, prefix: str, kinds: set[str], limit: int) -> list[Entity]:
        """Entities one of whose names (or a word of it) begins with the prefix, for auto-completion."""
        key = name_key(prefix)
        out: dict[str, Entity] = {}
        if not key:
            return []
        i = bisect_left(self.sorted_keys, (key, ""))
        while i < len(self.sorted_keys) and self.sorted_keys[i][0].startswith(key) and len(out) < limit:
            entity = self.entities[self.sorted_keys[i][1]]
            if entity.kind in kinds:
                out.setdefault(entity.id, entity)
            i += 1
        return list(out.values())


def query_forms(text: str) -> set[str]:
    """The keys a written name may stand for: as written, inverted, and in its other transliterations."""
    forms = {text, inverted(text)}
    for form in list(forms):
        forms |= spellings(form.strip())
    return {name_key(f) for f in forms} - {""}


def given_compatible(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Whether two lists of given names can be one person's: 'V I' fits 'Vladimir Ilyich', 'Sergey' not 'Lev'."""
    for a, b in zip(ours, theirs, strict=False):  # 'V. Lenin' against 'Vladimir Ilyich Lenin': the first
        if not (a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))):
            return False
    return True


def name_score(text: str, entity: Entity) -> tuple[float, str]:
    """(score 0-100, why) of a written name against an entity's names, by the resolver's rules of variants."""
    forms = query_forms(text)
    preferred = name_key(entity.name)
    keys = {name_key(n) for n in entity.names}
    if preferred in forms:
        return 100.0, "the entity's name"
    exact = forms & keys
    if exact:
        if any(" " in k for k in exact):
            return 95.0, "one of its names"
        return 85.0, "its surname, as the texts use it"
    if entity.kind != "person":
        return title_score(forms, keys, entity)
    best = (0.0, "")
    their_first = split_name(preferred)[0]
    for form in forms:
        given, surname = split_name(form)
        if not given_compatible(given, their_first):
            continue  # a namesake: 'Sergey Kamenev' is not the graph's 'Lev Kamenev', though both are 'Kamenev'
        for key in keys:
            their_given, their_surname = split_name(key)
            if surname == their_surname:
                points, why = 80.0, "same surname"
            elif len(surname) >= 5 and one_edit(surname, their_surname):
                points, why = 70.0, "a surname one letter off"
            else:
                continue
            if not given_compatible(given, their_given):
                continue  # a namesake: another person of that surname
            if given and their_given:
                points += 5
                why += ", given names or initials agree"
            elif given and not their_given:
                points -= 10
                why += ", the graph knows no given name"
            best = max(best, (points, why))
    return best


ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                 "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                 "eighteenth", "nineteenth", "twentieth"]
ORDINAL = re.compile(r"\b(?:(\d{1,3})(?:st|nd|rd|th)|(" + "|".join(ORDINAL_WORDS) + r"))\b")


def ordinal_of(key: str) -> int | None:
    """The ordinal a name key gives ('10th congress', 'tenth congress' -> 10), if any."""
    m = ORDINAL.search(key)
    if m is None:
        return None
    return int(m.group(1)) if m.group(1) else ORDINAL_WORDS.index(m.group(2)) + 1


def title_score(forms: set[str], keys: set[str], entity: Entity) -> tuple[float, str]:
    """A title or an event's name: all its words in one of the names, or close to one; another ordinal never."""
    asked = {ordinal_of(f) for f in forms} - {None}
    if asked and entity.position is not None and entity.position not in asked:
        return 0.0, ""
    best = (0.0, "")
    for form in forms:
        words = set(ORDINAL.sub(lambda m: str(ordinal_of(m.group(0))) + "th", form).split())
        for key in keys:
            theirs = set(ORDINAL.sub(lambda m: str(ordinal_of(m.group(0))) + "th", key).split())
            if len(words) >= 2 and words <= theirs:
                best = max(best, (round(80 + 10 * len(words) / len(theirs), 1), "the words of one of its names"))
            best = max(best, (round(SequenceMatcher(None, form, key).ratio() * 90, 1), "a similar title"))
    return best


# ---------------------------------------------------------------- building the index from the store

def _rows(store, text: str) -> list[dict[str, str]]:
    solutions = store.query(sparql_prefixes() + text)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def _year(value: str) -> int | None:
    m = re.match(r"-?(\d{4})", value)
    return int(m.group(1)) if m else None


def load_entities(store, life_dates: dict[str, dict[str, int]] | None = None) -> list[Entity]:
    """Every person, work, congress and organisation of the graph with its names, links, dates and counts; the
    curated records' years of life (the build's life-dates.json) join those fetched from Wikidata."""
    classes = " ".join(f"<{cls}>" for cls, _, _ in TYPES.values())
    kind_of = {str(cls): segment for cls, _, segment in TYPES.values()}
    out: dict[str, Entity] = {}
    for row in _rows(store, f"SELECT ?e ?cls ?name WHERE {{ VALUES ?cls {{ {classes} }} "
                            "?e a ?cls ; schema:name ?name }"):
        out.setdefault(row["e"], Entity(row["e"], kind_of[row["cls"]], row["name"], {row["name"]}))

    def each(text: str):
        for row in _rows(store, text):
            if row.get("e") in out:
                yield out[row["e"]], row

    for e, row in each("SELECT ?e ?alt WHERE { ?e schema:alternateName ?alt }"):
        e.names.add(row["alt"])
    for e in out.values():
        e.names |= {t for n in list(e.names) for t in transliterations(n)}
    for e, row in each("SELECT ?e ?q WHERE { ?e owl:sameAs ?q FILTER STRSTARTS(STR(?q), STR(wd:)) }"):
        e.qid = row["q"].rsplit("/", 1)[-1]
    for e, row in each("SELECT ?e ?p ?o WHERE { VALUES ?p { schema:author schema:organizer } ?e ?p ?o }"):
        e.related.setdefault(row["p"].rsplit("/", 1)[-1], set()).add(row["o"])
    for e, row in each("SELECT ?e ?n WHERE { ?e schema:position ?n }"):
        e.position = int(row["n"])
    for e, row in each("SELECT ?e ?d WHERE { ?e schema:startDate|schema:datePublished ?d }"):
        if _year(row["d"]):
            e.years.setdefault("year", set()).add(_year(row["d"]))
    for e, row in each("SELECT ?e ?p ?d WHERE { VALUES ?p { schema:birthDate schema:deathDate } "
                       "?e owl:sameAs ?item . ?item ?p ?d }"):
        what = "born" if row["p"].endswith("birthDate") else "died"
        if _year(row["d"]):
            e.years.setdefault(what, set()).add(_year(row["d"]))
            e.dates.setdefault(what, set()).add(row["d"])
    for iri, years in (life_dates or {}).items():
        if iri in out:
            for what, year in years.items():
                out[iri].years.setdefault(what, set()).add(int(year))
    for e, row in each("SELECT ?e ?d WHERE { ?e owl:sameAs ?item . ?item schema:description ?d "
                       "FILTER(LANGMATCHES(LANG(?d), 'en')) }"):
        e.description = row["d"]
    for what, text in (("mentions", "SELECT ?e (COUNT(?a) AS ?n) WHERE { ?a oa:hasBody ?e } GROUP BY ?e"),
                       ("documents", "SELECT ?e (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d schema:mentions ?e } "
                                     "GROUP BY ?e"),
                       ("quotations", "SELECT ?e (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a schema:Quotation ; "
                                      "schema:creator|schema:isPartOf ?e } GROUP BY ?e")):
        for e, row in each(text):
            e.counts[what] = int(row["n"])
    return list(out.values())


def read_life_dates(build) -> dict[str, dict[str, int]]:
    """The records' years of life the build wrote beside its store; none for RDF files served as they are."""
    try:
        return json.loads(build.file(LIFE_DATES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


_INDEXES: dict[str, NameIndex] = {}
_LOCK = threading.Lock()


def index_of(build, store) -> NameIndex:
    """The name index of a build, made on its first reconciliation request and kept while it is in service."""
    index = _INDEXES.get(build.build_id)
    if index is None:
        with _LOCK:
            index = _INDEXES.get(build.build_id)
            if index is None:
                index = NameIndex(load_entities(store, read_life_dates(build)))
                _INDEXES.clear()  # one build in service at a time: the old one's index goes
                _INDEXES[build.build_id] = index
    return index


# ---------------------------------------------------------------- answering queries

def type_ids(value) -> set[str]:
    """The kinds (IRI segments) a query's type asks for: all kinds when it names none."""
    if value in (None, "", []):
        return set(KIND_TYPE)
    wanted = value if isinstance(value, list) else [value]
    kinds = set()
    for t in wanted:
        t = str(t)  # 'Person', or the class's IRI (kg:Person)
        found = TYPES.get(t) or next((v for k, v in TYPES.items() if str(v[0]) == t or t.endswith("#" + k)), None)
        if found is None:
            raise QueryError(f"unknown type {t!r}; use one of {', '.join(TYPES)}")
        kinds.add(found[2])
    return kinds


def values_of(v) -> list:
    return v if isinstance(v, list) else [v]


def constraint(index: NameIndex, entity: Entity, pid: str, value) -> tuple[float, str] | None:
    """(points, feature) for one property constraint of a query: positive when it agrees, negative when not;
    None when the graph does not know the fact."""
    pid = PROPERTY_ALIASES.get(pid, pid)
    if pid in ("born", "died", "year"):
        theirs = entity.years.get(pid)
        ours = {y for v in values_of(value) for y in [_year(str(v.get("id") if isinstance(v, dict) else v))] if y}
        if not theirs or not ours:
            return None
        slack = 0 if pid == "year" else 1  # a date of life may be given in the old or the new calendar
        if any(abs(a - b) <= slack for a in ours for b in theirs):
            return 5.0, pid
        return -60.0, pid
    if pid in ("author", "organizer"):
        related = entity.related.get(pid)
        if not related:
            return None
        for v in values_of(value):
            if isinstance(v, dict):
                target = index.entities.get(v.get("id", ""))
                if target is not None and target.iri in related:
                    return 5.0, pid
                continue
            for iri in related:
                other = index.by_iri.get(iri)
                if other is not None and name_score(str(v), other)[0] >= 80:
                    return 5.0, pid
        return -60.0, pid
    if pid in PROPERTIES:
        return None
    raise QueryError(f"unknown property {pid!r}; use one of {', '.join(p for p in PROPERTIES if p != 'qid')}")


def reconcile_one(index: NameIndex, query: dict) -> dict:
    """The candidates for one query of a batch, best first, `match` only for one clearly right candidate."""
    if not isinstance(query, dict):
        raise QueryError("each query of a batch is an object such as {\"query\": \"Lenin\", \"type\": \"Person\"}")
    text = query.get("query", "")
    if not isinstance(text, str):
        raise QueryError("\"query\" must be a string")
    text = text[:MAX_QUERY_CHARS]
    try:
        limit = max(1, min(int(query.get("limit") or DEFAULT_LIMIT), MAX_LIMIT))
    except (TypeError, ValueError):
        raise QueryError("\"limit\" must be a number") from None
    kinds = type_ids(query.get("type"))
    props = query.get("properties") or []
    if not isinstance(props, list) or not all(isinstance(p, dict) and "pid" in p and "v" in p for p in props):
        raise QueryError("\"properties\" is a list of {\"pid\": ..., \"v\": ...}")
    scored = []
    for eid in index.candidates(text, kinds):
        entity = index.entities[eid]
        points, why = name_score(text, entity)
        if points <= 0:
            continue
        features = [{"id": "name", "value": round(points / 100, 2)}]
        contradicted = False
        for p in props:
            outcome = constraint(index, entity, str(p["pid"]), p["v"])
            if outcome is not None:
                points += outcome[0]
                contradicted = contradicted or outcome[0] < 0
                features.append({"id": outcome[1], "value": outcome[0] > 0})
        scored.append((max(0.0, min(points, 100.0)), entity, features, contradicted, why))
    scored.sort(key=lambda s: (-s[0], s[1].name))
    result = []
    for i, (points, entity, features, contradicted, why) in enumerate(scored[:limit]):
        clear = (points >= MATCH_SCORE and not contradicted
                 and (len(scored) == 1 or points - scored[1][0] >= MATCH_MARGIN)) if i == 0 else False
        result.append({"id": entity.id, "name": entity.name, "description": card_line(entity, why),
                       "score": round(points, 1), "features": features, "match": clear,
                       "type": [{"id": KIND_TYPE[entity.kind], "name": TYPES[KIND_TYPE[entity.kind]][1]}]})
    return {"result": result}


def card_line(entity: Entity, why: str = "") -> str:
    """A line telling namesakes apart: dates, Wikidata's description, how often the texts name it."""
    parts = []
    if entity.years.get("born") or entity.years.get("died"):
        parts.append(f"{min(entity.years.get('born', {0})) or '?'}-{min(entity.years.get('died', {0})) or '?'}")
    if entity.description:
        parts.append(entity.description)
    parts.append(f"{entity.counts.get('mentions', 0)} mentions in {entity.counts.get('documents', 0)} documents")
    if why:
        parts.append(f"matched by {why}")
    return "; ".join(parts)


def extend(index: NameIndex, query: dict) -> dict:
    """Data extension: the asked properties of the asked entities."""
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list) \
            or not isinstance(query.get("properties"), list):
        raise QueryError("extend is {\"ids\": [...], \"properties\": [{\"id\": \"born\"}, ...]}")
    pids = []
    for p in query["properties"]:
        asked = str(p.get("id") if isinstance(p, dict) else p)
        pid = PROPERTY_ALIASES.get(asked, asked)
        if pid not in PROPERTIES:
            raise QueryError(f"unknown property {pid!r}; use one of {', '.join(PROPERTIES)}")
        pids.append(pid)
    rows = {}
    for eid in query["ids"][:MAX_BATCH]:
        entity = index.entities.get(str(eid))
        rows[str(eid)] = {pid: property_values(index, entity, pid) if entity else [] for pid in pids}
    meta = [{"id": pid, "name": PROPERTIES[pid][0]} for pid in pids]
    for m in meta:
        if m["id"] in ("author", "organizer"):
            m["type"] = {"id": "Person" if m["id"] == "author" else "Organization"}
    return {"meta": meta, "rows": rows}


def property_values(index: NameIndex, entity: Entity, pid: str) -> list[dict]:
    """One cell of data extension, in the protocol's value objects."""
    if pid in ("born", "died"):
        full = sorted(d for d in entity.dates.get(pid, ()) if re.match(r"\d{4}-\d\d-\d\d$", d[:10]))
        if full:
            return [{"date": d[:10] + "T00:00:00Z"} for d in full]
        return [{"str": str(y)} for y in sorted(entity.years.get(pid, ()))]
    if pid == "year":
        return [{"int": y} for y in sorted(entity.years.get("year", ()))]
    if pid in ("author", "organizer"):
        others = [index.by_iri[i] for i in sorted(entity.related.get(pid, ())) if i in index.by_iri]
        return [{"id": o.id, "name": o.name} for o in others]
    if pid == "qid":
        return [{"str": entity.qid}] if entity.qid else []
    if pid == "description":
        return [{"str": entity.description}] if entity.description else []
    return [{"int": entity.counts.get(pid, 0)}]


# ---------------------------------------------------------------- the HTTP side

def source():
    return current_app.extensions["kgpub_source"].get()


def current_index() -> NameIndex:
    build, store = source()
    return index_of(build, store)


def answer(payload: dict, status: int = 200) -> Response:
    """JSON, or JSONP when the request names a callback (browser tools that cannot use CORS)."""
    body = json.dumps(payload, ensure_ascii=False)
    callback = request.values.get("callback")
    if callback is not None:
        if not CALLBACK.match(callback):
            return Response("callback must be a JavaScript name such as jQuery123_456\n", status=400,
                            mimetype="text/plain")
        return Response(f"/**/{callback}({body});", status=status, mimetype="application/javascript")
    return Response(body, status=status, mimetype="application/json")


def parsed(name: str):
    """A JSON parameter of the request (query string or form), parsed; a clear 400 when it is not JSON."""
    raw = request.values.get(name)
    try:
        return json.loads(raw)
    except (TypeError, ValueError) as err:
        raise QueryError(f"{name} is not valid JSON ({err}); send e.g. "
                         f"{name}={{\"q0\": {{\"query\": \"Lenin\"}}}}") from None


def manifest() -> dict:
    build, _ = source()
    root = request.host_url
    base = build.manifest["base_iri"]
    return {
        "versions": ["0.2"],
        "name": (build.manifest.get("title") or current_app.config["KGPUB"].title)[:100],
        "identifierSpace": base,
        "schemaSpace": ONTOLOGY_IRI + "#",
        "documentation": root + "reconcile/doc",
        "serviceVersion": _version(),
        "defaultTypes": [{"id": t, "name": name} for t, (_, name, _) in TYPES.items()],
        "view": {"url": root + "{{id}}"},
        "preview": {"url": root + "reconcile/preview?id={{id}}", "width": 400, "height": 160},
        "suggest": {"entity": {"service_url": root.rstrip("/"), "service_path": "/reconcile/suggest/entity"},
                    "type": {"service_url": root.rstrip("/"), "service_path": "/reconcile/suggest/type"},
                    "property": {"service_url": root.rstrip("/"), "service_path": "/reconcile/suggest/property"}},
        "extend": {"propose_properties": {"service_url": root.rstrip("/"),
                                          "service_path": "/reconcile/propose_properties"},
                   "property_settings": []},
    }


def _version() -> str:
    import kgpub
    return kgpub.__version__


@bp.errorhandler(QueryError)
def bad_request(err: QueryError) -> Response:
    return Response(f"{err}\n", status=400, mimetype="text/plain")


@bp.route("", methods=["GET", "POST"])
@bp.route("/", methods=["GET", "POST"])
def endpoint():
    """The manifest, or the answers to a batch of queries (`queries=`), or data extension (`extend=`)."""
    if "queries" in request.values:
        batch = parsed("queries")
        if not isinstance(batch, dict):
            raise QueryError("queries is an object of queries by key: {\"q0\": {\"query\": \"Lenin\"}}")
        if len(batch) > MAX_BATCH:
            raise QueryError(f"{len(batch)} queries in one batch; send at most {MAX_BATCH} at a time")
        index = current_index()
        return answer({str(key): reconcile_one(index, q) for key, q in batch.items()})
    if "query" in request.values:  # the older single-query form: query=Lenin or query={"query": ...}
        raw = request.values["query"]
        try:
            single = json.loads(raw)
        except ValueError:
            single = raw
        single = single if isinstance(single, dict) else {"query": str(raw)}
        return answer(reconcile_one(current_index(), single))
    if "extend" in request.values:
        return answer(extend(current_index(), parsed("extend")))
    return answer(manifest())


@bp.route("/suggest/entity")
def suggest_entity():
    prefix = request.args.get("prefix", "")[:MAX_QUERY_CHARS]
    kinds = type_ids(request.args.get("type") or None)
    limit = _int_arg("limit", 10)
    found = current_index().prefixed(prefix, kinds, limit)
    return answer({"result": [{"id": e.id, "name": e.name, "description": card_line(e),
                               "notable": [{"id": KIND_TYPE[e.kind], "name": TYPES[KIND_TYPE[e.kind]][1]}]}
                              for e in found]})


@bp.route("/suggest/type")
def suggest_type():
    prefix = name_key(request.args.get("prefix", ""))
    return answer({"result": [{"id": t, "name": name} for t, (_, name, _) in TYPES.items()
                              if name_key(t).startswith(prefix) or name_key(name).startswith(prefix)]})


@bp.route("/suggest/property")
def suggest_property():
    prefix = name_key(request.args.get("prefix", ""))
    return answer({"result": [{"id": pid, "name": name, "description": help_text}
                              for pid, (name, _, help_text) in PROPERTIES.items()
                              if pid.startswith(prefix) or name_key(name).startswith(prefix)]})


@bp.route("/propose_properties")
def propose_properties():
    kinds = type_ids(request.args.get("type") or None)
    limit = _int_arg("limit", len(PROPERTIES))
    found = [{"id": pid, "name": name, "description": help_text}
             for pid, (name, applies, help_text) in PROPERTIES.items() if kinds & set(applies)][:limit]
    payload = {"properties": found, "limit": limit}
    if request.args.get("type"):
        payload["type"] = request.args["type"]
    return answer(payload)


@bp.route("/preview")
def preview():
    """A small HTML card for an entity id, for the tool's preview pane."""
    entity = current_index().entities.get(request.args.get("id", ""))
    if entity is None:
        return Response("no entity with this id; ids look like person/vladimir-lenin\n", status=404,
                        mimetype="text/plain")
    qid = (f'<br>Wikidata: <a href="https://www.wikidata.org/wiki/{html.escape(entity.qid)}" target="_blank">'
           f"{html.escape(entity.qid)}</a>") if entity.qid else ""
    body = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(entity.name)}</title>'
            f'</head><body><p><a href="/{html.escape(entity.id)}" target="_blank"><strong>'
            f"{html.escape(entity.name)}</strong></a> ({html.escape(TYPES[KIND_TYPE[entity.kind]][1])})<br>"
            f"{html.escape(card_line(entity))}{qid}</p></body></html>")
    # Reconciliation tools show the card in a frame of their own page: the one page of the site that may be framed.
    return Response(body, mimetype="text/html", headers={"Content-Security-Policy": PREVIEW_CSP})


@bp.route("/doc")
def doc():
    return Response("Reconciliation Service API 0.2: GET or POST /reconcile with queries={...} (batch) or "
                    "extend={...}; types " + ", ".join(TYPES) + "; properties " + ", ".join(PROPERTIES)
                    + ". See docs/linking.md in the project.\n", mimetype="text/plain")


def _int_arg(name: str, default: int) -> int:
    try:
        return max(1, min(int(request.args.get(name, default)), 100))
    except ValueError:
        raise QueryError(f"{name} must be a whole number") from None
