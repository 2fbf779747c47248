"""The search page and article pages: what a visitor sees and can do."""

import json
import time
import urllib.parse

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from common import (BASE, SHARED_ONTOLOGIES, SHOTS, By, WebDriverWait, accessibility, check,
                    console_errors, figure, median_time_to, wait_for)


def search_page(driver):
    driver.get(BASE + "/")
    box = wait_for(driver, "#q")
    check("the start page has a search box", box.is_displayed())
    check("the start page says what to do", "Type a question" in driver.find_element(By.ID, "status").text)
    driver.save_screenshot(str(SHOTS / "start.png"))

    # Typing a question and pressing Enter searches, with the question in the URL.
    question = "how do I cite a dataset from my beamtime?"
    box.send_keys(question)
    box.submit()
    wait_for(driver, "#hits article.hit")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)
    check("the query is in the URL", query.get("q") == [question], driver.current_url)
    hits = driver.find_elements(By.CSS_SELECTOR, "#hits article.hit")
    check("a question finds articles", len(hits) >= 3, f"{len(hits)} hits")
    titles = [h.find_element(By.CSS_SELECTOR, "h2 a").text for h in hits]
    check("the citation guide ranks first", "cite" in titles[0].lower(), str(titles))
    marks = driver.find_elements(By.CSS_SELECTOR, "#hits mark")
    check("snippets highlight the words", len(marks) >= 1)
    marked = sorted({m.text.lower() for m in marks})
    check("snippets mark the question's subject (cite, dataset, beamtime)",
          any(m.startswith(("cite", "dataset", "beamtime")) for m in marked), str(marked))
    check("snippets never mark its question words (how, do, I, from, my)",
          not set(marked) & {"how", "do", "i", "from", "my"}, str(marked))
    try:
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#answer blockquote"))
        answered = True
    except Exception:
        answered = False
    check("a how-to question gets a quoted, cited answer", answered)
    if answered:
        cite = driver.find_element(By.CSS_SELECTOR, "#answer cite a")
        check("the answer cites an article page", "/docs/" in cite.get_attribute("href"))
    driver.save_screenshot(str(SHOTS / "search.png"))
    accessibility(driver, "search page")
    errors = console_errors(driver)
    check("the search page logs no errors", not errors, str(errors))

    # A facet value narrows the results and is kept in the URL.
    boxes = driver.find_elements(By.CSS_SELECTOR, "#facets input[type=checkbox]")
    check("facets are offered", len(boxes) >= 3, f"{len(boxes)} values")
    if boxes:
        first = boxes[0]
        param, value = first.get_attribute("data-param"), first.get_attribute("value")
        total_before = driver.find_element(By.ID, "status").text
        first.click()
        WebDriverWait(driver, 20).until(lambda d: f"{param}=" in d.current_url)
        wait_for(driver, "#hits article.hit, #hits p")
        time.sleep(0.5)
        checked = [b for b in driver.find_elements(By.CSS_SELECTOR, "#facets input:checked")]
        check("a chosen facet value stays checked", any(b.get_attribute("value") == value for b in checked))
        check("filtering changes the count", driver.find_element(By.ID, "status").text != total_before)
        driver.save_screenshot(str(SHOTS / "search-filtered.png"))


def pages_and_keys(driver):
    # A keyword query with many results has pages; page 2 is in the URL and
    # shows other articles.
    driver.get(BASE + "/?q=data&mode=keyword")
    wait_for(driver, "#hits article.hit")
    first_titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#hits article.hit h2 a")]
    check("a page has ten results", len(first_titles) == 10, str(len(first_titles)))
    nxt = driver.find_elements(By.CSS_SELECTOR, ".pager a[rel=next]")
    check("a long result list has a next page", len(nxt) == 1)
    if nxt:
        nxt[0].click()
        WebDriverWait(driver, 20).until(lambda d: "page=2" in d.current_url)
        wait_for(driver, "#hits article.hit")
        second = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#hits article.hit h2 a")]
        check("page 2 shows other articles", second and not set(second) & set(first_titles), str(second))
        current = driver.find_element(By.CSS_SELECTOR, ".pager a[aria-current=page]").text
        check("the pager marks page 2", current == "2", current)
        check("the status counts from 11", driver.find_element(By.ID, "status").text.startswith("11–"),
              driver.find_element(By.ID, "status").text)
        driver.save_screenshot(str(SHOTS / "search-page2.png"))
        check("page 2 logs no errors", not console_errors(driver), str(console_errors(driver)))

    # "/" goes to the search box, arrows move through the results.
    driver.execute_script("document.activeElement.blur()")
    ActionChains(driver).send_keys("/").perform()
    check("/ focuses the search box", driver.switch_to.active_element.get_attribute("id") == "q")
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    focused = driver.switch_to.active_element
    first_link = driver.find_element(By.CSS_SELECTOR, "#hits article.hit h2 a")
    check("the down arrow moves to the first result", focused == first_link, focused.text)
    focused.send_keys(Keys.ARROW_DOWN)
    links = driver.find_elements(By.CSS_SELECTOR, "#hits article.hit h2 a")
    check("and on to the second", driver.switch_to.active_element == links[1])
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: "/docs/" in d.current_url)
    check("Enter opens the result", "/docs/" in driver.current_url, driver.current_url)


