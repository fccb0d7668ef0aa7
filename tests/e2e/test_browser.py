"""The query page in a real headless chromium: type a query, run it, see the rows; examples, links, offline assets."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOT = Path(tempfile.gettempdir()) / "kgpub-query-page.png"

pytestmark = [pytest.mark.e2e, pytest.mark.browser,
              pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                                 reason="chromium and chromedriver are not installed (`make browser` installs them)")]

QUERY = """PREFIX schema: <http://schema.org/>
SELECT ?person ?name WHERE { ?person a schema:Person ; schema:name ?name . FILTER (?name = "Vladimir Lenin") }"""


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="kgpub-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(condition)


def rows_of(driver) -> list[list[str]]:
    from selenium.webdriver.common.by import By
    return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")]


def type_query(driver, text: str) -> None:
    from selenium.webdriver.common.by import By
    area = driver.find_element(By.ID, "query")
    area.clear()
    area.send_keys(text)


def test_typing_a_query_and_running_it_shows_the_rows(browser, server):
    from selenium.webdriver.common.by import By
    browser.get(server + "sparql")
    type_query(browser, QUERY)
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: rows_of(d) and rows_of(d)[0][0] == "Vladimir Lenin")  # the IRI shown by its name
    rows = rows_of(browser)
    assert rows == [["Vladimir Lenin", "Vladimir Lenin"]]
    link = browser.find_element(By.CSS_SELECTOR, "#results tbody a")
    assert urlparse(link.get_attribute("href")).path == "/person/vladimir-lenin"
    assert link.get_attribute("title") == "https://w3id.org/kgpub/person/vladimir-lenin"
    assert "1 row" in browser.find_element(By.ID, "status").text
    # the editor highlights: keywords, variables and IRIs are marked up behind the text
    assert browser.find_elements(By.CSS_SELECTOR, "#highlight .kw")
    assert browser.find_elements(By.CSS_SELECTOR, "#highlight .var")
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10000


def test_the_shareable_link_reproduces_the_query(browser, server):
    from selenium.webdriver.common.by import By
    browser.get(server + "sparql")
    type_query(browser, QUERY)
    share = browser.find_element(By.ID, "share").get_attribute("href")
    assert parse_qs(urlparse(share).query)["query"] == [QUERY]
    browser.get(share)  # a fresh page from the link runs the query by itself
    wait_for(browser, lambda d: rows_of(d))
    assert rows_of(browser)[0][1] == "Vladimir Lenin"
    assert browser.find_element(By.ID, "query").get_attribute("value") == QUERY


def test_download_links_give_csv_tsv_and_json(browser, server):
    import requests
    from selenium.webdriver.common.by import By
    browser.get(server + "sparql")
    type_query(browser, QUERY)
    expected = {"dl-csv": "text/csv", "dl-tsv": "text/tab-separated-values",
                "dl-json": "application/sparql-results+json"}
    for element, media in expected.items():
        href = browser.find_element(By.ID, element).get_attribute("href")
        response = requests.get(href, timeout=30)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
        assert "Vladimir Lenin" in response.text


def test_an_example_is_one_click_away(browser, server):
    from selenium.webdriver.common.by import By
    browser.get(server + "sparql")
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#examples a"))
    examples = browser.find_elements(By.CSS_SELECTOR, "#examples a")
    assert len(examples) >= 3
    next(a for a in examples if a.text.startswith("Works quoted most")).click()
    wait_for(browser, lambda d: rows_of(d))
    assert "schema:isPartOf" in browser.find_element(By.ID, "query").get_attribute("value")
    assert int(rows_of(browser)[0][2]) >= 1


def test_a_malformed_query_shows_the_parsers_message(browser, server):
    from selenium.webdriver.common.by import By
    browser.get(server + "sparql")
    type_query(browser, "SELECT ?x WHERE { ?x ")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: "Error 400" in d.find_element(By.ID, "status").text)
    assert "malformed query" in browser.find_element(By.ID, "status").text


def test_the_page_loads_nothing_from_another_host(browser, server):
    """Works offline: every request the page made went to the server itself, and the console has no errors."""
    import json
    browser.get_log("browser"), browser.get_log("performance")  # drop what earlier tests left (their 400s)
    browser.get(server + "sparql")
    wait_for(browser, lambda d: d.find_elements("css selector", "#examples a"))
    host = urlparse(server).netloc
    urls = [json.loads(entry["message"])["message"]["params"]["request"]["url"]
            for entry in browser.get_log("performance")
            if json.loads(entry["message"])["message"]["method"] == "Network.requestWillBeSent"]
    web = [u for u in urls if urlparse(u).scheme in ("http", "https")]  # not chromium's own chrome:// pages
    assert web and all(urlparse(u).netloc == host for u in web), web
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_a_truncated_result_says_so_above_the_table_and_beside_each_download(browser, built, start_server):
    from selenium.webdriver.common.by import By
    config, _ = built
    server = start_server(["--build-dir", str(config.build_dir), "--max-rows", "3"])
    browser.get(server + "sparql")
    type_query(browser, "SELECT ?s WHERE { ?s a schema:Person }")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: rows_of(d))
    assert len(rows_of(browser)) == 3
    notice = browser.find_element(By.ID, "truncated")
    assert "first 3 rows" in notice.text
    assert notice.location["y"] < browser.find_element(By.CSS_SELECTOR, "#results table").location["y"]
    assert [n.text for n in browser.find_elements(By.CSS_SELECTOR, ".dl-note")] == ["(first 3 rows)"] * 3
    type_query(browser, "SELECT ?s WHERE { ?s a schema:Person } LIMIT 2")
    browser.find_element(By.ID, "run").click()
    wait_for(browser, lambda d: len(rows_of(d)) == 2)
    assert not browser.find_elements(By.ID, "truncated")
    assert [n.text for n in browser.find_elements(By.CSS_SELECTOR, ".dl-note")] == [""] * 3
