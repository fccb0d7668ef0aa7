"""Hostile input: path traversal, SERVICE and file access, updates, script in graph values, security headers."""
from __future__ import annotations

import socket
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from tests.reliability.reliability_kit import get, get_raw, raw_request

from kgpub.server.guard import Refused, check_service

MARKER = "kgpub-secret-7f3a9c"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LEAKS = (MARKER, "root:x:0:0", "input_fingerprint", "def create_app", "[server]", "Traceback")


@pytest.fixture(scope="module")
def planted(served, real_build):
    """Files with a secret marker beside and inside the served build folder and above it, removed afterwards."""
    build_folder = real_build / (real_build / "current").readlink()
    places = [real_build / "secret.txt", build_folder / "secret.txt", real_build.parent / "secret.txt",
              real_build / "secret.ttl"]
    for path in places[:3]:
        path.write_text(MARKER + "\n", encoding="utf-8")
    places[3].write_text(f'<urn:x:s> <urn:x:p> "{MARKER}" .\n', encoding="utf-8")
    yield places
    for path in places:
        path.unlink(missing_ok=True)


TRAVERSALS = [
    "/dumps/../secret.txt", "/dumps/..%2fsecret.txt", "/dumps/%2e%2e%2fsecret.txt", "/dumps/%2e%2e/secret.txt",
    "/dumps/..%2f..%2fsecret.txt", "/dumps/..%5csecret.txt", "/dumps//etc/passwd", "/dumps/%2fetc%2fpasswd",
    "/dumps/manifest.json", "/dumps/secret.txt", "/dumps/store", "/dumps/current", "/dumps/.lock",
    "/dumps/current%2fmanifest.json", "/dumps/secret.txt%00.ttl", "/dumps/..", "/dumps/%2e%2e",
    "/static/../server/app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py", "/static/%2e%2e%2fapp.py",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/person/..%2f..%2fsecret.txt", "/document/../../etc/passwd",
    "/document/%2e%2e%2f%2e%2e%2fmanifest.json.ttl", "/person/../../../etc/passwd", "/ontology/../../etc/passwd",
    "/validation/../secret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
    "/quotation/%2e%2e%2fsecret.txt.ttl", "/work/..%252f..%252fsecret.txt", "//etc/passwd", "/-/../secret.txt",
    "http://127.0.0.1/../../etc/passwd", "/dumps/file:%2f%2f%2fetc%2fpasswd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_finds_nothing_outside_what_is_published(served, planted, path):
    status, headers, body = get_raw(served.url, path)
    assert status in (400, 404, 405, 308), (status, body[:200])
    text = body.decode("utf-8", "replace")
    assert not any(leak in text for leak in LEAKS), text[:300]


class Listener:
    """A TCP socket on loopback that records whether anyone connected to it (SERVICE must never reach it)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def service_queries(port: int, served_url: str) -> list[str]:
    """SERVICE calls to loopback targets, spelled every way the SPARQL grammar allows."""
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE<{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ sErViCe SILENT<{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\tSILENT\n<{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE # a comment\n <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"BASE <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <http://localhost:{port}/> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ SERVICE <http://[::1]:{port}/> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{served_url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    ]


def test_service_to_loopback_is_refused_and_never_connects(served):
    listener = Listener()
    try:
        for query in service_queries(listener.port, served.url):
            for accept in ("application/sparql-results+json", "text/csv"):
                r = get(served.url + "sparql", params={"query": query}, headers={"Accept": accept})
                assert r.status_code in (400, 403), (query, r.status_code, r.text[:200])
    finally:
        listener.close()
    assert listener.connections == 0


@pytest.mark.parametrize("endpoint", ["http://example.org/sparql", "https://query.wikidata.org/sparql",
                                      "http://10.0.0.1/sparql", "http://192.168.1.1:8080/", "http://172.16.0.5/",
                                      "http://169.254.169.254/latest/meta-data/", "http://[fd00::1]/sparql",
                                      "http://0.0.0.0:8080/", "http://2130706433/", "ftp://10.1.2.3/"])
def test_service_to_any_other_address_is_refused_before_it_runs(endpoint):
    # checked in process: if the check failed, a request over HTTP would send traffic to that address
    for query in (f"SELECT * {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
                  f"SELECT * {{ SERVICE SILENT<{endpoint}> {{ ?s ?p ?o }} }}"):
        with pytest.raises(Refused):
            check_service(query, ())


UPDATES = [
    ("GET", {"query": 'INSERT DATA { <urn:x:a> <urn:x:b> "x" }'}, None, None),
    ("GET", {"update": "CLEAR ALL"}, None, None),
    ("POST", None, {"update": "DROP ALL"}, "application/x-www-form-urlencoded"),
    ("POST", None, "DELETE WHERE { ?s ?p ?o }", "application/sparql-update"),
    ("POST", None, "PREFIX x: <urn:x:> # comment\ndelete { ?s ?p ?o } where { ?s ?p ?o }", "application/sparql-query"),
    ("GET", {"query": "LOAD <file:///etc/passwd>"}, None, None),
    ("GET", {"query": "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:x:g>"}, None, None),
    ("GET", {"query": "BASE <file:///> LOAD <etc/passwd>"}, None, None),
    ("POST", None, "WITH <urn:x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/sparql-query"),
    ("GET", {"query": 'SELECT * {} ; INSERT DATA { <urn:x:a> <urn:x:b> "x" }'}, None, None),
]


@pytest.mark.parametrize("method,params,body,content_type", UPDATES)
def test_updates_are_refused_and_change_nothing(served, method, params, body, content_type):
    import requests
    before = get(served.url + "sparql", params={"query": COUNT_ALL}, headers={"Accept": "text/csv"}).text
    r = requests.request(method, served.url + "sparql", params=params, data=body, timeout=60,
                         headers={"Content-Type": content_type} if content_type else {})
    assert r.status_code in (400, 403), (r.status_code, r.text[:200])
    assert get(served.url + "sparql", params={"query": COUNT_ALL}, headers={"Accept": "text/csv"}).text == before


def test_a_query_cannot_read_local_files(served, planted):
    secret = planted[3].as_uri()
    attempts = [({"query": f"SELECT * FROM <{secret}> WHERE {{ ?s ?p ?o }}"}, "application/sparql-results+json"),
                ({"query": f"SELECT * FROM NAMED <{secret}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, "text/csv"),
                ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "default-graph-uri": secret}, "text/csv"),
                ({"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5", "named-graph-uri": secret}, "text/csv"),
                ({"query": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{secret}> WHERE {{ ?s ?p ?o }}"}, "text/turtle"),
                ({"query": f"DESCRIBE <{secret}>"}, "text/turtle"),
                ({"query": f"SELECT * WHERE {{ GRAPH <{secret}> {{ ?s ?p ?o }} }}"}, "text/csv")]
    for params, accept in attempts:
        r = get(served.url + "sparql", params=params, headers={"Accept": accept})
        assert r.status_code in (200, 400, 403), (params, r.status_code)
        assert MARKER not in r.text and "root:x:0:0" not in r.text


EVIL = {
    "script": "<script>alert('kgpub')</script>",
    "close": "</script><script>alert(2)</script>",
    "attr": "\"><img src=x onerror=alert(3)>",
    "single": "'><svg onload=alert(4)>",
}


def crafted_graph(path: Path, base: str = "https://w3id.org/kgpub/") -> Path:
    """A tiny graph whose names, quotation and document text carry script, in every place a page shows them."""
    def lit(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    schema, kg, rdfs = "http://schema.org/", "https://w3id.org/kgpub/ontology#", "http://www.w3.org/2000/01/rdf-schema#"
    person, quote, doc = f"<{base}person/evil>", f"<{base}quotation/evil>", f"<{base}document/evil>"
    lines = [
        f"{person} a <{schema}Person>, <{kg}Person> ; <{rdfs}label> {lit(EVIL['script'])} ;",
        f"  <{schema}name> {lit(EVIL['attr'])} ; <{schema}alternateName> {lit(EVIL['single'])} ;",
        "  <http://www.w3.org/2002/07/owl#sameAs> <javascript:alert(5)> .",
        f"{quote} a <{schema}Quotation>, <{kg}Quotation> ; <{schema}text> {lit(EVIL['close'])} ;",
        f"  <{schema}creator> {person} ; <{rdfs}label> {lit(EVIL['close'])} .",
        f"{doc} a <{kg}Document> ; <{schema}text> {lit('Before ' + EVIL['script'] + ' after ' + EVIL['attr'])} ;",
        f"  <{rdfs}label> {lit(EVIL['single'])} ; <http://purl.org/dc/terms/identifier> \"evil\" .",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Tags(HTMLParser):
    """The elements and attributes of a page as a browser would parse them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_bodies.append(data)


def assert_no_active_content(html: str) -> None:
    """No script but same-origin files and JSON-LD data, no image but the site's pictures, no event handler
    attributes, no javascript: links."""
    parser = Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("svg", "iframe", "object", "embed"), (tag, attrs)
        # the site's own pictures (a person's chart) are images from the site itself; an injected one would not be
        assert tag != "img" or (attrs.get("src") or "").startswith("/pictures/"), (tag, attrs)
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (tag, attrs)
        if tag == "script":
            assert attrs.get("type") == "application/ld+json" or (attrs.get("src") or "").startswith("/"), attrs
    assert not any("alert(" in body for body in parser.script_bodies if "<" in body)


@pytest.fixture(scope="module")
def crafted(start, tmp_path_factory):
    return start(["--data", str(crafted_graph(tmp_path_factory.mktemp("crafted") / "evil.ttl"))])


@pytest.mark.parametrize("path", ["/", "/browse/person", "/browse/quotation", "/browse/document", "/person/evil",
                                  "/quotation/evil", "/document/evil", "/person/evil.html", "/sparql", "/dumps/",
                                  "/search?q=alert", "/search?q=script+alert"])
def test_script_in_graph_values_renders_as_text(crafted, path):
    r = get(crafted.url + path.lstrip("/"), headers={"Accept": "text/html"})
    assert r.status_code in (200, 404), r.status_code
    if r.status_code == 200:
        assert_no_active_content(r.text)
        assert "<script>alert" not in r.text and "<img src=x" not in r.text and "<svg onload" not in r.text
    if path in ("/person/evil", "/quotation/evil", "/document/evil"):
        assert r.status_code == 200 and "&lt;script&gt;" in r.text, r.text[:500]


@pytest.mark.parametrize("path", ["/pictures", "/pictures/speakers.svg", "/pictures/network.svg",
                                  "/pictures/person/evil.svg"])
def test_script_in_graph_values_is_drawn_as_text_in_pictures_and_search(crafted, path):
    r = get(crafted.url + path.lstrip("/"))
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text and "<svg onload" not in r.text
    parser = Tags()
    parser.feed(r.text)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "object", "embed") or attrs.get("type") == "application/ld+json"
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)


