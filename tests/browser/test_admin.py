"""The curators' page: no data without the admin token, a clear message for a
wrong one, and with it the gaps report showing a gap seeded here (a question
asked three times that finds nothing), the negative feedback, the content
check and the index."""

import json
import os
import time
import urllib.parse
import urllib.request

from common import BASE, SHOTS, By, WebDriverWait, accessibility, check, console_errors, wait_for

TOKEN = os.environ.get("EOSKB_TEST_ADMIN_TOKEN", "")
GAP = "wombat quokka husbandry"
DISLIKED = ("how do I cite a dataset from my beamtime?", "cite-a-beamtime-dataset")


def seed():
    """Asks the unanswerable question three times and dislikes one result."""
    for _ in range(3):
        url = BASE + "/api/search?" + urllib.parse.urlencode({"q": GAP, "mode": "keyword"})
        with urllib.request.urlopen(url, timeout=20) as res:
            hits = json.load(res)["total"]
        if hits:
            check("the seeded question finds nothing", False, f"{hits} hits")
    body = json.dumps({"query": DISLIKED[0], "id": DISLIKED[1], "helpful": False}).encode()
    request = urllib.request.Request(BASE + "/api/feedback", data=body, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


def report_has_gap():
    """Whether the log writer has written the seeded events yet."""
    request = urllib.request.Request(BASE + "/api/admin/gaps", headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=60) as res:
        report = json.load(res)
    return any(g["question"] == GAP and g["count"] >= 3 for g in report["gaps"]) and report["negative_feedback"]


def refuses_without_token(driver):
    console_errors(driver)  # what earlier pages logged
    driver.get(BASE + "/admin")
    form = wait_for(driver, "#sign-in")
    check("the curators' page asks for the token", form.is_displayed())
    reports = driver.find_element(By.ID, "reports")
    check("no report shows before signing in", not reports.is_displayed() and GAP not in driver.page_source)
    accessibility(driver, "curators' sign-in")
    driver.find_element(By.ID, "token").send_keys("not-the-token")
    driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "sign-in-message").text)
    message = driver.find_element(By.ID, "sign-in-message").text
    check("a wrong token gets a clear message", "not the server's admin token" in message, message)
    check("a wrong token shows no data", not reports.is_displayed() and GAP not in driver.page_source)
    check("a wrong token is not kept", driver.execute_script("return sessionStorage.length") == 0)
    # The refused request is the only error the browser may log.
    errors = [e for e in console_errors(driver) if "/api/admin/index" not in e or "401" not in e]
    check("a refused sign-in logs nothing but the 401", not errors, str(errors))
    driver.save_screenshot(str(SHOTS / "admin-refused.png"))


def shows_reports(driver):
    driver.get(BASE + "/admin")
    wait_for(driver, "#token").send_keys(TOKEN)
    driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    wait_for(driver, "#gaps-body table")
    check("signed in, the sign-in form is gone", not driver.find_element(By.ID, "sign-in").is_displayed())
    gaps = driver.find_element(By.ID, "gaps-body").text
    check("signed in, the seeded gap is listed", GAP in gaps, gaps[:300])
    row = next((r.text for r in driver.find_elements(By.CSS_SELECTOR, "#gaps-body tbody tr") if GAP in r.text), "")
    check("the gap shows its count and why", " 3 " in f" {row} " and "no results: 3" in row, row)
    wait_for(driver, "#feedback-body table")
    feedback = driver.find_element(By.ID, "feedback-body").text
    check("the disliked result is listed under its question", DISLIKED[0] in feedback and DISLIKED[1] in feedback, feedback[:300])
    WebDriverWait(driver, 60).until(lambda d: "checked at" in d.find_element(By.ID, "check-body").text)
    checked = driver.find_element(By.ID, "check-body").text
    check("the content check ran on the served content", "files of content checked" in checked, checked[:200])
    index = driver.find_element(By.ID, "index-body").text
    check("the index report names the served generation and PaNET",
          "Serving gen-" in index and "Photon and Neutron Experimental Techniques" in index, index[:300])
    check("the token is never in the address", TOKEN not in driver.current_url)
    driver.execute_script("document.getElementById('gaps').scrollIntoView()")
    driver.save_screenshot(str(SHOTS / "admin.png"))
    driver.execute_script("document.getElementById('check').scrollIntoView()")
    driver.save_screenshot(str(SHOTS / "admin-check-index.png"))
    accessibility(driver, "curators' reports")
    errors = console_errors(driver)
    check("the curators' page logs no errors", not errors, str(errors))

    # Signed in for the browser session: a reload needs no token.
    driver.refresh()
    wait_for(driver, "#gaps-body table")
    check("the session stays signed in", driver.find_element(By.ID, "reports").is_displayed())
    driver.find_element(By.ID, "sign-out").click()
    check("signing out forgets the token", driver.execute_script("return sessionStorage.length") == 0)


def phone(driver):
    driver.get(BASE + "/admin")
    wait_for(driver, "#token").send_keys(TOKEN)
    driver.find_element(By.CSS_SELECTOR, "#sign-in button[type=submit]").click()
    wait_for(driver, "#gaps-body table")
    WebDriverWait(driver, 60).until(lambda d: "checked at" in d.find_element(By.ID, "check-body").text)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check("the curators' page fits a phone's width", overflow <= 0, f"{overflow}px too wide")
    driver.save_screenshot(str(SHOTS / "admin-phone.png"))


def run(desktop, small):
    if not TOKEN:
        print("skip: EOSKB_TEST_ADMIN_TOKEN is not set, so the server has no curators' page")
        return
    seed()
    deadline = time.time() + 15
    while not report_has_gap() and time.time() < deadline:
        time.sleep(0.5)
    check("the query log records the seeded gap", report_has_gap())
    refuses_without_token(desktop)
    shows_reports(desktop)
    phone(small)
