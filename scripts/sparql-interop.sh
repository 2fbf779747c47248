#!/usr/bin/env bash
# Interoperability: SPARQL clients nobody here wrote (Python's SPARQLWrapper and
# rdflib, and curl) query a running `eoskb serve` over the ontologies in
# ../shared/data/ontologies and the project's content/, and check what they parse;
# then the OLS client from PyPI (ols-client) uses the OLS-compatible API
# (tests/interop/ols_interop.py), the MCP SDK's clients (tests/interop/mcp_interop.py),
# and openapi-spec-validator and schemathesis check the OpenAPI description against
# the server (tests/interop/openapi_check.py).
# Needs only Python 3 with pip (PyPI reachable); uses target/venv, or falls back to
# `pip install --target` when the venv module is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${EOSKB_SHARED:-../shared}"
if [ ! -d "$SHARED/data/ontologies" ]; then
  if [ -n "${CI:-}" ]; then
    echo "FAIL: $SHARED/data/ontologies not found; in CI the SPARQL interoperability test must run"
    exit 1
  fi
  echo "SKIPPED: $SHARED/data/ontologies not found; the SPARQL interoperability test needs the shared data folder"
  exit 0
fi
CARGO="${CARGO:-cargo}"
$CARGO build --locked --quiet --bin eoskb
BIN=target/debug/eoskb

# Python clients, installed once (target/venv is shared with other scripts:
# ask it for these packages, not just whether it exists).
if [ -x target/venv/bin/python ] || python3 -m venv target/venv >/dev/null 2>&1; then
  PY=target/venv/bin/python
  $PY -c 'import SPARQLWrapper, rdflib, ols_client, extruct, pyld, openapi_spec_validator, schemathesis' 2>/dev/null \
    || target/venv/bin/pip install --quiet --disable-pip-version-check SPARQLWrapper rdflib ols-client extruct pyld openapi-spec-validator schemathesis
else
  rm -rf target/venv
  PY=python3
  [ -d target/pylib/SPARQLWrapper ] && [ -d target/pylib/rdflib ] && [ -d target/pylib/ols_client ] && [ -d target/pylib/extruct ] && [ -d target/pylib/pyld ] && [ -d target/pylib/schemathesis ] && [ -d target/pylib/openapi_spec_validator ] \
    || python3 -m pip install --quiet --disable-pip-version-check --target target/pylib SPARQLWrapper rdflib ols-client extruct pyld openapi-spec-validator schemathesis
  export PYTHONPATH="$PWD/target/pylib"
fi

WORK=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

$BIN --data "$WORK/data" index --content content --ontology "$SHARED/data/ontologies" --ontology ontologies >/dev/null 2>"$WORK/index.log"
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN --data "$WORK/data" serve --addr "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SERVER=$!
ENDPOINT="http://127.0.0.1:$PORT/sparql"
healthy() { $PY -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; }
for _ in $(seq 1 100); do healthy && break; sleep 0.1; done
healthy || { echo "FAIL: server did not start"; cat "$WORK/serve.log"; exit 1; }

fail() { echo "FAIL: $*"; exit 1; }
SELECT='PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { <http://purl.org/pan-science/PaNET/PaNET01188> rdfs:label ?label }'
CONSTRUCT='PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> CONSTRUCT { ?c rdfs:subClassOf <http://purl.org/pan-science/PaNET/PaNET01124> } WHERE { ?c rdfs:subClassOf <http://purl.org/pan-science/PaNET/PaNET01124> }'

# curl with every Accept type, checked by a parser for that type.
if command -v curl >/dev/null; then
check() { # accept query python-check
  local accept="$1" query="$2" code="$3"
  curl -sf -H "Accept: $accept" --data-urlencode "query=$query" "$ENDPOINT" -o "$WORK/out" \
    || fail "curl Accept: $accept"
  $PY - "$WORK/out" <<PYEOF || fail "curl Accept: $accept: unexpected body: $(head -c 300 "$WORK/out")"
import sys, json, csv, io
body = open(sys.argv[1], encoding="utf-8").read()
$code
PYEOF
  echo "ok: curl Accept: $accept"
}
check "application/sparql-results+json" "$SELECT" 'assert json.loads(body)["results"]["bindings"][0]["label"]["value"] == "small angle x-ray scattering"'
check "application/sparql-results+xml" "$SELECT" 'import xml.etree.ElementTree as E; assert "small angle x-ray scattering" in [e.text for e in E.fromstring(body).iter("{http://www.w3.org/2005/sparql-results#}literal")]'
check "text/csv" "$SELECT" 'rows = list(csv.reader(io.StringIO(body))); assert rows[0] == ["label"] and rows[1] == ["small angle x-ray scattering"], rows'
check "text/tab-separated-values" "$SELECT" 'lines = body.splitlines(); assert lines[0] == "?label" and lines[1].startswith("\"small angle x-ray scattering\""), lines'
for fmt in "text/turtle:turtle" "application/n-triples:nt" "application/rdf+xml:xml" "application/ld+json:json-ld"; do
  check "${fmt%%:*}" "$CONSTRUCT" "import rdflib; g = rdflib.Graph(); g.parse(data=body, format='${fmt##*:}'); assert (rdflib.URIRef('http://purl.org/pan-science/PaNET/PaNET01188'), rdflib.RDFS.subClassOf, rdflib.URIRef('http://purl.org/pan-science/PaNET/PaNET01124')) in g, len(g)"