def terms_not_answers(driver):
    if not SHARED_ONTOLOGIES:
        print("skip the term card: PaNET is not loaded")
        return
    # A bare term gets the term's card, not a quoted "answer".
    driver.get(BASE + "/?q=SAXS")
    wait_for(driver, "#hits article.hit")
    try:
        card = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "#answer .term-card"))
        text = card.text
    except Exception:
        text = ""
    check("a term's name gets its card", "small angle x-ray scattering" in text, text)
    check("... and no quoted answer", not driver.find_elements(By.CSS_SELECTOR, "#answer blockquote"))
    link = driver.find_elements(By.CSS_SELECTOR, "#answer .term-card h2 a")
    check("the card links to the term page", bool(link) and "/terms/" in link[0].get_attribute("href"))
    # Facet values read as labels, not CURIEs, and term values link to their page.
    values = [v.text for v in driver.find_elements(By.CSS_SELECTOR, "#facets label .value")]
    curies = [v for v in values if v.startswith(("PaNET:", "EDAM:", "NeXus:"))]
    check("facets show labels, not CURIEs", values and not curies, str(curies))
    check("audiences read as words", "data steward" in driver.find_element(By.ID, "facets").text.lower())
    check("the kind facet is labelled", "kind" in driver.find_element(By.ID, "facets").text.lower())
    term_links = driver.find_elements(By.CSS_SELECTOR, "#facets a.term-link")
    check("term facet values link to term pages", term_links and "/terms/" in term_links[0].get_attribute("href"))
    driver.save_screenshot(str(SHOTS / "search-term.png"))


def article_page(driver):
    driver.get(BASE + "/docs/doi-for-beamtime-data")
    heading = wait_for(driver, "h1")
    check("an article page shows its title", "DOI" in heading.text, heading.text)
    errors = console_errors(driver)
    check("an article page logs no errors", not errors, str(errors))
    # Related articles by title, the authors, and schema.org JSON-LD that
    # says the same as the page.
    related = driver.find_elements(By.CSS_SELECTOR, "section.related a")
    check("related articles are listed by title",
          any("cite a dataset" in a.text.lower() and "/docs/cite-a-beamtime-dataset" in a.get_attribute("href")
              for a in related), str([a.text for a in related]))
    check("the authors are named", "eoskb editors" in driver.find_element(By.CSS_SELECTOR, ".authors").text)
    blocks = [json.loads(b.get_attribute("textContent"))
              for b in driver.find_elements(By.CSS_SELECTOR, 'script[type="application/ld+json"]')]
    check("the page embeds one JSON-LD block", len(blocks) == 1, str(len(blocks)))
    if blocks:
        ld = blocks[0]
        types = ld.get("@type") if isinstance(ld.get("@type"), list) else [ld.get("@type")]
        check("its JSON-LD names the article", ld.get("name") == heading.text and "HowTo" in types, str(ld)[:300])
        about = ld.get("about", [])
        about = [t.get("@id") for t in (about if isinstance(about, list) else [about])]
        check("its JSON-LD lists the terms by IRI", "http://edamontology.org/data_1188" in about, str(about))
        check("its JSON-LD has the article's IRI", ld.get("@id", "").endswith("/article/doi-for-beamtime-data"), ld.get("@id"))
    driver.save_screenshot(str(SHOTS / "article.png"))
    accessibility(driver, "article page")


def bad_input(driver):
    # Markup in the query is shown as text, never run.
    driver.get(BASE + "/?q=" + urllib.parse.quote('<img src=x onerror="document.title=\'pwned\'">'))
    wait_for(driver, "#status")
    time.sleep(1.5)
    check("markup in a query is not run", driver.title != "pwned", driver.title)
    long = "a" * 5000
    driver.get(BASE + "/?q=" + long)
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "status").text)
    status = driver.find_element(By.ID, "status").text
    check("an over-long query gets a clear message", "long" in status.lower(), status)


def phone(driver):
    driver.get(BASE + "/?q=" + urllib.parse.quote("data embargo"))
    wait_for(driver, "#hits article.hit")
    width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    check("no sideways scrolling on a phone", width[0] <= width[1], str(width))
    top, height = driver.execute_script(
        "return [document.querySelector('#hits article.hit').getBoundingClientRect().top, window.innerHeight]")
    check("on a phone the first result is on the first screen", top < height, f"top {top}, screen {height}")
    driver.save_screenshot(str(SHOTS / "search-phone.png"))


def figures(driver):
    """Time to first result (median of 20 loads), for the record (page weights:
    test_weights)."""
    url = BASE + "/?q=" + urllib.parse.quote("data embargo")
    ms = median_time_to(driver, url, "#hits article.hit", mark="results-shown")
    figure("search: ms to first result (median of 20, hybrid)", f"{ms:.1f}" if ms is not None else ms, "ms")


def run(desktop, small):
    search_page(desktop)
    pages_and_keys(desktop)
    terms_not_answers(desktop)
    article_page(desktop)
    bad_input(desktop)
    phone(small)
    figures(desktop)
