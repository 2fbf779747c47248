"""The SPARQL page: examples that run on the bundled content with PaNET, a
result table whose IRIs lead to article and term pages, ASK, CONSTRUCT as
Turtle, a syntax error shown at its line and column, and downloads."""

import time
import urllib.error
import urllib.parse
import urllib.request

from common import (BASE, SHARED_ONTOLOGIES, SHOTS, By, WebDriverWait, accessibility, check,
                    console_errors, wait_for)
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

PANET = "http://purl.org/pan-science/PaNET/"


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as res:
            return res.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for_status(driver, words, timeout=20):
    WebDriverWait(driver, timeout).until(
        lambda d: any(w in d.find_element(By.ID, "status").text for w in words)
        or d.find_elements(By.CSS_SELECTOR, ".sparql-error"))


def shoot(driver, name):
    """A screenshot with the results (or the error) at the top of the screen."""
    driver.execute_script("document.getElementById('status').scrollIntoView()")
    driver.save_screenshot(str(SHOTS / name))


def editor_and_table(driver):
    console_errors(driver)  # what earlier pages logged
    driver.get(BASE + "/sparql")
    editor = wait_for(driver, "#query")
    check("GET /sparql in a browser is the query page", driver.find_element(By.TAG_NAME, "h1").text == "SPARQL")
    text = editor.get_attribute("value")
    check("the first example declares its prefixes from the configuration",
          f"PREFIX PaNET: <{PANET}>" in text and "PREFIX dcterms:" in text, text[:200])
    options = Select(driver.find_element(By.ID, "example")).options
    check("the page offers example queries", len(options) >= 6, f"{len(options)}")
    driver.save_screenshot(str(SHOTS / "sparql-editor.png"))

    driver.find_element(By.ID, "run").click()
    wait_for(driver, "table.sparql-results tbody tr")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.sparql-results tbody tr")
    check("the technique example finds guidance under small angle scattering", len(rows) >= 4, f"{len(rows)} rows")
    labels = driver.find_element(By.CSS_SELECTOR, "table.sparql-results").text
    check("narrower techniques are found through rdfs:subClassOf*",
          "small angle x-ray scattering" in labels and "small angle neutron scattering" in labels, labels[:300])
    status = driver.find_element(By.ID, "status").text
    check("the status says how many rows", "rows" in status, status)
    links = driver.find_elements(By.CSS_SELECTOR, "#downloads a[download]")
    formats = sorted(urllib.parse.parse_qs(urllib.parse.urlparse(a.get_attribute("href")).query)["format"][0] for a in links)
    check("SELECT results download as JSON, XML, CSV and TSV", formats == ["csv", "json", "tsv", "xml"], str(formats))
    csv_link = next((a.get_attribute("href") for a in links if "format=csv" in a.get_attribute("href")), None)
    if csv_link:
        with urllib.request.urlopen(csv_link, timeout=20) as res:
            body = res.read().decode()
            check("the CSV download is the result as CSV",
                  res.headers.get("content-type", "").startswith("text/csv") and body.startswith("article,title,technique,label"),
                  body[:120])
    shoot(driver, "sparql.png")
    accessibility(driver, "SPARQL page with results")

    term = driver.find_elements(By.CSS_SELECTOR, "table.sparql-results a.term")
    check("term IRIs in the table link to term pages", bool(term))
    if term:
        href = term[0].get_attribute("href")
        iri = term[0].get_attribute("title")
        expected = BASE + "/terms/" + urllib.parse.quote(iri, safe="")
        check("a term link is /terms/ and the encoded IRI", href == expected and iri.startswith(PANET), href)
        label = term[0].find_element(By.XPATH, "../following-sibling::td").text
        if status_of(href) == 404:
            print("skip the term page itself: this build has no /terms/ pages yet")
        else:
            term[0].click()
            heading = wait_for(driver, "h1")
            check("the term link opens the term's page", label.lower() in driver.page_source.lower() and "/terms/" in driver.current_url,
                  f"{driver.current_url} {heading.text}")
            driver.back()
            wait_for(driver, "#query")
    driver.get(BASE + "/sparql")
    wait_for(driver, "#query").send_keys(Keys.CONTROL, Keys.ENTER)
    wait_for(driver, "table.sparql-results a.article")
    article = driver.find_element(By.CSS_SELECTOR, "table.sparql-results a.article")
    title = article.find_element(By.XPATH, "../following-sibling::td").text
    check("Ctrl+Enter runs the query", True)
    article.click()
    heading = wait_for(driver, "h1")
    check("an article IRI opens its article page", heading.text == title and "/docs/" in driver.current_url,
          f"{heading.text!r} vs {title!r}")
    errors = console_errors(driver)
    check("the SPARQL page logs no errors", not errors, str(errors))


