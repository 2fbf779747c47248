"""Term and ontology pages, as an ontology builder uses them: from a term tag on
an article to the term's page, down its hierarchy to a child term and on to an
article that uses it; suggestions as you type on /terms; an ontology's roots
opening on demand; deprecation and multiple parents; and the time a term page
takes to show its label and tree (median of 20 loads), printed as a figure.

The facts asserted are read from PaNET's own file (../shared/data), not typed in.
"""

import statistics
import urllib.error
import urllib.request

from common import (BASE, PANET, SHARED_ONTOLOGIES, SHOTS, By, WebDriverWait, accessibility, check,
                    console_errors, panet_class, wait_for)
from selenium.webdriver.common.keys import Keys


def status_of(path):
    try:
        with urllib.request.urlopen(BASE + path, timeout=20) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def journey(driver):
    """Article → term tag → term page → child term → an article that uses it."""
    sas, sas_alt, _ = panet_class("PaNET01124")
    saxs, saxs_alt, saxs_parents = panet_class("PaNET01188")
    driver.get(BASE + "/docs/what-is-panet")
    wait_for(driver, "h1")
    chips = {c.text: c for c in driver.find_elements(By.CSS_SELECTOR, "a.term-chip")}
    check("an article's term tags are links labelled with the term", sas in chips, str(list(chips)))
    if sas not in chips:
        return
    check("a term tag has its CURIE as title", chips[sas].get_attribute("title") == "PaNET:PaNET01124",
          chips[sas].get_attribute("title"))
    driver.save_screenshot(str(SHOTS / "article-term-tags.png"))
    chips[sas].click()
    label = wait_for(driver, "#term-label")
    check("the tag leads to the term page", label.text == sas, label.text)
    check("the URL is /terms/{curie}", driver.current_url.endswith("/terms/PaNET:PaNET01124"), driver.current_url)
    check("the term page shows the CURIE", driver.find_element(By.ID, "term-curie").text == "PaNET:PaNET01124")
    check("the term page shows the IRI", driver.find_element(By.ID, "term-iri").text == PANET + "PaNET01124")
    synonyms = driver.find_element(By.ID, "term-synonyms").text
    check("the term page lists the synonyms", all(a in synonyms for a in sas_alt), synonyms)
    tree = driver.find_element(By.ID, "term-tree")
    check("the hierarchy tree is shown", tree.is_displayed())
    check("the tree reaches the top of PaNET", "photon and neutron technique" in tree.text, tree.text[:300])
    current = driver.find_elements(By.CSS_SELECTOR, "#term-tree a.current")
    check("the term is marked in the tree", len(current) >= 1)
    children = driver.find_elements(
        By.XPATH, "//ul[@id='term-tree']//a[contains(@class,'current')]/parent::li/ul/li/a")
    names = [c.text for c in children]
    check("the term's children are listed under it", saxs in names, str(names))
    driver.save_screenshot(str(SHOTS / "term.png"))
    accessibility(driver, "term page")
    errors = console_errors(driver)
    check("the term page logs no errors", not errors, str(errors))

    child = next((c for c in children if c.text == saxs), None)
    if child is None:
        return
    child.click()
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "term-label").text == saxs)
    check("a child term opens its page", driver.current_url.endswith("/terms/PaNET:PaNET01188"), driver.current_url)
    synonyms = driver.find_element(By.ID, "term-synonyms").text
    check("the child's synonyms are shown (SAXS)", all(a in synonyms for a in saxs_alt) and "SAXS" in synonyms,
          synonyms)
    # Two parents in PaNET.owl: the term sits under each of them in the tree
    # (and under each path down to them).
    above = driver.execute_script(
        "return [...document.querySelectorAll('#term-tree a.current')].map(a =>"
        " a.parentElement.parentElement.closest('li').querySelector(':scope > .term-node').getAttribute('href'))")
    check("a term with two parents appears under each",
          len(saxs_parents) == 2 and {h.rsplit("/", 1)[1] for h in above} == {f"PaNET:{p}" for p in saxs_parents},
          f"{saxs_parents}, under {above}")
    parents_shown = [a.get_attribute("href").rsplit("/", 1)[1] for a in
                     driver.find_elements(By.XPATH, "//dt[starts-with(.,'Parent')]/following-sibling::dd[1]/a")]
    check("the parents are those of PaNET.owl", sorted(parents_shown) == sorted(f"PaNET:{p}" for p in saxs_parents),
          str(parents_shown))
    used = driver.find_elements(By.CSS_SELECTOR, "#used-guidance a[href^='/docs/']")
    titles = [u.text for u in used]
    check("guidance using the term is listed", any("cite" in t.lower() for t in titles), str(titles))
    article = next((u for u in used if "cite" in u.text.lower()), None)
    if article is None:
        return
    title = article.text
    article.click()
    heading = wait_for(driver, "h1")
    WebDriverWait(driver, 20).until(lambda d: "/docs/" in d.current_url)
    check("the listed article opens", heading.text == title, f"{heading.text!r} vs {title!r}")
    back = [c.get_attribute("title") for c in driver.find_elements(By.CSS_SELECTOR, "a.term-chip")]
    check("the article is tagged with the term", "PaNET:PaNET01188" in back, str(back))


