"""The pages on a server started without the embedding model: keyword search,
article pages, terms and SPARQL keep working, and the search page says it
searches by keywords only."""

import os
import urllib.parse

from common import SHOTS, By, check, console_errors, wait_for

PLAIN = os.environ.get("EOSKB_NO_MODEL_BASE", "").rstrip("/")


def run(desktop, small):
    if not PLAIN:
        check("a server without the model is running", False, "EOSKB_NO_MODEL_BASE is not set")
        return
    driver = desktop
    driver.get(PLAIN + "/?q=" + urllib.parse.quote("how do I cite a dataset from my beamtime?"))
    wait_for(driver, "#hits article.hit")
    status = driver.find_element(By.ID, "status").text
    check("without the model the page searches by keywords and says so", "keyword search only" in status, status)
    mode = driver.find_element(By.ID, "mode")
    chosen = mode.find_element(By.CSS_SELECTOR, "option:checked").text
    check("the mode selector shows keyword search", chosen == "keyword", chosen)
    semantic = mode.find_element(By.CSS_SELECTOR, "option[value=semantic]")
    check("semantic search cannot be chosen without the model", not semantic.is_enabled())
    titles = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#hits article.hit h2 a")]
    check("keyword results still find the citation guide", any("cite a dataset" in t.lower() for t in titles), str(titles))
    check("no answer is attempted", not driver.find_elements(By.CSS_SELECTOR, "#answer blockquote"))
    errors = console_errors(driver)
    check("the search page logs no errors without the model", not errors, str(errors))
    driver.save_screenshot(str(SHOTS / "search-without-model.png"))

    driver.get(PLAIN + "/docs/doi-for-beamtime-data")
    check("article pages work without the model", "DOI" in wait_for(driver, "h1").text)
    driver.get(PLAIN + "/sparql")
    check("the SPARQL page works without the model", bool(wait_for(driver, "textarea")))
    check("the SPARQL page logs no errors without the model", not console_errors(driver), str(console_errors(driver)))