def ask_construct_and_errors(driver):
    driver.get(BASE + "/sparql")
    wait_for(driver, "#query")
    Select(driver.find_element(By.ID, "example")).select_by_value("ask-tomography")
    check("picking an example puts it in the editor", "ASK {" in driver.find_element(By.ID, "query").get_attribute("value"))
    check("the example's address can be shared", "example=ask-tomography" in driver.current_url, driver.current_url)
    driver.find_element(By.ID, "query").send_keys(Keys.CONTROL, Keys.ENTER)
    answer = wait_for(driver, ".ask-answer")
    check("ASK answers true for tomography guidance", answer.text == "true", answer.text)

    Select(driver.find_element(By.ID, "example")).select_by_value("construct-scattering-guidance")
    driver.find_element(By.ID, "run").click()
    turtle = wait_for(driver, "pre.turtle")
    check("CONSTRUCT results are shown as Turtle", "<" + PANET + "PaNET01188>" in turtle.text and "rdfs:label" in turtle.text,
          turtle.text[:200])
    formats = sorted(urllib.parse.parse_qs(urllib.parse.urlparse(a.get_attribute("href")).query)["format"][0]
                     for a in driver.find_elements(By.CSS_SELECTOR, "#downloads a[download]"))
    check("graph results download as Turtle, N-Triples, RDF/XML and JSON-LD",
          formats == ["jsonld", "ntriples", "rdfxml", "turtle"], str(formats))
    shoot(driver, "sparql-construct.png")

    editor = driver.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT ?s WHERE {\n  ?s ?p\n}")
    driver.find_element(By.ID, "run").click()
    error = wait_for(driver, ".sparql-error")
    # The parser reports the furthest point it reached: just after the brace.
    check("a syntax error names its line and column", "Line 3, column 2." in error.text, error.text)
    check("a syntax error quotes the line and points at the column", "3 | }\n     ^" in error.text, error.text)
    check("an error leaves no download links of an earlier query", not driver.find_element(By.ID, "downloads").is_displayed())
    caret = driver.execute_script("return arguments[0].selectionStart", editor)
    check("the caret goes where the parser stopped", caret == len("SELECT ?s WHERE {\n  ?s ?p\n}"), str(caret))
    shoot(driver, "sparql-error.png")
    accessibility(driver, "SPARQL page with an error")

    # Without script: an example loads by its address, the endpoint is unchanged.
    request = urllib.request.Request(BASE + "/sparql?example=ask-tomography", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as res:
        html = res.read().decode()
    check("without script an example loads by its address", "ASK {" in html and "format=json" in html)
    request = urllib.request.Request(BASE + "/sparql?query=" + urllib.parse.quote("ASK {}"), headers={"Accept": "text/html, */*;q=0.1"})
    with urllib.request.urlopen(request, timeout=10) as res:
        check("a browser's GET with a query still gets results", res.headers.get("content-type", "").startswith("application/sparql-results"))


def phone(driver):
    driver.get(BASE + "/sparql")
    wait_for(driver, "#query")
    driver.find_element(By.ID, "run").click()
    wait_for(driver, "table.sparql-results tbody tr")
    time.sleep(0.3)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check("the SPARQL page fits a phone's width", overflow <= 0, f"{overflow}px too wide")
    shoot(driver, "sparql-phone.png")


def run(desktop, small):
    if not SHARED_ONTOLOGIES:
        print("skip: the SPARQL examples need PaNET, which is not loaded")
        return
    editor_and_table(desktop)
    ask_construct_and_errors(desktop)
    phone(small)
