#!/usr/bin/env python3
"""Term search latency of the OLS-compatible API against eoskb's own term API.

Usage: python3 scripts/ols-latency.py http://HOST:PORT [N]

Takes N (default 240, at least 200) queries from the labels of the loaded
ontologies (whole labels, first words and typed prefixes, picked evenly), sends
each to `/ols4/api/search?q=` and to `/api/terms?q=` (alternating which goes
first, one request at a time, keep-alive) and prints p50 and p99 per route in
milliseconds. Not run in CI; uses only the standard library.
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse

base = urllib.parse.urlsplit(sys.argv[1])
wanted = max(200, int(sys.argv[2]) if len(sys.argv) > 2 else 240)
connection = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=30)


def get(path):
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:200]!r}")
    return elapsed, json.loads(body)


# Labels of every loaded ontology's terms (first pages), via the OLS API itself.
_, ontologies = get("/ols4/api/ontologies?size=1000")
labels = []
for o in ontologies["_embedded"]["ontologies"]:
    _, terms = get(f"/ols4/api/ontologies/{o['ontologyId']}/terms?size=200")
    labels += [t["label"] for t in terms["_embedded"]["terms"] if t.get("label")]
labels = sorted(set(labels))
if not labels:
    raise SystemExit("no term labels: index some ontologies first")
candidates = []
for label in labels:
    words = label.split()
    candidates += [label, words[0], label[: max(3, len(label) // 2)]]
step = max(1, len(candidates) // wanted)
queries = candidates[::step][:wanted]
while len(queries) < wanted:
    queries += queries[: wanted - len(queries)]

routes = {
    "/ols4/api/search": lambda q: f"/ols4/api/search?q={urllib.parse.quote(q)}&rows=10",
    "/api/terms": lambda q: f"/api/terms?q={urllib.parse.quote(q)}&limit=10",
}
timings = {name: [] for name in routes}
# One warm-up round (the OLS API reads its term table on first use).
for build in routes.values():
    get(build(queries[0]))
for i, q in enumerate(queries):
    order = list(routes.items())
    if i % 2:
        order.reverse()
    for name, build in order:
        elapsed, _ = get(build(q))
        timings[name].append(elapsed)

print(f"{len(queries)} queries per route, one at a time, {base.netloc}")
for name, ms in timings.items():
    ms.sort()
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    print(f"{name:20} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
