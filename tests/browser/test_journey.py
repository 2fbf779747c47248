"""One visit, start to end, in one browser session and by clicks alone after the
first page: a search that finds more than ten articles → a facet value → page 2
→ an article from the results → one of its technique tags → the technique's
term page → a narrower technique in the hierarchy → an article listed as using
it. Each step asserts what the visitor sees, and saves a screenshot.

The path comes from the real data: the techniques and their narrower terms from
PaNET.owl, which articles use which term from the bundled content's front
matter. The article opened from page 2 is the first one there tagged with a
PaNET technique that has a narrower technique some article is tagged with.
"""

import urllib.parse

from common import (BASE, SHARED_ONTOLOGIES, SHOTS, By, WebDriverWait, accessibility, check, console_errors,
                    content_terms, panet_classes, wait_for)

QUERY = "HDF5 data"
FACET = ("kind", "guide")


def url_state(driver):
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)


def hit_titles(driver):
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#hits article.hit h2 a")]


def total_of(driver):
    """The result count the status line gives ("11–20 of 29 articles · ...")."""
    words = driver.find_element(By.ID, "status").text.split(" article")[0].split()
    return int(words[-1]) if words and words[-1].isdigit() else -1


def paths(classes, used_by):
    """PaNET technique (local name) → its narrower techniques that articles use, each
    with those articles; only techniques that some article uses too."""
    uses = {}
    for article, terms in used_by.items():
        for term in terms:
            if term.startswith("PaNET:"):
                uses.setdefault(term.split(":", 1)[1], []).append(article)
    found = {}
    for child, (_, _, parents) in classes.items():
        for parent in parents:
            if parent in uses and child in uses:
                found.setdefault(parent, {})[child] = uses[child]
    return found, uses


def shoot(driver, step, name):
    driver.save_screenshot(str(SHOTS / f"journey-{step}-{name}.png"))


