"""What an entity page shows, in a few bounded queries: a summary, counts, quotations and evidence a page at a time."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kgpub.server.graphdata import iri_ref, query, value

SCHEMA = "http://schema.org/"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
WIKIDATA = "http://www.wikidata.org/entity/"
DATE_PROPERTIES = {SCHEMA + "birthDate": "born", SCHEMA + "deathDate": "died", SCHEMA + "startDate": "from",
                   SCHEMA + "endDate": "to", SCHEMA + "datePublished": "published", SCHEMA + "dateCreated": "written",
                   SCHEMA + "foundingDate": "founded", SCHEMA + "dissolutionDate": "dissolved"}
LINK_PROPERTIES = {SCHEMA + "author": "by", SCHEMA + "organizer": "organised by", SCHEMA + "creator": "said by",
                   SCHEMA + "isPartOf": "from", SCHEMA + "memberOf": "member of"}
SUMMARY_PROPERTIES = (SCHEMA + "name", RDFS_LABEL, SCHEMA + "alternateName", SCHEMA + "description",
                      SCHEMA + "position", OWL_SAME_AS, *DATE_PROPERTIES, *LINK_PROPERTIES)
QUOTATIONS_PER_PAGE = 25
SNIPPET_CHARS = 320


@dataclass
class Summary:
    """Who or what this is, on a few lines: names, dates, description, links and the Wikidata item."""

    name: str
    other_names: list[str] = field(default_factory=list)
    description: str = ""
    dates: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (role, iri, label)
    wikidata: list[str] = field(default_factory=list)
    position: str | None = None


def summary(store: ox.Store, iri: str, fallback: str) -> Summary:
    """The summary of a resource from its own name, dates, description and links, in one query."""
    props = ", ".join(f"<{p}>" for p in SUMMARY_PROPERTIES)
    rows = query(store, f"""SELECT ?p ?o ?label WHERE {{ ?x ?p ?o FILTER (?p IN ({props}))
                            OPTIONAL {{ ?o schema:name|rdfs:label ?label }} }} LIMIT 500""", x=iri)
    names: dict[str, None] = {}
    out = Summary(fallback)
    descriptions: list[str] = []
    linked: dict[tuple[str, str], str] = {}
    for r in rows:
        p, o = value(r["p"]), value(r["o"])
        if p in (SCHEMA + "name", RDFS_LABEL, SCHEMA + "alternateName"):
            names.setdefault(o)
        elif p == SCHEMA + "description":
            descriptions.append(o)
        elif p == SCHEMA + "position":
            out.position = o
        elif p == OWL_SAME_AS and o.startswith(WIKIDATA):
            if o not in out.wikidata:
                out.wikidata.append(o)
        elif p in DATE_PROPERTIES:
            if (DATE_PROPERTIES[p], o) not in out.dates:
                out.dates.append((DATE_PROPERTIES[p], o))
        elif p in LINK_PROPERTIES and isinstance(r["o"], ox.NamedNode):
            linked.setdefault((LINK_PROPERTIES[p], o), value(r["label"]) or o.rsplit("/", 1)[-1])
    preferred = [value(r["o"]) for r in rows if value(r["p"]) == SCHEMA + "name"]
    out.name = preferred[0] if preferred else next(iter(names), fallback)
    out.other_names = [n for n in names if n != out.name]
    out.description = min(descriptions, key=len) if descriptions else ""
    order = list(DATE_PROPERTIES.values())
    out.dates.sort(key=lambda d: (order.index(d[0]), d[1]))
    out.links = sorted((role, o, label) for (role, o), label in linked.items())
    return out


def counts(store: ox.Store, iri: str) -> dict[str, int]:
    """Quotations said (or cited from), times quoted and works cited of an entity, in one query."""
    x = iri_ref(iri)
    rows = query(store, f"""SELECT * WHERE {{
        {{ SELECT (COUNT(DISTINCT ?q) AS ?quotations) WHERE {{ {{ ?q schema:creator {x} }}
            UNION {{ ?q schema:isPartOf {x} ; a schema:Quotation }} }} }}
        {{ SELECT (COUNT(DISTINCT ?qa) AS ?quoted) WHERE {{ {{ ?q schema:creator {x} }}
            UNION {{ ?q schema:isPartOf {x} ; a schema:Quotation }} ?qa oa:hasBody ?q }} }}
        {{ SELECT (COUNT(DISTINCT ?w) AS ?works) WHERE {{ {{ ?q schema:creator {x} ; schema:isPartOf ?w }}
            UNION {{ ?w schema:author {x} }} }} }}
    }}""")
    return {k: int(v.value) for k, v in rows[0].items()} if rows else {}


def document_counts(store: ox.Store, iri: str) -> dict[str, int]:
    """Mentions in a document, and how many persons, quotations and works it names, in one query."""
    x = iri_ref(iri)
    rows = query(store, f"""SELECT (COUNT(?a) AS ?mentions) (COUNT(DISTINCT ?person) AS ?persons)
        (COUNT(DISTINCT ?q) AS ?quotations) (COUNT(DISTINCT ?w) AS ?works) WHERE {{
        ?t oa:hasSource {x} . ?a oa:hasTarget ?t ; oa:hasBody ?b .
        OPTIONAL {{ ?b a schema:Person BIND (?b AS ?person) }}
        OPTIONAL {{ ?b a schema:Quotation BIND (?b AS ?q) }}
        OPTIONAL {{ {{ ?b a kg:Work BIND (?b AS ?w) }} UNION {{ ?b a schema:Quotation ; schema:isPartOf ?w }} }}
    }}""")
    return {k: int(v.value) for k, v in rows[0].items()} if rows else {}


@dataclass
class Quoting:
    """A document quoting a passage: its title, author, and where in it."""

    document: str
    doc_id: str
    title: str
    author: str
    start: int
    date: str = ""

    @property
    def byline(self) -> str:
        """Author and date, which tell apart two documents of the same title (two editions of one work)."""
        return ", ".join(part for part in (self.author, self.date[:4]) if part)


@dataclass
class QuotationView:
    """A quotation shown by its words, with who said it, where it is cited from and who quotes it."""

    iri: str
    text: str
    times_quoted: int
    speakers: list[tuple[str, str]] = field(default_factory=list)
    works: list[tuple[str, str]] = field(default_factory=list)
    volume: str | None = None
    pages: str | None = None
    quoted_in: list[Quoting] = field(default_factory=list)

    @property
    def first_lines(self) -> str:
        return self.text if len(self.text) <= 240 else self.text[:240].rsplit(" ", 1)[0] + " …"


QUOTATION_SCOPES = {  # how a page's quotations are found: said by, cited from, quoted in, or the quotation itself
    "speaker": "?q schema:creator {x} .",
    "work": "?q schema:isPartOf {x} .",
    "document": "?qa0 oa:hasBody ?q ; oa:hasTarget ?qt0 . ?qt0 oa:hasSource {x} .",
    "self": "VALUES ?q {{ {x} }}",
    "speaker_by_author": "?q schema:creator {x} . ?qa0 oa:hasBody ?q ; oa:hasTarget ?qt0 . ?qt0 oa:hasSource ?d0 . "
                         "?d0 schema:author {other} .",
}


def quotations(store: ox.Store, iri: str, scope: str, page: int = 1, per_page: int = QUOTATIONS_PER_PAGE,
               other: str | None = None) -> tuple[int, list[QuotationView]]:
    """(how many, one page of them) of the quotations in a scope, most quoted first; five queries whatever the
    page."""
    pattern = QUOTATION_SCOPES[scope].format(x=iri_ref(iri), other=iri_ref(other) if other else "")
    total = query(store, f"SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE {{ {pattern} ?q a schema:Quotation }}")
    total_n = int(total[0]["n"].value) if total else 0
    rows = query(store, f"""SELECT ?q (COUNT(?qa) AS ?n) WHERE {{ {{ SELECT DISTINCT ?q WHERE {{ {pattern} }} }}
        OPTIONAL {{ ?qa oa:hasBody ?q }} }} GROUP BY ?q ORDER BY DESC(?n) ?q
        LIMIT {int(per_page)} OFFSET {(max(page, 1) - 1) * int(per_page)}""")
    views = {value(r["q"]): QuotationView(value(r["q"]), "", 0) for r in rows}
    if not views:
        return total_n, []
    values = "VALUES ?q { " + " ".join(iri_ref(q) for q in views) + " }"
    for r in query(store, f"""SELECT ?q ?p ?o ?label WHERE {{ {values}
            ?q ?p ?o FILTER (?p IN (schema:text, schema:creator, schema:isPartOf, bibo:volume, bibo:pageStart,
                                    bibo:pageEnd))
            OPTIONAL {{ ?o schema:name ?label }} }}"""):
        view, p, o = views[value(r["q"])], value(r["p"]).rsplit("/", 1)[-1], value(r["o"])
        label = value(r["label"]) or o.rsplit("/", 1)[-1]
        if p == "text":
            view.text = o
        elif p == "creator" and (o, label) not in view.speakers:
            view.speakers.append((o, label))
        elif p == "isPartOf" and (o, label) not in view.works:
            view.works.append((o, label))
        elif p == "volume":
            view.volume = o
        elif p in ("pageStart", "pageEnd"):
            start, end = (view.pages or "").partition("–")[::2]
            start, end = (o, end or o) if p == "pageStart" else (start or o, o)
            view.pages = start if start == end else f"{start}–{end}"
    quoting = query(store, f"""SELECT ?q ?doc (MIN(?start) AS ?first) (COUNT(DISTINCT ?qa) AS ?n) WHERE {{ {values}
        ?qa oa:hasBody ?q ; oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?ps . ?ps oa:start ?start .
        }} GROUP BY ?q ?doc""")
    info = document_info(store, list({value(r["doc"]) for r in quoting}))
    for r in quoting:
        doc = value(r["doc"])
        view = views[value(r["q"])]
        view.times_quoted += int(r["n"].value)
        ident, title, author, date = info.get(doc, (doc.rsplit("/", 1)[-1],) * 2 + ("", ""))
        view.quoted_in.append(Quoting(doc, ident, title, author, int(r["first"].value), date))
    for view in views.values():
        view.quoted_in.sort(key=lambda q: (q.title, q.date, q.doc_id))
    return total_n, list(views.values())


@dataclass
class Mention:
    start: int
    end: int
    exact: str
    before: str
    after: str
    rule: str = ""


@dataclass
class DocumentEvidence:
    """The mentions of an entity in one document, under the document's title and author."""

    document: str
    doc_id: str
    title: str
    author: str
    date: str
    total: int
    mentions: list[Mention] = field(default_factory=list)


