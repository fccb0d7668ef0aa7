"""Screenshots of every kind of page at 1400x1000 in headless chromium: `make screenshots` (or the browser tests)."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import requests

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SIZE = (1400, 1000)
PREFIXES = ("PREFIX schema: <http://schema.org/> PREFIX oa: <http://www.w3.org/ns/oa#> "
            "PREFIX kg: <https://w3id.org/kgpub/ontology#> ")
# the most telling resource of each kind: the one with most mentions (or quoted most)
EXAMPLES = {
    "person": "SELECT ?x WHERE { ?x a schema:Person . ?a oa:hasBody ?x } GROUP BY ?x "
              "ORDER BY DESC(COUNT(?a)) ?x LIMIT 1",
    "work": "SELECT ?x WHERE { ?x a kg:Work . ?q schema:isPartOf ?x } GROUP BY ?x ORDER BY DESC(COUNT(?q)) ?x LIMIT 1",
    "congress": "SELECT ?x WHERE { ?x a schema:Event . ?a oa:hasBody ?x } GROUP BY ?x "
                "ORDER BY DESC(COUNT(?a)) ?x LIMIT 1",
    "organization": "SELECT ?x WHERE { ?x a schema:Organization . ?c schema:organizer ?x } GROUP BY ?x "
                    "ORDER BY DESC(COUNT(?c)) ?x LIMIT 1",
    "quotation": "SELECT ?x WHERE { ?x a schema:Quotation ; schema:isPartOf ?w . ?a oa:hasBody ?x } GROUP BY ?x "
                 "ORDER BY DESC(COUNT(?a)) ?x LIMIT 1",
    "document": "SELECT ?x WHERE { ?x a kg:Document . ?a oa:hasTarget/oa:hasSource ?x } GROUP BY ?x "
                "ORDER BY DESC(COUNT(?a)) ?x LIMIT 1",
}


def example_paths(server: str) -> dict[str, str]:
    """{page kind: path on the site} for the most-mentioned resource of each kind, and the other pages."""
    paths = {}
    base = requests.get(server + "-/metadata", timeout=30).json()["base_iri"]
    for kind, query in EXAMPLES.items():
        answer = requests.get(server + "sparql", params={"query": PREFIXES + query},
                              headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
        rows = answer["results"]["bindings"]
        if rows:
            iri = rows[0]["x"]["value"]
            paths[kind] = "/" + iri[len(base):]
    paths["search"] = "/search?q=dictatorship+proletariat"
    paths["pictures"] = "/pictures"
    paths["query-chart"] = ("/sparql?query=" + requests.utils.quote(
        PREFIXES + "SELECT ?speaker (COUNT(?q) AS ?quotations) WHERE { ?q a schema:Quotation ; "
        "schema:creator ?speaker } GROUP BY ?speaker ORDER BY DESC(?quotations) LIMIT 12"))
    paths["home"] = "/"
    return paths


def new_browser(size: tuple[int, int] = SIZE):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="kgpub-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(*size)
    # the window's size counts its frame: grow it so that the page itself (and each screenshot) is `size`
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(2 * size[0] - inner[0], 2 * size[1] - inner[1])
    driver.implicitly_wait(0)
    driver.profile_dir = profile
    return driver


def take(driver, server: str, out: Path, paths: dict[str, str]) -> list[Path]:
    """One PNG per page, named after its kind; the query page's chart is waited for."""
    from selenium.webdriver.support.ui import WebDriverWait
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, path in paths.items():
        driver.get(server.rstrip("/") + path)
        if name == "query-chart":
            WebDriverWait(driver, 30).until(lambda d: d.find_elements("css selector", "#chart svg"))
            driver.execute_script("document.getElementById('status').scrollIntoView()")
        target = out / f"{name}.png"
        driver.save_screenshot(str(target))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", default="data/build", help="folder of builds (default: data/build)")
    parser.add_argument("--out", help="folder for the PNGs (default: <build-dir>/current/screenshots)")
    args = parser.parse_args(argv)
    from tests.processes import Server
    build_dir = Path(args.build_dir).resolve()
    out = Path(args.out) if args.out else build_dir / "current" / "screenshots"
    log = Path(tempfile.mkdtemp(prefix="kgpub-screenshots-")) / "server.log"
    server = Server(["--build-dir", str(build_dir), "--quiet"], log)
    driver = new_browser()
    try:
        for path in take(driver, server.url, out, example_paths(server.url)):
            print(path)
    finally:
        driver.quit()
        shutil.rmtree(driver.profile_dir, ignore_errors=True)
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
