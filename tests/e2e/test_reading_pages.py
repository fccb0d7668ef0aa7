"""Pages for reading, in a real headless chromium: entity summaries, quotations as text, evidence by document,
search, and pictures whose numbers match a SPARQL query for them."""
from __future__ import annotations

import csv
import io
import re
import shutil
import struct
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests

from tests.e2e.screenshots import CHROMEDRIVER, CHROMIUM, example_paths, new_browser, take
from kgpub.server.labels import kind_label

pytestmark = [pytest.mark.e2e, pytest.mark.browser,
              pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                                 reason="chromium and chromedriver are not installed (`make browser` installs them)")]

PREFIXES = ("PREFIX schema: <http://schema.org/> PREFIX oa: <http://www.w3.org/ns/oa#> "
            "PREFIX bibo: <http://purl.org/ontology/bibo/> PREFIX kg: <https://w3id.org/kgpub/ontology#> ")


@pytest.fixture(scope="module")
def browser():
    driver = new_browser()
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def paths(server):
    return example_paths(server)


def select(server: str, query: str) -> list[dict]:
    answer = requests.post(server + "sparql", data={"query": PREFIXES + query},
                           headers={"Accept": "application/sparql-results+json"}, timeout=60)
    answer.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def visible_text(browser, css: str = "main") -> str:
    return browser.find_element("css selector", css).text


def base_iri(server: str) -> str:
    return requests.get(server + "-/metadata", timeout=30).json()["base_iri"]


def test_every_kind_of_page_opens_with_its_summary_and_shows_no_bare_iri(browser, server, paths):
    base = base_iri(server)
    for kind in ("person", "work", "congress", "organization", "quotation", "document"):
        browser.get(server.rstrip("/") + paths[kind])
        summary = browser.find_element("css selector", "section.summary")
        assert summary.find_element("css selector", "h1").text.strip(), kind
        assert summary.find_element("css selector", ".kind").text.lower() == kind_label(kind).lower()
        assert summary.find_elements("css selector", "ul.stats li"), kind
        # the raw triples are there, folded: the visible page speaks in names and titles, not IRIs
        raw = browser.find_element("css selector", "details.raw")
        assert raw.get_attribute("open") is None
        assert base not in visible_text(browser), kind
        assert browser.find_elements("css selector", 'script[type="application/ld+json"]')
        twin = requests.get(server.rstrip("/") + paths[kind] + ".ttl", timeout=30)
        assert twin.status_code == 200 and twin.headers["Content-Type"].startswith("text/turtle")


def test_a_persons_summary_counts_what_a_sparql_query_counts(browser, server, paths):
    iri = base_iri(server) + paths["person"].lstrip("/")
    expected = select(server, f"""SELECT (COUNT(?a) AS ?mentions) (COUNT(DISTINCT ?d) AS ?documents) WHERE {{
        ?a oa:hasBody <{iri}> ; oa:hasTarget/oa:hasSource ?d }}""")[0]
    said = select(server, f"SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE {{ ?q schema:creator <{iri}> }}")[0]["n"]
    other = [r["n"] for r in select(server, f"SELECT ?n WHERE {{ <{iri}> schema:alternateName ?n }}")]
    browser.get(server.rstrip("/") + paths["person"])
    stats = visible_text(browser, "ul.stats")
    assert f"{expected['documents']} documents mention it ({expected['mentions']} mentions)" in stats
    assert f"{said} quotations of their words" in stats
    assert all(name in visible_text(browser, ".other-names") for name in other)


def test_quotations_are_shown_by_their_text_with_speaker_and_quoting_documents(browser, server, paths):
    iri = base_iri(server) + paths["person"].lstrip("/")
    texts = {r["t"] for r in select(server, f"SELECT ?t WHERE {{ ?q schema:creator <{iri}> ; schema:text ?t }}")}
    browser.get(server.rstrip("/") + paths["person"])
    items = browser.find_elements("css selector", "ol.quotations > li")
    assert items
    first = items[0]
    shown = first.find_element("css selector", "q").text.strip("“”\"… ")
    assert any(shown.rstrip(" …") in " ".join(t.split()) for t in texts)
    cite = first.find_element("css selector", "p.cite").text
    assert "quoted in" in cite
    # a long quotation opens to its whole text
    folded = browser.find_elements("css selector", "ol.quotations details")
    if folded:
        folded[0].find_element("css selector", "summary").click()
        whole = folded[0].find_element("css selector", "blockquote").text
        assert " ".join(whole.split()) in {" ".join(t.split()) for t in texts}