def around(sentence: str, exact: str) -> tuple[str, str, str]:
    """(before, the mention, after) in its sentence, cut to a snippet of a few hundred characters around it."""
    words = " ".join(exact.split())
    sentence = " ".join(sentence.split())
    before, found, after = sentence.partition(words)
    if not found:
        return "", words, (" — " + sentence[:SNIPPET_CHARS]) if sentence else ""
    half = (SNIPPET_CHARS - len(words)) // 2
    if len(before) > half:
        before = "…" + before[-half:].split(" ", 1)[-1]
    if len(after) > half:
        after = after[:half].rsplit(" ", 1)[0] + "…"
    return before, words, after


def evidence(store: ox.Store, iri: str, page: int = 1,
             per_page: int = 50) -> tuple[dict[str, int], list[DocumentEvidence]]:
    """({document: mentions} of every document, one page of the mentions grouped by document), the documents with
    most mentions first: one query for the counts, then one per document on the page (a page spans a few)."""
    x = iri_ref(iri)
    per_doc = {value(r["doc"]): int(r["n"].value) for r in query(store, f"""SELECT ?doc (COUNT(?a) AS ?n) WHERE {{
        ?a oa:hasBody {x} ; oa:hasTarget ?t . ?t oa:hasSource ?doc }} GROUP BY ?doc""")}
    order = sorted(per_doc, key=lambda d: (-per_doc[d], d))
    skip, room = (max(page, 1) - 1) * int(per_page), int(per_page)
    groups: list[DocumentEvidence] = []
    for doc in order:
        if room <= 0:
            break
        if skip >= per_doc[doc]:
            skip -= per_doc[doc]
            continue
        group = DocumentEvidence(doc, "", doc.rsplit("/", 1)[-1], "", "", per_doc[doc])
        # the document first: pyoxigraph joins in the order written, and the entity may have thousands of mentions
        for r in query(store, f"""SELECT ?start ?end ?exact ?sentence ?rule WHERE {{
                ?t oa:hasSource {iri_ref(doc)} . ?a oa:hasTarget ?t ; oa:hasBody {x} .
                ?t oa:hasSelector ?ps , ?qs . ?ps oa:start ?start ; oa:end ?end . ?qs oa:exact ?exact .
                OPTIONAL {{ ?a kg:sentence ?sentence }} OPTIONAL {{ ?a kg:rule ?rule }}
            }} ORDER BY ?start LIMIT {room} OFFSET {skip}"""):
            before, exact, after = around(value(r["sentence"]) or "", value(r["exact"]))
            group.mentions.append(Mention(int(r["start"].value), int(r["end"].value), exact, before, after,
                                          value(r["rule"]) or ""))
        room -= len(group.mentions)
        skip = 0
        groups.append(group)
    for group in groups:
        info = document_info(store, [group.document]).get(group.document)
        if info:
            group.doc_id, group.title, group.author, group.date = info
    return per_doc, groups


