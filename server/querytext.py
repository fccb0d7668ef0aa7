"""What a query's text says before and after the engine reads it: predeclared prefixes, SELECT * order, errors."""
from __future__ import annotations

import difflib
import re

from kgpub.ontology.vocab import PREFIXES
from kgpub.server.guard import _IRI, _STRINGS, prefixes_of

# Declared for every query, as Wikidata's query service declares its own; a query may still declare them anew.
PREDECLARED: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
# Namespaces a query writer may use without knowing they are not predeclared here: the 400 gives the line to add.
WELL_KNOWN: dict[str, str] = {
    "foaf": "http://xmlns.com/foaf/0.1/", "dc": "http://purl.org/dc/elements/1.1/",
    "dct": "http://purl.org/dc/terms/", "sh": "http://www.w3.org/ns/shacl#",
    "geo": "http://www.opengis.net/ont/geosparql#", "vcard": "http://www.w3.org/2006/vcard/ns#",
    "org": "http://www.w3.org/ns/org#", "sioc": "http://rdfs.org/sioc/ns#", "cito": "http://purl.org/spar/cito/",
    "fabio": "http://purl.org/spar/fabio/", "frbr": "http://purl.org/vocab/frbr/core#",
    "dbo": "http://dbpedia.org/ontology/", "dbr": "http://dbpedia.org/resource/",
    "dbp": "http://dbpedia.org/property/", "p": "http://www.wikidata.org/prop/",
    "ps": "http://www.wikidata.org/prop/statement/", "pq": "http://www.wikidata.org/prop/qualifier/",
    "wikibase": "http://wikiba.se/ontology#", "bd": "http://www.bigdata.com/rdf#",
    "sdo": "https://schema.org/", "gn": "http://www.geonames.org/ontology#", "cc": "http://creativecommons.org/ns#",
    "doap": "http://usefulinc.com/ns/doap#", "crm": "http://www.cidoc-crm.org/cidoc-crm/",
    **PREDECLARED,
}
# Every word SPARQL 1.1 (and the engine's SPARQL 1.2 extensions) knows outside IRIs, strings and prefixed names.
KEYWORDS = frozenset("""
    BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE GROUP BY HAVING ORDER ASC DESC
    LIMIT OFFSET VALUES OPTIONAL GRAPH SERVICE SILENT BIND UNDEF MINUS UNION FILTER NOT IN EXISTS A TRUE FALSE
    COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS
    CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG
    STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE OBJECT
    ISTRIPLE LANGDIR STRLANGDIR HASLANG HASLANGDIR ADJUST LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA
    WITH USING DEFAULT ALL TO INTO""".split())
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
# A bare word: not a variable, prefix, local name, language tag, number or part of one.
_WORD = re.compile(r"(?<![\w?$:@.\-^])[A-Za-z_][A-Za-z0-9_]*(?![\w:.\-])")
_PNAME_NS = re.compile(r"(?<![\w?$:@.\-^])([A-Za-z][\w.\-]*)?:")
_STAR = re.compile(r"^\s*SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.I)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_POSITION = re.compile(r"^error at (\d+):(\d+): ")
# Strings, IRIs and comments, whichever starts first: a '#' inside an IRI or a string is no comment.
_LEXICAL = re.compile(f"{_STRINGS.pattern}|{_IRI.pattern}|#[^\n]*")
_CHAR_CLASS = re.compile(r"\[(?:[^\[\]']|'[^']*')*\]")


def bare(query: str) -> str:
    """The query with the insides of its strings and IRIs and its comments blanked out, its own words and names
    left; as long as the query, so that an offset in it is an offset in the query."""
    def blank(m: re.Match) -> str:
        text = m.group(0)
        inside = re.sub(r"[^\n]", " ", text)
        return inside if text.startswith("#") else text[0] + inside[1:-1] + text[-1]
    return _LEXICAL.sub(blank, query)


def body(text: str) -> str:
    """The text after its prologue (PREFIX and BASE declarations), in a query already made bare."""
    return re.sub(r"^\s*(?:(?:PREFIX\s+[\w.\-]*:\s*<\s*>|BASE\s+<\s*>)\s*)*", "", text, flags=re.I)


def predeclared_for(query: str, prefixes: dict[str, str]) -> str:
    """`PREFIX` lines for the predeclared prefixes the query uses and does not declare, on one line: for a store
    that cannot be given prefixes, put before the query (line numbers stay as they are)."""
    text = bare(query)
    used = {m.group(1) or "" for m in _PNAME_NS.finditer(body(text))}
    own = prefixes_of(query)
    return "".join(f"PREFIX {p}: <{prefixes[p]}> " for p in sorted(used) if p in prefixes and p not in own)


def star_variables(query: str) -> list[str] | None:
    """For `SELECT *`, the variables in the order they first appear in the query; None for any other query."""
    if "*" not in query:  # most queries: no need to read them (this runs for every SELECT)
        return None
    text = body(bare(query))
    if not _STAR.match(text):
        return None
    return list(dict.fromkeys(m.group(1) for m in _VARIABLE.finditer(text)))


def in_query_order(variables: list[str], order: list[str] | None) -> list[str]:
    """The engine's variables sorted as the query names them (for `SELECT *`), any others after them."""
    if not order:
        return variables
    rank = {name: index for index, name in enumerate(order)}
    return sorted(variables, key=lambda v: (rank.get(v, len(rank)), variables.index(v)))


def position(query: str, offset: int) -> str:
    """`line:column` (1-based) of a character offset."""
    before = query[:offset]
    return f"{before.count(chr(10)) + 1}:{offset - (before.rfind(chr(10)) + 1) + 1}"


def undeclared_prefixes(query: str, prefixes: dict[str, str]) -> list[tuple[str, int]]:
    """(prefix, offset) of each prefix the query uses without declaring it and that is not predeclared."""
    text = bare(query)
    declared = set(prefixes_of(query)) | set(prefixes)
    start = len(text) - len(body(text))
    found: dict[str, int] = {}
    for m in _PNAME_NS.finditer(text, start):
        name = m.group(1) or ""
        if name not in declared:
            found.setdefault(name, m.start())
    return list(found.items())


def unknown_words(query: str) -> list[tuple[str, int]]:
    """(word, offset) of each bare word of the query that SPARQL does not know (a misspelt keyword or function)."""
    return [(m.group(0), m.start()) for m in _WORD.finditer(bare(query)) if m.group(0).upper() not in KEYWORDS]


def expected_part(message: str) -> str:
    """The parser's list of what it expected, without its character classes (Unicode ranges help nobody)."""
    _, _, expected = message.partition("expected ")
    expected = _CHAR_CLASS.sub("", expected.replace("\n", " "))
    items = [i.strip() for i in expected.replace("one of ", "", 1).split(", ")]
    items = [i for i in items if i and i != "Prefix not found"]
    if not items:
        return ""
    return "expected " + (items[0] if len(items) == 1 else "one of " + ", ".join(items))


def explain_syntax_error(query: str, message: str, prefixes: dict[str, str]) -> str:
    """The parser's message (`error at LINE:COLUMN: ...`) made into one a query writer can act on: an undeclared
    prefix named with the line to add, a misspelt keyword with the word meant, no lists of character ranges."""
    for name, offset in undeclared_prefixes(query, prefixes):
        iri = WELL_KNOWN.get(name)
        add = (f"add the line PREFIX {name}: <{iri}>" if iri else
               f"declare it with a line PREFIX {name}: <namespace IRI> at the top of the query")
        return (f"error at {position(query, offset)}: the prefix '{name}:' is not declared; {add} "
                f"(predeclared here: {', '.join(p + ':' for p in prefixes)})")
    for word, offset in unknown_words(query):
        text = bare(query)
        first = offset == len(text) - len(body(text).lstrip())
        meant = difflib.get_close_matches(word.upper(), QUERY_FORMS if first else sorted(KEYWORDS), n=1, cutoff=0.6)
        where = f"error at {position(query, offset)}: '{word}' is not a SPARQL keyword"
        if first:
            hint = f"; did you mean {meant[0]}?" if meant else ""
            return f"{where}: expected SELECT, CONSTRUCT, DESCRIBE or ASK here (after any PREFIX and BASE lines){hint}"
        if meant:  # the parser's own list names what may follow the words before, rarely the word meant
            return f"{where}; did you mean {meant[0]}?"
        return f"{where}: {expected_part(message) or 'expected a keyword, a variable, an IRI or a literal'}"
    where = _POSITION.match(message)
    if where and "expected " in message:
        return where.group(0) + (expected_part(message) or "a character that cannot start or continue a name")
    return message
