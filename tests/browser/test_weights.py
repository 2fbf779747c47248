"""The weight of every page kind, as a first visit loads it (the page, its
script, style and icon, and the JSON its script fetched), each shown complete:
results listed, the answer quoted, the SPARQL example's table drawn, the
curators' reports filled. Each must stay under 300 KB; the run prints one
figure line per page kind. The heaviest instance of a kind is weighed where
pages of a kind differ in size: the longest bundled article, EDAM's Data term
(the most children), EDAM's ontology page (the most roots)."""

import os
import re
import urllib.parse

from common import (BASE, CONTENT, SHARED_ONTOLOGIES, By, WebDriverWait, check, figure, page_weight,
                    wait_for)

LIMIT = 300_000
TOKEN = os.environ.get("EOSKB_TEST_ADMIN_TOKEN", "")


def longest_article():
    """The id of the longest bundled Markdown article."""
    path = max(CONTENT.rglob("*.md"), key=lambda p: p.stat().st_size)
    found = re.search(r"^id: *(\S+)", path.read_text(), re.M)
    return found.group(1) if found else path.relative_to(CONTENT).with_suffix("").as_posix()


def weigh(driver, kind, url, ready, action=None):
    """Loads `url` afresh, waits until `ready` (a CSS selector) is on the page
    after the optional `action`, and records the page's weight."""
    driver.get("about:blank")
    driver.get(BASE + url)
    if action:
        action(driver)
    try:
        wait_for(driver, ready, timeout=60)
    except Exception:
        check(f"{kind}: the page shows {ready}", False, driver.current_url)
        return
    bytes_ = page_weight(driver)
    figure(f"page weight, {kind}", f"{bytes_ / 1000:.1f}", "KB")
    check(f"{kind} weighs under 300 KB", 0 < bytes_ < LIMIT, f"{bytes_} bytes")


def run_example(driver):
    wait_for(driver, "#query")
    driver.find_element(By.ID, "run").click()


def sign_in(driver):
    wait_for(driver, "#token").send_keys(TOKEN)
    driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    WebDriverWait(driver, 60).until(lambda d: "checked at" in d.find_element(By.ID, "check-body").text)


def run(desktop, small):
    driver = desktop
    quote = urllib.parse.quote
    weigh(driver, "search with results", "/?q=" + quote("data embargo"), "#hits article.hit")
    weigh(driver, "search with an answer", "/?q=" + quote("how do I cite a dataset from my beamtime?"),
          "#answer blockquote")
    weigh(driver, "article", "/docs/" + quote(longest_article()), "article h1, h1")
    weigh(driver, "ontology list", "/ontologies", "#ontology-list tbody tr")
    weigh(driver, "SPARQL page after an example", "/sparql", "table.sparql-results", run_example)
    if SHARED_ONTOLOGIES:
        weigh(driver, "term page", "/terms/EDAM:data_0006", "#term-tree")
        weigh(driver, "term search", "/terms?q=data", "ol.term-hits li")
        weigh(driver, "ontology page", "/ontologies/edam", "#ontology-roots ul.tree li")
    else:
        print("skip the term and ontology page weights: PaNET, EDAM and NeXus are not loaded")
    if TOKEN:
        weigh(driver, "curators' page, signed in", "/admin", "#index-body *", sign_in)
        driver.find_element(By.ID, "sign-out").click()
    else:
        print("skip the curators' page weight: the server has no admin token")
