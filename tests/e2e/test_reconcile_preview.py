"""The reconciliation preview card in a real headless chromium, framed by another page as OpenRefine frames it."""
from __future__ import annotations

import pytest

from tests.e2e.test_browser import CHROMEDRIVER, CHROMIUM, browser, wait_for  # noqa: F401  (browser: a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.browser,
              pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="no chromium")]


def framed_text(driver, parent: str, url: str) -> str:
    """The text a page of another origin shows when it frames `url` ('' when the browser refuses to frame it)."""
    from selenium.webdriver.common.by import By
    driver.get(parent)
    driver.execute_script("const f = document.createElement('iframe'); f.id = 'card'; f.src = arguments[0]; "
                          "f.onload = () => document.title = 'loaded'; document.body.appendChild(f);", url)
    wait_for(driver, lambda d: d.title == "loaded")
    driver.switch_to.frame(driver.find_element(By.ID, "card"))
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.switch_to.default_content()


def test_the_preview_card_shows_in_another_sites_frame_and_other_pages_do_not(browser, server):  # noqa: F811
    other_site = server.replace("127.0.0.1", "localhost") + "-/versions"  # another origin, as OpenRefine's page is
    card = framed_text(browser, other_site, server + "reconcile/preview?id=person/lev-kamenev")
    assert "Lev Kamenev" in card and "mentions in" in card
    page = framed_text(browser, other_site, server + "person/lev-kamenev")
    assert "Lev Kamenev" not in page  # the rest of the site stays unframeable
