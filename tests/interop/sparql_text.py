"""Full-text search inside SPARQL through SPARQLWrapper, a client nobody here wrote.

Usage: python tests/interop/sparql_text.py http://HOST:PORT/sparql

Runs a `SERVICE <urn:eoskb:search>` query joined with the articles' subjects,
checks that its ranking is /api/search?mode=keyword's, and that another
SERVICE is refused with a JSON 400.
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

endpoint = sys.argv[1]
site = endpoint.rsplit("/sparql", 1)[0]
PREFIXES = """PREFIX search: <https://w3id.org/eoskb/search#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

w = SPARQLWrapper(endpoint)
w.setReturnFormat(JSON)
w.setQuery(PREFIXES + """SELECT ?id ?score ?rank WHERE {
  SERVICE <urn:eoskb:search> {
    ?item search:query "embargo period" ; search:kind "article" ; search:limit 20 ;
          search:score ?score ; search:rank ?rank }
  ?item dcterms:identifier ?id
} ORDER BY ?rank""")
rows = w.query().convert()["results"]["bindings"]
ids = [r["id"]["value"] for r in rows]
assert ids, "no article matches 'embargo period'"
assert [int(r["rank"]["value"]) for r in rows] == list(range(1, len(rows) + 1)), rows
assert rows[0]["score"]["datatype"] == "http://www.w3.org/2001/XMLSchema#double", rows[0]

query = urllib.parse.urlencode({"q": "embargo period", "mode": "keyword", "limit": 20})
with urllib.request.urlopen(f"{site}/api/search?{query}", timeout=30) as response:
    hits = json.load(response)["hits"]
# The articles among the API's 20 best are the SPARQL list's first ones.
expected = [h["id"] for h in hits if not h["id"].startswith("doi/")]
assert expected and ids[: len(expected)] == expected, (ids, expected)
print("ok: SPARQLWrapper SERVICE <urn:eoskb:search> joined, in /api/search's order:", ids[:3])

w.setQuery("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
try:
    w.query()
    raise AssertionError("another SERVICE was answered")
except QueryBadFormed as e:
    assert "unsupported" in str(e), e
print("ok: SPARQLWrapper other SERVICE refused (400)")