def test_evidence_is_grouped_by_document_title_and_paginated(browser, server, paths):
    iri = base_iri(server) + paths["person"].lstrip("/")
    per_doc = {r["title"]: int(r["n"]) for r in select(server, f"""SELECT ?title (COUNT(?a) AS ?n) WHERE {{
        ?a oa:hasBody <{iri}> ; oa:hasTarget/oa:hasSource ?d . ?d schema:name ?title }} GROUP BY ?d ?title""")}
    total = sum(per_doc.values())
    browser.get(server.rstrip("/") + paths["person"])
    groups = browser.find_elements("css selector", "section.evidence-doc")
    assert groups
    heading = groups[0].find_element("css selector", "h3").text
    assert any(heading.startswith(title) for title in per_doc)
    shown = browser.find_elements("css selector", "section.evidence-doc ol.mentions > li mark")
    assert 0 < len(shown) <= 50 and len(shown) == min(total, 50)
    link = groups[0].find_element("css selector", "a.context").get_attribute("href")
    assert re.search(r"/document/\w+#c\d+$", link)
    if total > 50:
        browser.find_element("css selector", 'nav.pager a[rel="next"]').click()
        wait_for(browser, lambda d: "page=2" in d.current_url)
        assert len(browser.find_elements("css selector", "section.evidence-doc ol.mentions > li")) == min(
            total - 50, 50)


def search_for(browser, server: str, words: str) -> list[str]:
    """Type words into the search box of the home page; the paths of the results."""
    browser.get(server)
    box = browser.find_element("css selector", 'header form.search input[name="q"]')
    box.send_keys(words)
    box.submit()
    wait_for(browser, lambda d: urlparse(d.current_url).path == "/search"
             and d.find_elements("css selector", "ol.hits"))
    return [urlparse(a.get_attribute("href")).path for a in browser.find_elements("css selector", "ol.hits li > a")]


def wait_for(browser, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout).until(condition)


