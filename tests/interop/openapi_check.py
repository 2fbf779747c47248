"""The OpenAPI description against a running server, with tools nobody here wrote.

1. openapi-spec-validator: /api/openapi.json is a valid OpenAPI 3.1 document.
2. schemathesis: every operation, with generated valid and invalid requests
   (a fixed seed and a bounded number of cases per operation), answers without
   a server error, with a documented status code, content type and headers,
   and a body its schema accepts. The admin routes are included: the server has
   no admin token, so they are the documented 404s.

Usage: openapi_check.py BASE_URL   (e.g. http://127.0.0.1:8080)
"""

import json
import subprocess
import sys
import tempfile
import time
import urllib.request

from openapi_spec_validator import validate

BASE = sys.argv[1].rstrip("/")
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
# Cases per operation and the time the whole run may take: about 20 s for the
# 45 operations on 2 cores.
MAX_EXAMPLES = "20"
TIME_LIMIT = 200


def fail(message):
    print(f"FAIL: openapi: {message}")
    sys.exit(1)


with urllib.request.urlopen(f"{BASE}/api/openapi.json", timeout=10) as r:
    document = json.load(r)
if document.get("openapi") != "3.1.0":
    fail(f"openapi is {document.get('openapi')!r}, not 3.1.0")
try:
    validate(document)
except Exception as e:  # the validator's own error types vary by version
    fail(f"the document is not valid OpenAPI 3.1: {e}")
operations = sum(len(item) for item in document["paths"].values())
print(f"ok: openapi-spec-validator: a valid OpenAPI 3.1 document, {operations} operations")

command = [
    sys.executable,
    "-c",
    "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
    "run",
    f"{BASE}/api/openapi.json",
    "--url",
    BASE,
    "--checks",
    CHECKS,
    "--max-examples",
    MAX_EXAMPLES,
    "--seed",
    "17",
    "--request-timeout",
    "30",
    "--generation-database",
    "none",
    "--no-color",
]
started = time.monotonic()
try:
    # schemathesis keeps a cache (.schemathesis/) in its working directory:
    # a throw-away one, not the checkout.
    with tempfile.TemporaryDirectory() as cwd:
        run = subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT, cwd=cwd)
except subprocess.TimeoutExpired:
    fail(f"schemathesis took longer than {TIME_LIMIT} s")
took = time.monotonic() - started
output = run.stdout + run.stderr
if run.returncode != 0:
    print(output[-12000:])
    fail(f"schemathesis found failures (exit {run.returncode})")
generated = next((line.strip() for line in output.splitlines() if " generated, " in line), "")
if not generated or "failed" in generated or "error" in generated:
    print(output[-12000:])
    fail(f"schemathesis ran no clean cases: {generated!r}")
print(f"ok: schemathesis ({CHECKS}), every operation, {generated}, {took:.0f} s")
