"""What every browser test shares: the server's address, where screenshots
go, a headless chromium, and how checks are reported."""

import os
import re
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By  # noqa: F401 (re-exported for the tests)
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1].rstrip("/")
SHOTS = Path(sys.argv[2])
SHOTS.mkdir(parents=True, exist_ok=True)
FAILURES = []


def browser(width=1280, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    if not condition:
        FAILURES.append(name)


def console_errors(driver):
    """Errors the page logged: script errors, blocked resources, CSP violations."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def wait_for(driver, css, timeout=20):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


SHARED_ONTOLOGIES = os.environ.get("EOSKB_SHARED_ONTOLOGIES") == "1"
SHARED = Path(os.environ.get("EOSKB_SHARED", Path(__file__).resolve().parents[2] / ".." / "shared"))
CONTENT = Path(__file__).resolve().parents[2] / "content"
PANET = "http://purl.org/pan-science/PaNET/"


def panet_classes():
    """Every named PaNET class in PaNET.owl: local name → (label, altLabels, named parents)."""
    owl = (SHARED / "data/ontologies/panet/PaNET.owl").read_text()
    classes = {}
    for match in re.finditer(r'<owl:Class rdf:about="' + re.escape(PANET) + r'([^"]+)">(.*?)\n    </owl:Class>',
                             owl, re.S):
        block = match.group(2)
        label = re.search(r"<rdfs:label>([^<]+)</rdfs:label>", block)
        classes[match.group(1)] = (
            label.group(1) if label else match.group(1),
            re.findall(r"<skos:altLabel>([^<]+)</skos:altLabel>", block),
            re.findall(r'<rdfs:subClassOf rdf:resource="' + re.escape(PANET) + r'([^"]+)"/>', block))
    return classes


def panet_class(local):
    """Label, altLabels and named parents of a PaNET class, from PaNET.owl."""
    return panet_classes()[local]


def content_terms():
    """Each bundled article's id → the terms (CURIEs) its front matter lists."""
    articles = {}
    for path in sorted(CONTENT.rglob("*.md")):
        text = path.read_text()
        ident = re.search(r"^id: *(\S+)", text, re.M)
        terms = re.search(r"^terms: *\[([^\]]*)\]", text, re.M)
        if ident and terms:
            articles[ident.group(1)] = [t.strip() for t in terms.group(1).split(",") if t.strip()]
    return articles
AXE_SOURCE = Path(os.environ["EOSKB_AXE"]).read_text() if os.environ.get("EOSKB_AXE") else None


def accessibility(driver, name):
    """Runs axe-core on the page as it is now; serious and critical violations fail."""
    if AXE_SOURCE is None:
        check(f"{name}: axe-core is available", False, "EOSKB_AXE is not set")
        return
    driver.execute_script(AXE_SOURCE)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))))"
        ".catch(e => done([{id: 'axe failed: ' + e, impact: 'critical', nodes: 0}]));")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    check(f"{name}: no serious or critical accessibility violations", not bad, str(bad))
    AXE_RESULTS[name] = result


AXE_RESULTS = {}


FIGURES = {}


def figure(name, value, unit=""):
    """Records a measured figure and prints it as one line of the run's table."""
    FIGURES[name] = value
    print(f"figure: {name}: {value}{' ' + unit if unit else ''}")


def page_weight(driver):
    """Bytes of the page and everything it loaded, from Resource Timing: bodies as
    decoded (the server does not compress, so this is what crosses the wire
    less the headers), counted whether or not the browser had them cached, so
    the figure is a first visit's."""
    return driver.execute_script(
        "const n = performance.getEntriesByType('navigation')[0];"
        "return (n ? n.decodedBodySize : 0) + performance.getEntriesByType('resource')"
        ".reduce((sum, r) => sum + r.decodedBodySize, 0);")


def median_time_to(driver, url, css, mark=None, runs=20):
    """Median milliseconds from navigation start until `css` is on the page (or,
    with `mark`, until the page's script set that performance mark), over `runs` loads."""
    times = []
    for _ in range(runs):
        driver.get(url)
        wait_for(driver, css)
        if mark:
            ms = driver.execute_script(
                f"const m = performance.getEntriesByName('{mark}'); return m.length ? m[0].startTime : null;")
        else:
            ms = driver.execute_script("return performance.now()")
        if ms is not None:
            times.append(ms)
    times.sort()
    return times[len(times) // 2] if times else None
