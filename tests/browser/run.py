"""The web pages in a real browser (Debian's chromium, headless, driven by
selenium): what a visitor sees and can do, on a server indexing the bundled
content. Each `test_*.py` here has `run(desktop, small)`, given a desktop-sized
and a phone-sized browser. Screenshots of every page go to the folder given as
the second argument, for a person to look at.

    python tests/browser/run.py http://127.0.0.1:PORT target/screenshots

`BROWSER_TESTS=linked_data,terms` runs only the modules whose names contain
one of those words (as `BROWSER_TESTS=... bash scripts/browser-test.sh` does).
"""

import importlib
import json
import os
import sys
import traceback
from pathlib import Path

import common


def main():
    here = Path(__file__).parent
    modules = sorted(p.stem for p in here.glob("test_*.py"))
    wanted = [w for w in os.environ.get("BROWSER_TESTS", "").split(",") if w.strip()]
    if wanted:
        modules = [m for m in modules if any(w.strip() in m for w in wanted)]
        if not modules:
            sys.exit(f"no browser test module matches BROWSER_TESTS={os.environ['BROWSER_TESTS']}")
    desktop, small = common.browser(), common.browser(390, 844)
    try:
        for name in modules:
            print(f"# {name}")
            # Each module reads only the console messages of its own pages.
            for driver in (desktop, small):
                driver.get_log("browser")
            try:
                importlib.import_module(name).run(desktop, small)
            except Exception as error:  # one page kind failing must not hide the others
                traceback.print_exc()
                common.check(f"{name} ran to the end", False, repr(error))
    finally:
        desktop.quit()
        small.quit()
    print(json.dumps({"failures": common.FAILURES, "screenshots": str(common.SHOTS),
                      "accessibility": common.AXE_RESULTS, "figures": common.FIGURES}))
    sys.exit(1 if common.FAILURES else 0)


if __name__ == "__main__":
    main()