def suggestions(driver):
    """Suggestions as you type, keyboard choice, filters, and the plain form."""
    saxs, _, _ = panet_class("PaNET01188")
    driver.get(BASE + "/terms")
    box = wait_for(driver, "#term-q")
    box.send_keys("small ang")
    try:
        WebDriverWait(driver, 10).until(lambda d: any(
            o.text.startswith(saxs) for o in d.find_elements(By.CSS_SELECTOR, "#term-suggestions [role=option]")))
        shown = True
    except Exception:
        shown = False
    options = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#term-suggestions [role=option]")]
    check(f"typing 'small ang' suggests '{saxs}'", shown, str(options))
    check("the suggestion box is announced as expanded", box.get_attribute("aria-expanded") == "true")
    driver.save_screenshot(str(SHOTS / "terms-suggestions.png"))
    accessibility(driver, "term search with suggestions")
    # Arrow keys move through the options; Enter opens the chosen term.
    index = next((i for i, o in enumerate(options) if o.startswith(saxs)), None)
    if index is not None:
        for _ in range(index + 1):
            box.send_keys(Keys.ARROW_DOWN)
        active = box.get_attribute("aria-activedescendant")
        check("arrow keys select an option", active == f"term-option-{index}", str(active))
        box.send_keys(Keys.ENTER)
        WebDriverWait(driver, 20).until(lambda d: "/terms/PaNET:PaNET01188" in d.current_url)
        check("Enter on a suggestion opens the term", wait_for(driver, "#term-label").text == saxs)

    # The filters narrow the suggestions: EDAM only, classes.
    driver.get(BASE + "/terms")
    box = wait_for(driver, "#term-q")
    driver.find_element(By.CSS_SELECTOR, "#term-ontology option[value='edam']").click()
    driver.find_element(By.CSS_SELECTOR, "#term-type option[value='class']").click()
    box.send_keys("data")
    try:
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#term-suggestions [role=option]"))
    except Exception:
        pass
    curies = [o.find_element(By.CSS_SELECTOR, ".curie").text
              for o in driver.find_elements(By.CSS_SELECTOR, "#term-suggestions [role=option]")]
    check("filtered suggestions come from the chosen ontology", curies and all(c.startswith("EDAM:") for c in curies),
          str(curies))
    # Enter without choosing submits the form: results rendered by the server.
    box.send_keys(Keys.ENTER)
    wait_for(driver, "ol.term-hits li")
    check("the form lists results with the filters kept",
          "ontology=edam" in driver.current_url and "type=class" in driver.current_url, driver.current_url)
    driver.save_screenshot(str(SHOTS / "terms-results.png"))
    accessibility(driver, "term search results")
    errors = console_errors(driver)
    check("the term search logs no errors", not errors, str(errors))


def ontology_pages(driver):
    driver.get(BASE + "/ontologies")
    wait_for(driver, "#ontology-list")
    rows = driver.find_elements(By.CSS_SELECTOR, "#ontology-list tbody tr")
    ids = [r.find_element(By.CSS_SELECTOR, "code").text for r in rows]
    check("the loaded ontologies are listed", {"panet", "edam", "nexus"} <= set(ids), str(ids))
    driver.save_screenshot(str(SHOTS / "ontologies.png"))
    accessibility(driver, "ontology list")
    driver.get(BASE + "/ontologies/panet")
    heading = wait_for(driver, "h1")
    check("the ontology page shows its title",
          heading.text == "The Photon and Neutron Experimental Techniques Ontology", heading.text)
    facts = driver.find_element(By.CSS_SELECTOR, "dl.facts").text
    check("the ontology page shows its version", "1.3.0-48-g7011e6b" in facts, facts)
    counts = driver.find_element(By.ID, "ontology-counts").text
    check("the ontology page shows its counts (512 classes)", "512" in counts, counts)
    roots = driver.find_elements(By.CSS_SELECTOR, "#ontology-roots ul.tree[data-type=class] > li")
    names = [r.text.split("\n")[0] for r in roots]
    check("the roots include 'photon and neutron technique'",
          any(n.startswith("photon and neutron technique") for n in names), str(names))
    root = next((r for r in roots if r.text.startswith("photon and neutron technique")), None)
    if root is not None:
        twisty = root.find_element(By.CSS_SELECTOR, ":scope > button.twisty")
        check("a root with children has a closed disclosure button", twisty.get_attribute("aria-expanded") == "false")
        twisty.click()
        try:
            WebDriverWait(driver, 10).until(lambda d: root.find_elements(By.CSS_SELECTOR, ":scope > ul > li"))
            loaded = [li.text.split("\n")[0] for li in root.find_elements(By.CSS_SELECTOR, ":scope > ul > li")]
        except Exception:
            loaded = []
        check("opening a root loads its children", any("defined by" in n for n in loaded), str(loaded))
        check("the button says it is open", twisty.get_attribute("aria-expanded") == "true")
        twisty.click()
        check("the button closes it again",
              not root.find_element(By.CSS_SELECTOR, ":scope > ul").is_displayed())
    driver.save_screenshot(str(SHOTS / "ontology.png"))
    accessibility(driver, "ontology page")
    errors = console_errors(driver)
    check("the ontology page logs no errors", not errors, str(errors))


