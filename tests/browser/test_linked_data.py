"""The pages a browser reaches from the knowledge base's own IRIs: an article's
IRI leads to its page, a person's and the content graph's IRIs to pages that
list what is known about them, with links to their RDF views, on a desktop
and on a phone.
"""

from common import BASE, SHOTS, By, accessibility, check, console_errors, wait_for


def run(desktop, small):
    desktop.get_log("browser")
    desktop.get(BASE + "/article/doi-for-beamtime-data")
    heading = wait_for(desktop, "h1")
    check("an article's IRI leads a browser to its page",
          desktop.current_url.endswith("/docs/doi-for-beamtime-data") and "DOI" in heading.text, desktop.current_url)
    formats = [a.get_attribute("href").rsplit("=", 1)[-1]
               for a in desktop.find_elements(By.CSS_SELECTOR, ".data-links a")]
    check("the article page links its RDF views", formats == ["ttl", "nt", "rdf", "jsonld"], str(formats))

    desktop.get(BASE + "/person/eoskb-editors")
    heading = wait_for(desktop, "h1")
    check("a person's IRI shows who it is", heading.text == "eoskb editors", heading.text)
    rows = {th.text: td.text for th, td in zip(desktop.find_elements(By.CSS_SELECTOR, "table.record th"),
                                               desktop.find_elements(By.CSS_SELECTOR, "table.record td"))}
    check("the person's statements are listed", rows.get("schema:name") == "eoskb editors", str(rows))
    desktop.save_screenshot(str(SHOTS / "resource-person.png"))
    accessibility(desktop, "person page")

    desktop.get(BASE + "/graph/content")
    heading = wait_for(desktop, "h1")
    check("the content graph has a page", heading.text == "The content graph", heading.text)
    rows = {th.text: td.text for th, td in zip(desktop.find_elements(By.CSS_SELECTOR, "main > table.record > tbody > tr > th"),
                                               desktop.find_elements(By.CSS_SELECTOR, "main > table.record > tbody > tr > td"))}
    size = rows.get("void:triples", "")
    check("it states its size", size.isdigit() and int(size) > 100, str(rows)[:300])
    # Its VoID linksets: one table, a row per target graph and predicate, most links first.
    links = [[td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")]
             for tr in desktop.find_elements(By.CSS_SELECTOR, "table.linksets tbody tr")]
    check("the linksets are a table of graph, predicate and count",
          links and all(len(r) == 3 and r[2].isdigit() for r in links), str(links)[:300])
    counts = [int(r[2]) for r in links]
    check("most links first", counts == sorted(counts, reverse=True), str(counts))
    check("the links to PaNET by dcterms:subject are among them",
          any("PaNET" in r[0] and r[1] == "dcterms:subject" for r in links), str(links)[:400])
    check("linksets are not repeated in the statements", "void:subset" not in rows or "void:Linkset" not in rows["void:subset"],
          str(rows.get("void:subset", ""))[:200])
    desktop.save_screenshot(str(SHOTS / "resource-graph.png"))
    accessibility(desktop, "content graph page")
    errors = console_errors(desktop)
    check("the resource pages log no errors", not errors, str(errors))

    small.get(BASE + "/graph/content")
    wait_for(small, "h1")
    width = small.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    check("no sideways scrolling on a phone", width[0] <= width[1], str(width))
    small.save_screenshot(str(SHOTS / "resource-graph-phone.png"))