def document_info(store: ox.Store, documents: list[str]) -> dict[str, tuple[str, str, str, str]]:
    """{document: (identifier, title, author, date)} of a few documents, in one query."""
    if not documents:
        return {}
    values = "VALUES ?doc { " + " ".join(iri_ref(d) for d in documents) + " }"
    out = {}
    for r in query(store, f"""SELECT ?doc ?id ?title ?author ?date WHERE {{ {values}
            OPTIONAL {{ ?doc dcterms:identifier ?id }} OPTIONAL {{ ?doc rdfs:label ?title }}
            OPTIONAL {{ ?doc schema:author/schema:name ?author }} OPTIONAL {{ ?doc schema:datePublished ?date }} }}"""):
        doc = value(r["doc"])
        if doc not in out:
            ident = value(r["id"]) or doc.rsplit("/", 1)[-1]
            out[doc] = (ident, value(r["title"]) or ident, value(r["author"]) or "", value(r["date"]) or "")
    return out


def labels(store: ox.Store, iris: list[str], limit: int = 400) -> dict[str, str]:
    """{IRI: a readable label} for up to `limit` IRIs: a name, a label, or a quotation's first words."""
    iris = [i for i in dict.fromkeys(iris) if not any(c in i for c in '<>"{}|^`\\ ')][:limit]
    if not iris:
        return {}
    values = "VALUES ?x { " + " ".join(iri_ref(i) for i in iris) + " }"
    out: dict[str, str] = {}
    for r in query(store, f"""SELECT ?x ?l WHERE {{ {values}
            {{ ?x schema:name ?l }} UNION {{ ?x rdfs:label ?l }} UNION {{ ?x schema:text ?l FILTER NOT EXISTS
            {{ ?x a kg:Document }} }} }}"""):
        text = " ".join(value(r["l"]).split())
        out.setdefault(value(r["x"]), text if len(text) <= 90 else text[:90].rsplit(" ", 1)[0] + " …")
    return out


