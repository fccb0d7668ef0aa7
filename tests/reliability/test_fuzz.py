"""Property-based fuzzing of every route over raw HTTP: never a 500, a trace or a path, always a documented status."""
from __future__ import annotations

import re
import socket
import tempfile
from urllib.parse import quote, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.load import ORDINARY, PROLOGUE
from tests.processes import ROOT

# What the site answers, as the README documents it; 501 and 505 are waitress's answers to HTTP it does not speak.
DOCUMENTED = {200, 204, 301, 302, 303, 304, 308, 400, 403, 404, 405, 406, 413, 415, 431, 501, 503, 505}
# A trace, a module name or a path of this machine (the project, the temporary folders, Python's library).
LEAKS = re.compile(b"|".join([rb"Traceback|File \"/|\.py\", line|/usr/lib/|site-packages|Internal Server Error",
                               rb"pyoxigraph\.|werkzeug\.|jinja2\.", re.escape(str(ROOT).encode()),
                               re.escape(tempfile.gettempdir().encode() + b"/")]))
UNEXPECTED = b"could not answer this request"
SETTINGS = settings(max_examples=4000, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

ROUTES = ["/", "/sparql", "/query", "/dumps/", "/dumps", "/dumps/{}", "/person/{}", "/work/{}", "/congress/{}",
          "/organization/{}", "/quotation/{}", "/document/{}", "/date/{}", "/annotation/{}", "/browse/{}",
          "/ontology", "/ontology.ttl", "/shapes", "/shapes.ttl", "/validation", "/.well-known/void",
          "/-/metadata", "/-/metadata.json", "/-/versions", "/static/{}", "/{}", "/{}/{}"]
MEDIA = ["*/*", "text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
         "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
         "application/json", "application/sparql-query", "application/sparql-update",
         "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain; charset=latin-1",
         "application/sparql-query; charset=utf-16", "text/*;q=0", "*/*;q=abc", "text/html;q=0.5, */*;q=0.1",
         "", ";;;", "a/b/c", "text/turtle;q=2", "\u00e9/\u00e8"]
METHODS = ["GET", "GET", "GET", "POST", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "BREW"]
PARAMS = ["query", "update", "format", "default-graph-uri", "named-graph-uri", "using-graph-uri", "callback", "x"]
FORMATS = ["json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf", "html", "JSON", "", "../../etc/passwd"]

texts = st.text(st.characters(codec="utf-8"), max_size=60)
raw_bytes = st.binary(max_size=80)
segment = st.one_of(texts.map(lambda t: quote(t, safe="")), texts.map(lambda t: quote(t, safe="/.%")),
                    st.sampled_from(["..", "%2e%2e", "..%2f..", "%2F", "vladimir-lenin", "vladimir-lenin.ttl",
                                     "x.jsonld", "style.css", "person", "%00", "%ff%fe", "a" * 3000, "%", "%zz"]))


@st.composite
def sparql_text(draw) -> str:
    """A query of the researcher mix, cut, spliced or salted with random text, or random text alone."""
    base = draw(st.sampled_from(ORDINARY)).text
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(texts)
    if kind == 1:
        i = draw(st.integers(0, len(base)))
        return base[:i]
    if kind == 2:
        i = draw(st.integers(0, len(base)))
        return base[:i] + draw(texts) + base[i:]
    if kind == 3:
        return base.replace(draw(st.sampled_from(["?", "{", "}", "<", ">", '"', "WHERE", "SELECT", " "])),
                            draw(st.sampled_from(["", "{{", "<<", '"""', "\\", "\u0000", "#", "SERVICE"])))
    return PROLOGUE + base


@st.composite
def http_request(draw) -> bytes:
    """A whole HTTP/1.1 request: method, target, headers and body, some of them malformed on purpose."""
    method = draw(st.sampled_from(METHODS))
    route = draw(st.sampled_from(ROUTES))
    path = route.format(*[draw(segment) for _ in range(route.count("{}"))])
    params = draw(st.lists(st.tuples(st.sampled_from(PARAMS),
                                     st.one_of(sparql_text(), texts, st.sampled_from(FORMATS))), max_size=3))
    target = path.encode("utf-8", "surrogatepass")
    if params:
        target += b"?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params).encode()
    if draw(st.booleans()) and draw(st.booleans()):
        target += draw(raw_bytes).replace(b" ", b"").replace(b"\r", b"").replace(b"\n", b"")  # raw bytes in the URL
    headers = [b"Host: 127.0.0.1", b"Connection: close"]
    if draw(st.booleans()):
        headers.append(b"Accept: " + draw(st.sampled_from(MEDIA)).encode("utf-8"))
    body = b""
    if method in ("POST", "PUT", "PATCH") or draw(st.integers(0, 9)) == 0:
        choice = draw(st.integers(0, 4))
        if choice == 0:
            body = draw(sparql_text()).encode("utf-8", "surrogatepass")
        elif choice == 1:
            body = b"query=" + quote(draw(sparql_text())).encode()
        elif choice == 2:
            body = draw(raw_bytes) + b"\xff\xfe\xc3\x28"  # never valid UTF-8
        elif choice == 3:
            body = b"query=" + b"A" * draw(st.sampled_from([1_000_001, 1_500_000]))  # over the body limit
        else:
            body = draw(raw_bytes)
        if draw(st.booleans()):
            headers.append(b"Content-Type: " + draw(st.sampled_from(MEDIA)).encode("utf-8"))
        headers.append(f"Content-Length: {len(body)}".encode())
    if draw(st.integers(0, 4)) == 0:  # an odd header: non-ASCII bytes, a huge value, a duplicate
        headers.append(draw(st.sampled_from([b"X-Odd: \xff\xfe\xc3\x28", b"Accept: " + b"a/b," * 3000,
                                             b"If-None-Match: " + draw(raw_bytes).replace(b"\r\n", b""),
                                             b"Accept-Charset: \xe9", b"Content-Type: text/html"])))
    return f"{method} ".encode() + target + b" HTTP/1.1\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + body


def exchange(url: str, request: bytes) -> bytes:
    """Send a request and read the whole answer; the server may close early on a body it refuses to read."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def check(answer: bytes, request: bytes) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    if not answer:
        # only a request whose body is over the limit may be cut off without an answer
        assert b"A" * 1000 in request, request[:300]
        return
    status = int(head.split(b" ", 2)[1])
    assert status in DOCUMENTED and status != 500, (status, request[:300], body[:300])
    assert not LEAKS.search(answer), (request[:300], answer[:600])
    assert UNEXPECTED not in body, (request[:300], body[:300])
    assert b"\r\nset-cookie:" not in head.lower(), head
    if status == 503:
        assert b"limit" in body or b"retry" in body.lower(), body[:300]


TRIED = {"requests": 0, "queries": 0}


@SETTINGS
@given(request=http_request())
def test_any_request_to_any_route_gets_a_documented_answer(served, request):
    TRIED["requests"] += 1
    check(exchange(served.url, request), request)


@settings(SETTINGS, max_examples=2500)
@given(query=sparql_text(), accept=st.sampled_from(MEDIA), how=st.sampled_from(["get", "form", "direct"]))
def test_any_query_text_gets_a_documented_answer(served, query, accept, how):
    TRIED["queries"] += 1
    data = query.encode("utf-8", "surrogatepass")
    if how == "get":
        request = b"GET /sparql?query=" + quote(data).encode() + b" HTTP/1.1\r\n"
        body, content_type = b"", None
    else:
        request = b"POST /sparql HTTP/1.1\r\n"
        body = b"query=" + quote(data).encode() if how == "form" else data
        content_type = "application/x-www-form-urlencoded" if how == "form" else "application/sparql-query"
    headers = [b"Host: 127.0.0.1", b"Connection: close", b"Accept: " + accept.encode("utf-8")]
    if content_type:
        headers += [f"Content-Type: {content_type}".encode(), f"Content-Length: {len(body)}".encode()]
    full = request + b"\r\n".join(headers) + b"\r\n\r\n" + body
    check(exchange(served.url, full), full)


def test_fuzzing_left_no_error_in_the_server_log(served):
    print(f"\nfuzz cases tried: {TRIED['requests']} raw requests, {TRIED['queries']} query texts")
    log = served.output()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]