done
code=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode 'update=INSERT DATA { <a:a> <a:b> <a:c> }' "$ENDPOINT")
[ "$code" = 403 ] || fail "update answered $code, not 403"
echo "ok: curl update refused with 403"
else
  echo "SKIPPED: curl not installed; the curl checks did not run"
fi

# SPARQLWrapper (JSON, XML, CSV, TSV, CONSTRUCT) and rdflib's SPARQLStore.
$PY - "$ENDPOINT" <<'PYEOF' || fail "SPARQLWrapper/rdflib"
import sys, csv, io
from SPARQLWrapper import SPARQLWrapper, JSON, XML, CSV, TSV, TURTLE, POST
endpoint = sys.argv[1]
join = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?id WHERE { ?a dcterms:subject ?t ; dcterms:identifier ?id .
  ?t rdfs:subClassOf* <http://purl.org/pan-science/PaNET/PaNET01124> } ORDER BY ?id"""
w = SPARQLWrapper(endpoint)
w.setQuery(join)
w.setReturnFormat(JSON)
ids = [b["id"]["value"] for b in w.query().convert()["results"]["bindings"]]
assert "what-is-panet" in ids, ids
print("ok: SPARQLWrapper JSON (join articles x PaNET hierarchy):", ids)
w.setReturnFormat(XML)
doc = w.query().convert()
assert "what-is-panet" in [n.firstChild.data for n in doc.getElementsByTagName("literal")]
print("ok: SPARQLWrapper XML")
for fmt in (CSV, TSV):
    w.setReturnFormat(fmt)
    text = w.query().convert().decode("utf-8")
    assert "what-is-panet" in text, text
    print("ok: SPARQLWrapper", fmt.upper())
w.setMethod(POST)
w.setReturnFormat(JSON)
w.setQuery("ASK { GRAPH <http://purl.org/pan-science/PaNET/PaNET.owl> { ?s ?p ?o } }")
assert w.query().convert()["boolean"] is True
print("ok: SPARQLWrapper POST ASK")
w.setQuery("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c rdfs:subClassOf <http://purl.org/pan-science/PaNET/PaNET01188> ; rdfs:label ?l }")
w.setReturnFormat(TURTLE)
import rdflib
g = rdflib.Graph()
g.parse(data=w.query().convert(), format="turtle")
assert len(g) >= 5, len(g)
print("ok: SPARQLWrapper CONSTRUCT Turtle,", len(g), "triples")
from rdflib.plugins.stores.sparqlstore import SPARQLStore
store = rdflib.Graph(store=SPARQLStore(endpoint))
n = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://purl.org/pan-science/PaNET/PaNET.owl> { ?s ?p ?o } }"))[0][0]
assert int(n) == 4371, n
print("ok: rdflib SPARQLStore count", int(n))
PYEOF

# Full-text search inside SPARQL (SERVICE <urn:eoskb:search>) through SPARQLWrapper.
$PY tests/interop/sparql_text.py "$ENDPOINT" || fail "text search in SPARQL"
# The OLS client, unmodified, with its base URL changed to eoskb's OLS API.
$PY tests/interop/ols_interop.py "http://127.0.0.1:$PORT/ols4/api" || fail "ols-client"
# The MCP SDK's clients (the `mcp` package): streamable HTTP on /mcp, and stdio launching `eoskb mcp`.
$PY -c 'import mcp' 2>/dev/null || if [ "$PY" = python3 ]; then python3 -m pip install --quiet --disable-pip-version-check --target target/pylib mcp; else target/venv/bin/pip install --quiet --disable-pip-version-check mcp; fi
$PY tests/interop/mcp_interop.py "http://127.0.0.1:$PORT/mcp" "$PWD/$BIN" "$WORK/data" || fail "mcp"
# The OpenAPI description: openapi-spec-validator, then schemathesis on every operation.
$PY tests/interop/openapi_check.py "http://127.0.0.1:$PORT" || { tail -20 "$WORK/serve.log"; fail "openapi"; }
# Linked data: the IRIs are minted at index time under `base_iri`, so a second
# index and server (keyword-only, quicker) whose base IRI is its own address;
# extruct, pyld and rdflib read what its IRIs answer.
LD_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{ echo "base_iri = \"http://127.0.0.1:$LD_PORT/\""; grep -v '^base_iri' eoskb.toml; } >"$WORK/linked-data.toml"
LD=(--model none --config "$WORK/linked-data.toml" --data "$WORK/ld-data")
$BIN "${LD[@]}" index --content content --ontology ontologies >/dev/null 2>"$WORK/ld-index.log"
$BIN "${LD[@]}" serve --addr "127.0.0.1:$LD_PORT" 2>"$WORK/ld-serve.log" &
LD_SERVER=$!
trap 'kill "$LD_SERVER" 2>/dev/null || true; wait "$LD_SERVER" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 100); do $PY -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "http://127.0.0.1:$LD_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
$PY tests/interop/linked_data.py "http://127.0.0.1:$LD_PORT/" || { tail -20 "$WORK/ld-serve.log"; fail "linked data"; }
echo "sparql-interop: all checks passed"