def test_search_finds_a_quotation_by_a_phrase_in_it(browser, server):
    row = select(server, """SELECT ?q ?t WHERE { ?q a schema:Quotation ; schema:text ?t
                             FILTER (STRLEN(?t) > 120) } ORDER BY ?q LIMIT 1""")[0]
    words = re.findall(r"\w+", row["t"])
    phrase = " ".join(words[len(words) // 2: len(words) // 2 + 5])
    found = search_for(browser, server, f'"{phrase}"')
    assert "/" + row["q"][len(base_iri(server)):] in found
    assert browser.find_elements("css selector", "ol.hits mark")


def test_search_finds_a_person_by_another_spelling_and_narrows_by_facets(browser, server):
    row = select(server, """SELECT ?p ?name ?other WHERE { ?p a schema:Person ; schema:name ?name ;
        schema:alternateName ?other FILTER (!CONTAINS(LCASE(?name), LCASE(?other))
        && !CONTAINS(LCASE(?other), LCASE(?name)) && CONTAINS(?other, " ")) } ORDER BY ?p ?other LIMIT 1""")[0]
    found = search_for(browser, server, row["other"])
    assert found and found[0] == "/" + row["p"][len(base_iri(server)):]
    facet = browser.find_element("css selector", ".facets a")
    facet.click()
    wait_for(browser, lambda d: "kind=" in d.current_url)
    answer = requests.get(server + "search.json", params={"q": row["other"]}, timeout=30).json()
    assert answer["results"][0]["iri"] == row["p"] and answer["total"] >= 1
    assert {f["value"] for f in answer["facets"]["kind"]} >= {"person"}


def numbers(rows: list[dict], key: str, *values: str) -> dict:
    return {r[key]: tuple(int(r[v]) for v in values) for r in rows}


def test_pictures_draw_the_corpus_and_their_data_matches_sparql(browser, server):
    browser.get(server + "pictures")
    for name in ("timeline", "speakers", "works", "network"):
        assert browser.find_elements("css selector", f"#{name} svg"), name
    speakers = requests.get(server + "pictures/speakers.json", timeout=30).json()["rows"]
    assert numbers(speakers, "speaker", "quotations", "quoted") == numbers(select(server, """
        SELECT ?s (COUNT(DISTINCT ?q) AS ?n) (COUNT(DISTINCT ?a) AS ?m) WHERE { ?q a schema:Quotation ;
        schema:creator ?s OPTIONAL { ?a oa:hasBody ?q } } GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 40"""), "s", "n", "m")
    bars = browser.find_elements("css selector", "#speakers svg rect.bar")
    assert sorted(int(b.get_attribute("data-value")) for b in bars) == sorted(
        v for r in speakers for v in (r["quotations"], r["quoted"]))
    works = list(csv.DictReader(io.StringIO(requests.get(server + "pictures/works.csv", timeout=30).text)))
    assert {(r["work"], r["volume"]): int(r["quotations"]) for r in works} == {
        (r["w"], r.get("v", "")): int(r["n"]) for r in select(server, """
        SELECT ?w ?v (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a schema:Quotation ; schema:isPartOf ?w
        OPTIONAL { ?q bibo:volume ?v } } GROUP BY ?w ?v ORDER BY DESC(?n) LIMIT 40""")}
    network = requests.get(server + "pictures/network.json", timeout=30).json()["rows"]
    expected = select(server, """SELECT ?author ?speaker (COUNT(DISTINCT ?q) AS ?n) WHERE {
        ?a oa:hasBody ?q ; oa:hasTarget/oa:hasSource ?d . ?d schema:author ?author .
        ?q a schema:Quotation ; schema:creator ?speaker } GROUP BY ?author ?speaker""")
    assert {(r["author"], r["speaker"]): r["quotations"] for r in network} == {
        (r["author"], r["speaker"]): int(r["n"]) for r in expected}
    edges = browser.find_elements("css selector", "#network svg path.edge")
    assert len(edges) == len(network)
    timeline = requests.get(server + "pictures/timeline.json", timeout=30).json()["rows"]
    congresses = select(server, "SELECT DISTINCT ?c WHERE { ?c a schema:Event ; schema:startDate ?d }")
    assert {r["x"] for r in timeline if r["kind"] in ("congress", "event")} == {r["c"] for r in congresses}
    assert len(browser.find_elements("css selector", "#timeline svg rect.span")) == len(timeline)


def test_a_curve_of_the_network_leads_to_the_quotations(browser, server):
    browser.get(server + "pictures")
    edge = browser.find_element("css selector", "#network svg a")
    href = edge.get_dom_attribute("href")
    browser.get(href if href.startswith("http") else server.rstrip("/") + href)
    items = browser.find_elements("css selector", "ol.quotations > li q")
    assert items and all(i.text.strip() for i in items)


def test_a_persons_picture_counts_their_mentions_per_document(browser, server, paths):
    iri = base_iri(server) + paths["person"].lstrip("/")
    slug = paths["person"].rsplit("/", 1)[-1]
    rows = requests.get(server + f"pictures/person/{slug}.json", timeout=30).json()["rows"]
    expected = select(server, f"""SELECT ?d (COUNT(?a) AS ?n) WHERE {{ ?a oa:hasBody <{iri}> ;
        oa:hasTarget/oa:hasSource ?d }} GROUP BY ?d""")
    assert {r["doc"]: r["mentions"] for r in rows if r["mentions"]} == {r["d"]: int(r["n"]) for r in expected}
    browser.get(server.rstrip("/") + paths["person"])
    image = browser.find_element("css selector", "figure.picture img")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_screenshots_of_every_kind_of_page(browser, server, paths, tmp_path):
    written = take(browser, server, tmp_path, paths)
    assert {p.stem for p in written} >= {"person", "work", "congress", "organization", "quotation", "document",
                                         "search", "pictures"}
    for path in written:
        assert path.stat().st_size > 10000 and png_size(path) == (1400, 1000), path


def test_the_query_page_charts_counts_and_names_the_iris(browser, server):
    query = PREFIXES + """SELECT ?speaker (COUNT(?q) AS ?quotations) WHERE { ?q a schema:Quotation ;
        schema:creator ?speaker } GROUP BY ?speaker ORDER BY DESC(?quotations) LIMIT 12"""
    expected = select(server, query.replace(PREFIXES, ""))
    browser.get(server + "sparql?query=" + requests.utils.quote(query))
    wait_for(browser, lambda d: d.find_elements("css selector", "#chart svg rect.bar"))
    bars = browser.find_elements("css selector", "#chart svg rect.bar")
    assert [int(b.get_attribute("data-value")) for b in bars] == [int(r["quotations"]) for r in expected]
    names = {r["n"] for r in select(server, "SELECT ?n WHERE { ?p a schema:Person ; schema:name ?n }")}
    wait_for(browser, lambda d: d.find_element("css selector", "#results tbody a").text in names)


@pytest.mark.parametrize("query, mark", [
    ("SELECT ?congress ?start WHERE { ?congress a schema:Event ; schema:startDate ?start } ORDER BY ?start",
     "#chart svg.timeline circle.point"),
    ("SELECT DISTINCT ?work ?author WHERE { ?work a kg:Work ; schema:author ?author } ORDER BY ?work",
     "#chart svg.graph path.edge"),
])
def test_the_query_page_draws_dates_on_a_timeline_and_iri_pairs_as_a_graph(browser, server, query, mark):
    expected = select(server, query)
    browser.get(server + "sparql?query=" + requests.utils.quote(PREFIXES + query))
    wait_for(browser, lambda d: d.find_elements("css selector", mark))
    assert len(browser.find_elements("css selector", mark)) == min(len(expected), 60)
