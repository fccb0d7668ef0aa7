"""Checks on a query before it runs: updates refused (read-only), SERVICE only to allowed endpoints."""
from __future__ import annotations

import re

# Comments, strings and IRIs are blanked out first, so keywords inside them do not count.
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_COMMENT = re.compile(r"#[^\n]*")
_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")
UPDATE_KEYWORDS = re.compile(r"^\s*(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I)
PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.I)
# SPARQL allows \uXXXX and \UXXXXXXXX codepoint escapes anywhere in a query (SPARQL 1.1 section 19.2).
CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# No space is needed between SERVICE and its IRI (`SERVICE<http://...>` is a call); `?service` is a variable.
SERVICE = re.compile(r"(?<![\w?$])SERVICE\s*(?:SILENT\s*)?(?P<target><[^>]*>|\?\w+|\$\w+|[\w.-]*:[\w.-]*)", re.I)


class Refused(Exception):
    """A query the endpoint will not run; the message says why and what is allowed."""


def blank_strings(query: str) -> str:
    """The query with string literals replaced by empty strings and comments removed (IRIs kept)."""
    def strip_line_comments(text: str) -> str:
        # a '#' inside an IRI is not a comment
        out, pos = [], 0
        for m in _IRI.finditer(text):
            out.append(_COMMENT.sub("", text[pos:m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(_COMMENT.sub("", text[pos:]))
        return "".join(out)
    return strip_line_comments(_STRINGS.sub('""', query))


def is_update(query: str) -> bool:
    """Whether the text is a SPARQL Update request rather than a query."""
    text = blank_strings(query)
    return bool(UPDATE_KEYWORDS.match(text[PROLOGUE.match(text).end():]))


def prefixes_of(query: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", query, re.I)}


def decode_codepoint_escapes(text: str) -> str:
    """The text with its \\u and \\U escapes replaced by the characters they stand for (invalid ones kept)."""
    def character(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)
    return CODEPOINT_ESCAPE.sub(character, text) if "\\" in text else text


def check_service(query: str, allowlist: tuple[str, ...]) -> None:
    """Raise Refused for a SERVICE call to an endpoint that is not in the allowlist.

    The query is checked as written and with its codepoint escapes decoded, so an escaped keyword or IRI
    cannot slip a call past the check, whichever way the engine reads escapes."""
    decoded = decode_codepoint_escapes(query)
    for text in dict.fromkeys((query, decoded)):
        if "service" in text.lower():  # no call without the keyword: most queries end here, before any regex
            check_service_calls(blank_strings(text), allowlist)


def check_service_calls(text: str, allowlist: tuple[str, ...]) -> None:
    """Raise Refused for the first call in the (strings-blanked) text whose endpoint is not allowed."""
    for m in SERVICE.finditer(text):
        target = m.group("target")
        if target.startswith("<"):
            iri = decode_codepoint_escapes(target[1:-1])
        elif target[0] in "?$":
            raise Refused("SERVICE with a variable endpoint is not allowed: name the endpoint IRI")
        else:
            prefix, _, local = target.partition(":")
            iri = decode_codepoint_escapes(prefixes_of(text).get(prefix, "") + local)
        if iri not in allowlist:
            allowed = ", ".join(allowlist) if allowlist else "none (federation is off)"
            raise Refused(f"SERVICE <{iri}> is not allowed on this endpoint; allowed endpoints: {allowed}. "
                          "Run the federated part of the query on your side, or ask the publisher to allow it "
                          "(KGPUB_SERVICE_ALLOWLIST).")