def deprecated_and_missing(driver):
    driver.get(BASE + "/terms/EDAM:data_0007")
    wait_for(driver, "#term-label")
    notice = driver.find_element(By.CSS_SELECTOR, ".deprecation")
    link = notice.find_element(By.CSS_SELECTOR, "a")
    check("a deprecated term says so and links its replacement",
          "deprecated" in notice.text and link.get_attribute("href").endswith("/terms/EDAM:data_0958"), notice.text)
    driver.save_screenshot(str(SHOTS / "term-deprecated.png"))
    status, _ = status_of("/terms/PaNET:PaNET99999")
    check("an unknown term is a 404 page", status == 404, str(status))
    status, _ = status_of("/terms/http%3A%2F%2Fedamontology.org%2Fdata_1188")
    check("a percent-encoded IRI opens the term page", status == 200, str(status))
    status, _ = status_of("/ontologies/nothing-like-this")
    check("an unknown ontology is a 404 page", status == 404, str(status))
    # Without a script: the server's HTML already holds the label and the tree.
    status, html = status_of("/terms/PaNET:PaNET01188")
    check("a term page reads without JavaScript",
          status == 200 and 'id="term-label">small angle x-ray scattering<' in html and 'id="term-tree"' in html)


def phone(driver):
    driver.get(BASE + "/terms/PaNET:PaNET01188")
    wait_for(driver, "#term-tree")
    width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    check("no sideways scrolling on a phone (term page)", width[0] <= width[1], str(width))
    driver.save_screenshot(str(SHOTS / "term-phone.png"))


# Twenty distinct terms of the three ontologies: cold pages, not one page cached.
TIMED = ["PaNET:PaNET01188", "PaNET:PaNET01124", "PaNET:PaNET00001", "PaNET:PaNET01189", "PaNET:PaNET01012",
         "PaNET:PaNET01184", "PaNET:PaNET01162", "PaNET:PaNET01207", "PaNET:PaNET01242", "PaNET:PaNET01216",
         "EDAM:data_1188", "EDAM:data_0006", "EDAM:topic_3571", "EDAM:format_3590", "EDAM:operation_2421",
         "EDAM:topic_0089", "nexus:NXsample", "nexus:NXentry", "nexus:NXmx", "nexus:NXdetector"]

# Navigation start (time origin) to the later of first contentful paint and the
# tree being ready (terms.js marks it once it has wired the tree).
TIMING = """
const paint = performance.getEntriesByName('first-contentful-paint')[0];
const ready = performance.getEntriesByName('eoskb:tree-ready')[0];
const label = document.getElementById('term-label'), tree = document.getElementById('term-tree');
const visible = e => !!e && e.getBoundingClientRect().height > 0;
if (!paint || !ready || !visible(label) || !visible(tree)) return null;
return Math.max(paint.startTime, ready.startTime);
"""


def time_to_first_result(driver):
    times = []
    for curie in TIMED:
        driver.get(BASE + "/terms/" + curie)
        try:
            t = WebDriverWait(driver, 20).until(lambda d: d.execute_script(TIMING))
        except Exception:
            t = None
        if t is None:
            check(f"term page {curie} shows its label and tree", False)
            continue
        times.append(t)
    check("20 term pages were timed", len(times) == len(TIMED), f"{len(times)} timed")
    if times:
        median = statistics.median(times)
        print(f"figure: term page time to first result (navigation start to label and tree visible), "
              f"median of {len(times)} distinct terms: {median:.1f} ms "
              f"(min {min(times):.1f}, max {max(times):.1f})")
        check("a term page shows its label and tree within 1 s (median)", median < 1000, f"{median:.1f} ms")


def run(desktop, small):
    if not SHARED_ONTOLOGIES:
        print("skipped: the term pages are tested on PaNET, EDAM and NeXus from ../shared/data")
        return
    # The log holds what earlier modules' pages logged: only these pages count here.
    desktop.get_log("browser")
    journey(desktop)
    suggestions(desktop)
    ontology_pages(desktop)
    deprecated_and_missing(desktop)
    phone(small)
    time_to_first_result(desktop)