def journey(driver):
    classes = panet_classes()
    narrower, uses = paths(classes, content_terms())
    check("the bundled content uses PaNET techniques with narrower techniques it also uses", bool(narrower),
          str(sorted(uses)))
    console_errors(driver)  # what earlier modules' pages logged

    # 1. A search from the start page, typed into the box.
    driver.get(BASE + "/")
    box = wait_for(driver, "#q")
    box.send_keys(QUERY)
    box.submit()
    wait_for(driver, "#hits article.hit")
    check("1 search: the query is in the URL", url_state(driver).get("q") == [QUERY], driver.current_url)
    first_total = total_of(driver)
    check("1 search: more than ten results", first_total > 10, driver.find_element(By.ID, "status").text)
    check("1 search: a page of ten", len(hit_titles(driver)) == 10, str(len(hit_titles(driver))))
    recognised = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#status a.term")]
    check("1 search: the query names an ontology term (EDAM: HDF5)", any("HDF5" in r for r in recognised), driver.find_element(By.ID, "status").text)
    shoot(driver, 1, "search")

    # 2. A facet value narrows the results; it shows as chosen and is in the URL.
    param, value = FACET
    boxes = driver.find_elements(By.CSS_SELECTOR, f"#facets input[data-param='{param}'][value='{value}']")
    check(f"2 facet: {param} {value} is offered", len(boxes) == 1)
    if not boxes:
        return
    boxes[0].click()
    WebDriverWait(driver, 20).until(lambda d: url_state(d).get(param) == [value])
    wait_for(driver, "#hits article.hit")
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#facets input[value='{value}']:checked"))
    state = url_state(driver)
    check("2 facet: the URL keeps the query and adds the filter", state.get("q") == [QUERY] and state.get(param) == [value],
          driver.current_url)
    chosen = driver.find_element(By.CSS_SELECTOR, f"#facets input[value='{value}']:checked")
    check("2 facet: the chosen value is visibly checked", chosen.is_displayed() and chosen.is_selected())
    filtered_total = total_of(driver)
    check("2 facet: fewer results, still more than ten", 10 < filtered_total < first_total,
          f"{filtered_total} of {first_total}")
    kinds = [m.text.split(" · ")[0] for m in driver.find_elements(By.CSS_SELECTOR, "#hits article.hit .meta")]
    check(f"2 facet: every result is a {value}", kinds and all(k == value for k in kinds), str(kinds))
    page1 = hit_titles(driver)
    shoot(driver, 2, "facet")

    # 3. Page 2, through the pager.
    nxt = driver.find_elements(By.CSS_SELECTOR, ".pager a[rel=next]")
    check("3 page 2: the pager offers a next page", len(nxt) == 1)
    if not nxt:
        return
    nxt[0].click()
    WebDriverWait(driver, 20).until(lambda d: url_state(d).get("page") == ["2"])
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "status").text.startswith("11–"))
    state = url_state(driver)
    check("3 page 2: the URL keeps the query and the filter",
          state.get("q") == [QUERY] and state.get(param) == [value], driver.current_url)
    page2 = hit_titles(driver)
    check("3 page 2: other results than page 1", page2 and not set(page2) & set(page1), f"{page2} / {page1}")
    check("3 page 2: the pager marks page 2",
          driver.find_element(By.CSS_SELECTOR, ".pager a[aria-current=page]").text == "2")
    check("3 page 2: the filter is still checked",
          bool(driver.find_elements(By.CSS_SELECTOR, f"#facets input[value='{value}']:checked")))
    shoot(driver, 3, "page2")

    # 4. An article from page 2: the first tagged with a technique we can follow down.
    links = driver.find_elements(By.CSS_SELECTOR, "#hits article.hit h2 a")
    choice = None
    for link in links:
        article = urllib.parse.urlparse(link.get_attribute("href")).path.removeprefix("/docs/")
        techniques = [t for t in narrower if article in uses.get(t, [])]
        if techniques:
            choice = (link, article, techniques[0])
            break
    check("4 article: page 2 lists an article tagged with a technique that has used narrower ones",
          choice is not None, str(page2))
    if choice is None:
        return
    link, article, technique = choice
    title = link.text
    link.click()
    heading = wait_for(driver, "h1")
    WebDriverWait(driver, 20).until(lambda d: urllib.parse.urlparse(d.current_url).path == f"/docs/{article}")
    check("4 article: the result opens its article", heading.text == title, f"{heading.text!r} vs {title!r}")
    shoot(driver, 4, "article")

    # 5. Its technique tag leads to the term page.
    label = classes[technique][0]
    chips = [c for c in driver.find_elements(By.CSS_SELECTOR, "a.term-chip")
             if c.get_attribute("title") == f"PaNET:{technique}"]
    check(f"5 term: the article has a tag for PaNET:{technique}", len(chips) == 1)
    if not chips:
        return
    chip_text = chips[0].text
    check("5 term: the tag reads as the term's label", chip_text == label, f"{chip_text!r} vs {label!r}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chips[0])
    chips[0].click()
    term_label = wait_for(driver, "#term-label")
    check("5 term: the term page's heading is the tag's label", term_label.text == chip_text,
          f"{term_label.text!r} vs {chip_text!r}")
    check("5 term: the URL names the term", driver.current_url.endswith(f"/terms/PaNET:{technique}"), driver.current_url)
    shoot(driver, 5, "term")

    # 6. A narrower technique, from the tree under the term (opened if closed).
    children = narrower[technique]
    nodes = driver.find_elements(
        By.XPATH, "//ul[@id='term-tree']//a[contains(@class,'current')]/parent::li/ul/li/a[contains(@class,'term-node')]")
    if not nodes:
        twisty = driver.find_elements(
            By.XPATH, "//ul[@id='term-tree']//a[contains(@class,'current')]/parent::li/button[contains(@class,'twisty')]")
        if twisty:
            twisty[0].click()
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(
                By.XPATH, "//ul[@id='term-tree']//a[contains(@class,'current')]/parent::li/ul/li/a"))
            nodes = driver.find_elements(
                By.XPATH, "//ul[@id='term-tree']//a[contains(@class,'current')]/parent::li/ul/li/a[contains(@class,'term-node')]")
    shown = {n.get_attribute("href").rsplit("/", 1)[-1]: n for n in nodes if n.is_displayed()}
    wanted = [c for c in sorted(children) if f"PaNET:{c}" in shown]
    check("6 child: the tree lists a narrower technique that articles use",
          bool(wanted), f"{sorted(children)} vs {sorted(shown)}")
    if not wanted:
        return
    child = wanted[0]
    child_label = classes[child][0]
    node = shown[f"PaNET:{child}"]
    check("6 child: the tree shows the narrower technique's label", node.text == child_label, node.text)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", node)
    node.click()
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "term-label").text == child_label)
    check("6 child: its page opens", driver.current_url.endswith(f"/terms/PaNET:{child}"), driver.current_url)
    shoot(driver, 6, "child-term")

    # 7. An article listed as using the narrower technique.
    listed = {urllib.parse.urlparse(a.get_attribute("href")).path.removeprefix("/docs/"): a
              for a in driver.find_elements(By.CSS_SELECTOR, "#used-guidance a[href^='/docs/']")}
    using = [a for a in children[child] if a in listed]
    check("7 use: the child term's page lists the articles tagged with it",
          set(children[child]) <= set(listed), f"{children[child]} vs {sorted(listed)}")
    if not using:
        return
    target = listed[using[0]]
    target_title = target.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    shoot(driver, 7, "child-uses")
    target.click()
    WebDriverWait(driver, 20).until(lambda d: urllib.parse.urlparse(d.current_url).path == f"/docs/{using[0]}")
    heading = wait_for(driver, "h1")
    check("7 use: the listed article opens", heading.text == target_title, f"{heading.text!r} vs {target_title!r}")
    tags = [c.get_attribute("title") for c in driver.find_elements(By.CSS_SELECTOR, "a.term-chip")]
    check("7 use: the article is tagged with the child term", f"PaNET:{child}" in tags, str(tags))
    shoot(driver, 8, "landed")
    accessibility(driver, "journey's last article")
    errors = console_errors(driver)
    check("the journey logs no errors", not errors, str(errors))


def run(desktop, small):
    if not SHARED_ONTOLOGIES:
        print("skipped: the journey follows PaNET techniques, from ../shared/data")
        return
    journey(desktop)
