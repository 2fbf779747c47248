"""The API page (/api/docs): reached from the footer, every operation of
/api/openapi.json listed under its tag with its parameters and responses,
the error schema linked, nothing fetched but the site's own style, readable
on a phone."""

import json
import urllib.request

from common import BASE, SHOTS, By, accessibility, check, console_errors, wait_for


def run(desktop, small):
    with urllib.request.urlopen(BASE + "/api/openapi.json", timeout=10) as res:
        spec = json.load(res)
    operations = {op["operationId"]: (method, path, op)
                  for path, item in spec["paths"].items() for method, op in item.items()}

    driver = desktop
    console_errors(driver)  # what earlier pages logged
    driver.get(BASE + "/")
    wait_for(driver, "footer")
    driver.find_element(By.CSS_SELECTOR, "footer a[href='/api/docs']").click()
    heading = wait_for(driver, "main h1").text
    check("the footer leads to the API page", driver.current_url.endswith("/api/docs") and heading == "API",
          driver.current_url + " " + heading)

    sections = {s.get_attribute("id"): s for s in driver.find_elements(By.CSS_SELECTOR, "section.api-op")}
    missing = [i for i in operations if i not in sections]
    check("every operation of the OpenAPI document has its section", not missing, str(missing[:10]))
    tags = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "main h2")]
    check("operations are grouped by tag", [t["name"] for t in spec["tags"]] == tags[:len(spec["tags"])], str(tags))

    search = sections.get("get_api_search")
    text = search.text if search else ""
    check("a search shows its parameters with their bounds",
          "limit" in text and "0 to 100" in text and "offset" in text and "0 to 10000" in text, text[:400])
    check("a search shows its example", "small angle scattering" in text, text[:400])
    check("a search lists its error responses", all(code in text for code in ("400", "500", "503")), text[-400:])
    busy = search.find_elements(By.XPATH, ".//tr[td[1][normalize-space()='503']]") if search else []
    check("503 names Retry-After", bool(busy) and "Retry-After" in busy[0].text, busy[0].text if busy else "")
    link = search.find_element(By.CSS_SELECTOR, "a[href='#schema-ApiError']") if search else None
    check("error bodies link the ApiError schema", link is not None)
    if link:
        link.click()
        schema = driver.find_element(By.ID, "schema-ApiError").text
        check("the ApiError schema lists its fields", "error" in schema and "message" in schema, schema[:300])

    gaps = sections.get("get_api_admin_gaps")
    check("admin routes are marked as needing the token", gaps is not None and "admin token" in gaps.text)
    sparql = sections.get("post_sparql")
    check("POST /sparql shows its request bodies",
          sparql is not None and "application/sparql-query" in sparql.text, sparql.text[:300] if sparql else "")

    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [r for r in resources if not r.startswith(BASE)]
    check("the page loads nothing from elsewhere", not foreign, str(foreign))
    scripts = driver.find_elements(By.CSS_SELECTOR, "script")
    check("the page needs no script", not scripts, str(len(scripts)))
    errors = console_errors(driver)
    check("the API page logs no errors", not errors, str(errors))
    accessibility(driver, "api-docs")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(SHOTS / "api-docs.png"))
    driver.execute_script("document.getElementById('get_api_search').scrollIntoView()")
    driver.save_screenshot(str(SHOTS / "api-docs-search.png"))
    driver.execute_script("document.querySelector('#post_sparql table:last-of-type').scrollIntoView()")
    driver.save_screenshot(str(SHOTS / "api-docs-responses.png"))

    phone = small
    phone.get(BASE + "/api/docs#get_api_search")
    wait_for(phone, "#get_api_search")
    overflow = phone.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check("on a phone the page does not scroll sideways", overflow <= 1, f"{overflow}px")
    phone.save_screenshot(str(SHOTS / "api-docs-phone.png"))