def incoming(store: ox.Store, iri: str, limit: int = 200) -> list[tuple[str, str]]:
    """(subject, property) pairs pointing at a resource, annotations aside, at most `limit` of them."""
    # sorted here, not in the query: ORDER BY would read every link (thousands for a much-quoted person) first
    rows = query(store, f"""SELECT ?s ?p WHERE {{ ?s ?p ?x FILTER (?p NOT IN (oa:hasBody, oa:hasSource)) }}
                           LIMIT {int(limit)}""", x=iri)
    return sorted((value(r["s"]), value(r["p"])) for r in rows)


def organised(store: ox.Store, iri: str, limit: int = 200) -> list[tuple[str, str, str, str]]:
    """(iri, name, start, end) of the congresses and events an organisation held, earliest first."""
    rows = query(store, f"""SELECT ?c ?name ?start ?end WHERE {{ ?c schema:organizer ?x
        OPTIONAL {{ ?c schema:name ?name }} OPTIONAL {{ ?c schema:startDate ?start }}
        OPTIONAL {{ ?c schema:endDate ?end }} }} ORDER BY ?start ?name LIMIT {int(limit)}""", x=iri)
    out: dict[str, tuple[str, str, str, str]] = {}
    for r in rows:
        c = value(r["c"])
        out.setdefault(c, (c, value(r["name"]) or c.rsplit("/", 1)[-1], value(r["start"]) or "",
                           value(r["end"]) or ""))
    return list(out.values())