def test_script_in_graph_values_does_not_run_in_a_browser(crafted):
    pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, WebDriverException
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    try:
        driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"),
                                  options=options)
    except WebDriverException as err:
        pytest.skip(f"no headless chromium here: {err.msg}")
    try:
        for path in ("person/evil", "quotation/evil", "document/evil", "browse/person"):
            driver.get(crafted.url + path)
            with pytest.raises(NoAlertPresentException):
                driver.switch_to.alert.text  # noqa: B018 - an alert would mean the graph's script ran
            assert driver.execute_script("return document.querySelectorAll('img[src=\"x\"], svg[onload]').length") == 0
            assert "alert(" in driver.find_element("tag name", "body").text or path == "browse/person"
    finally:
        driver.quit()


HTML_PAGES = ["/", "/sparql", "/dumps/", "/browse/person", "/person/vladimir-lenin", "/ontology", "/shapes"]


def test_html_pages_send_security_headers_and_carry_no_inline_script(served):
    documents = get(served.url + "-/metadata").json()["documents"]
    for path in HTML_PAGES + [f"/document/{documents[0]['id']}"]:
        r = get(served.url + path.lstrip("/"), headers={"Accept": "text/html"})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"), path
        csp = r.headers["Content-Security-Policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith(("script-src", "default-src")))
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp and "*" not in script_src, csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in r.headers
        assert_no_active_content(r.text)


def test_no_answer_sets_a_cookie(served):
    for path in ["/", "/sparql?query=ASK%7B%7D", "/dumps/", "/nowhere", "/person/nobody", "/-/metadata",
                 "/.well-known/void", "/sparql?query=SELECT", "/static/style.css"]:
        status, headers, _ = get_raw(served.url, path)
        assert "set-cookie" not in headers, (path, status)


IRI_BREAKERS = ["x>", 'x"', "x{", "x}", "x y", "x%0Ay", "x\\u0020", "x^^", "x`", "x|", "x%3E%20%3Fp%20%3Fo%20%7D",
                "x%3E%20%7D%20UNION%20%7B%20%3Fx%20%3Fp%20%3Fo", "%00", "x%22%3B%20DROP%20ALL", "%F0%9F%98%80",
                "%C3%28", "%FF%FE", "a" * 5000]


@pytest.mark.parametrize("slug", IRI_BREAKERS)
def test_resource_paths_that_would_break_out_of_an_iri_find_nothing(served, slug):
    for kind in ("person", "document", "quotation"):
        for suffix in ("", ".ttl"):
            status, _, body = get_raw(served.url, f"/{kind}/{slug}{suffix}")
            assert status in (400, 404), (kind, slug, status, body[:200])
            assert b"malformed" not in body and b"Traceback" not in body


def test_hostile_requests_left_no_error_in_the_server_log(served, crafted):
    # requests of this module ran first (pytest keeps file order); an unexpected error would be logged here
    for server in (served, crafted):
        log = server.output()
        assert "Traceback" not in log and "unexpected error" not in log, log[-2000:]


def test_a_request_over_the_body_limit_is_refused_whole(served):
    body = b"query=" + b"A" * 2_000_000
    head = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    try:
        status, _, text = raw_request(served.url, head + body)
    except (ConnectionResetError, BrokenPipeError):
        return  # the server closed the connection before reading it all: refused, and nothing was served
    assert status == 413, (status, text[:200])


@pytest.mark.parametrize("target", [b"//?query=\x80", b"//?format=\xff\xfe", b"//dumps/?format=\xc3\x28",
                                    b"//person/x?format=\x80"])
def test_parameters_that_are_not_utf8_get_a_400_on_every_route(served, target):
    status, _, body = raw_request(served.url, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status in (400, 404), (status, body[:200])
    assert b"could not answer" not in body
