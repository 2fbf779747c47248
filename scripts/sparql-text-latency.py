#!/usr/bin/env python3
"""Full-text search latency inside SPARQL against the same search through the API.

Usage: python3 scripts/sparql-text-latency.py http://HOST:PORT [N] [LIMIT]

Sends N (default 240, at least 200) queries, the lines of
scripts/load-queries.txt in turn, as `SERVICE <urn:eoskb:search>` SPARQL
queries (`POST /sparql`, JSON results) and as `/api/search?mode=keyword`, both
with LIMIT results (default 10), one request at a time on a kept-alive
connection, alternating which goes first; checks that both rank the same items
and prints p50 and p99 per route in milliseconds. Not run in CI; uses only the
standard library.
"""

import http.client
import json
import pathlib
import statistics
import sys
import time
import urllib.parse

base = urllib.parse.urlsplit(sys.argv[1])
wanted = max(200, int(sys.argv[2]) if len(sys.argv) > 2 else 240)
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10
lines = pathlib.Path(__file__).with_name("load-queries.txt").read_text(encoding="utf-8")
words = [line.strip() for line in lines.splitlines() if line.strip()]
queries = [words[i % len(words)] for i in range(wanted)]
connection = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=60)


def send(method, path, body=None, headers=None):
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
    return elapsed, json.loads(data)


def sparql(q):
    # Items only (guidance and outputs), as /api/search lists them.
    literal = json.dumps(q)
    query = f"""PREFIX search: <https://w3id.org/eoskb/search#>
SELECT ?item ?score WHERE {{
  SERVICE <urn:eoskb:search> {{
    ?item search:query {literal} ; search:limit {limit} ; search:kind ?kind ; search:score ?score }}
  FILTER(?kind != "term")
}} ORDER BY DESC(?score)"""
    elapsed, body = send(
        "POST",
        "/sparql",
        body=query.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    items = [b["item"]["value"].rsplit("/article/", 1)[1] for b in body["results"]["bindings"]]
    return elapsed, [urllib.parse.unquote(i) for i in items]


def api(q):
    params = urllib.parse.urlencode({"q": q, "mode": "keyword", "limit": limit})
    elapsed, body = send("GET", f"/api/search?{params}")
    return elapsed, [h["id"] for h in body["hits"]]


routes = {"SPARQL SERVICE search": sparql, "/api/search keyword": api}
timings = {name: [] for name in routes}
# One warm-up round each (a SPARQL worker loads the generation on first use).
for run in routes.values():
    run(queries[0])
disagreements = 0
for i, q in enumerate(queries):
    order = list(routes.items())
    if i % 2:
        order.reverse()
    ids = {}
    for name, run in order:
        elapsed, ids[name] = run(q)
        timings[name].append(elapsed)
    a, b = ids.values()
    # Equal scores may come in either order: compare the items ranked.
    if sorted(a) != sorted(b):
        disagreements += 1

print(f"{len(queries)} queries per route, limit {limit}, one at a time, {base.netloc}")
for name, ms in timings.items():
    ms.sort()
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    print(f"{name:24} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
print(f"queries whose items differ between the routes: {disagreements}")
if disagreements:
    raise SystemExit(1)
