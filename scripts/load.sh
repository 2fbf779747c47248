#!/usr/bin/env bash
# Load test on 127.0.0.1: wrk (Debian's package, installed here if missing)
# drives keyword search, hybrid search, ask, term search and SPARQL at 64
# connections against `eoskb serve` over content/, ontologies/ and, when present,
# ../shared's ontologies; then keyword search in-process on the same data for the
# same time (benches/throughput.rs), and the ratio of the two; then keyword and
# hybrid search once more against `serve --watch` while files under its content
# folder are edited, added and removed. Prints req/s, p50/p99 and counts of 2xx,
# 503 (busy: the bounded queues refusing work on purpose) and failures.
#
#   bash scripts/load.sh            # 15 s per scenario
#   DURATION=30 bash scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-15}"
CONNECTIONS="${CONNECTIONS:-64}"
SHARED="${EOSKB_SHARED:-../shared}"
CARGO="${CARGO:-cargo}"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
$CARGO build --release --locked --quiet --bin eoskb
BIN=target/release/eoskb

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

ONTOLOGIES=(--ontology ontologies)
[ -d "$SHARED/data/ontologies" ] && ONTOLOGIES+=(--ontology "$SHARED/data/ontologies")
MODEL=()
SEMANTIC=1
if [ ! -f models/all-MiniLM-L6-v2/model.safetensors ]; then
  echo "no model installed (make setup): hybrid and ask are skipped"
  MODEL=(--model none); SEMANTIC=0
fi
echo "indexing content/ and ${ONTOLOGIES[*]}"
$BIN "${MODEL[@]}" --data "$WORK/data" index --content content "${ONTOLOGIES[@]}" >/dev/null 2>"$WORK/index.log"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_healthy() {
  for _ in $(seq 1 300); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "FAIL: the server at $1 did not start"; exit 1
}

# Request paths per scenario, one per line.
python3 - "$WORK" <<'PY'
import sys, urllib.parse as u
work = sys.argv[1]
queries = [q.strip() for q in open("scripts/load-queries.txt") if q.strip()]
def write(name, paths):
    with open(f"{work}/{name}.paths", "w") as f:
        f.write("\n".join(paths) + "\n")
write("keyword", [f"/api/search?mode=keyword&q={u.quote(q)}" for q in queries])
write("hybrid", [f"/api/search?q={u.quote(q)}" for q in queries])
write("ask", [f"/api/ask?q={u.quote(q)}" for q in queries])
# What autocomplete sends while someone types: growing prefixes.
write("terms", [f"/api/terms?q={u.quote(q[:n])}" for q in queries for n in (3, 6, len(q)) if len(q) >= n])
sparql = [
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { <http://purl.org/pan-science/PaNET/PaNET01188> rdfs:label ?label }",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?c WHERE { ?c rdfs:subClassOf <http://purl.org/pan-science/PaNET/PaNET01124> }",
    "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?a ?t WHERE { ?a dcterms:title ?t } LIMIT 20",
    "ASK { ?s ?p ?o }",
]
write("sparql", [f"/sparql?query={u.quote(q)}" for q in sparql])
PY

# One scenario: prints its line and keeps the RESULT line in $WORK/<name>.result.
# Statuses are split into ok/busy/failed (see scripts/load.lua) unless the
# scenario sets STATUSES=total.
run() { # name base
  LOAD_STATUSES="${STATUSES:-split}" LOAD_PATHS="$WORK/$1.paths" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
    -s scripts/load.lua "$2" > "$WORK/$1.out" 2>&1 || { cat "$WORK/$1.out"; exit 1; }
  grep '^RESULT' "$WORK/$1.out" > "$WORK/$1.result"
  printf '%-10s %s\n' "$1" "$(sed 's/^RESULT //' "$WORK/$1.result")"
}
value() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$WORK/$1.result"; }

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $CONNECTIONS connections, ${DURATION}s per scenario"

# In-process first, on an idle machine.
EOSKB_LOAD_DATA="$WORK/data" EOSKB_LOAD_SECONDS="$DURATION" \
  $CARGO bench --locked --bench throughput > "$WORK/inprocess.out" 2>&1 \
  || { cat "$WORK/inprocess.out"; exit 1; }
grep '^RESULT' "$WORK/inprocess.out" > "$WORK/inprocess.result"
printf '%-10s %s\n' "in-process" "$(sed 's/^RESULT in-process keyword: //' "$WORK/inprocess.result")"

PORT=$(port)
$BIN "${MODEL[@]}" --data "$WORK/data" serve --no-query-log --addr "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
PIDS+=($!)
BASE="http://127.0.0.1:$PORT"
wait_healthy "$BASE"
# Warm the SPARQL workers and the term usage map.
curl -s -o /dev/null "$BASE/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D" || true

# Keyword search cannot be refused at 64 connections (max_running + max_queued
# is 264), so any non-2xx is a failure and the run needs no response hook.
STATUSES=total run keyword "$BASE"
http=$(value keyword req_s); inproc=$(value inprocess req_s)
python3 -c "import sys; h,i=float(sys.argv[1]),float(sys.argv[2]); print(f'keyword over HTTP: {h:.0f} req/s = {100*h/i:.0f} % of in-process {i:.0f} req/s')" "$http" "$inproc"
# Where the difference goes, in two measurements. (1) HTTP alone: a static
# asset about the size of a page of results, through the same router, layers
# and connections. (2) The search itself inside the server: one client at a
# time, so that nothing competes with it, reading the `took_ms` each response
# reports, against the same figure in-process.
echo /assets/app.js > "$WORK/static.paths"
STATUSES=total run static "$BASE"
python3 - "$BASE" "$WORK/keyword.paths" "$WORK/static.result" "$WORK/inprocess.result" "$(nproc)" <<'PY'
import http.client, json, re, sys, urllib.parse
base, paths, static, inproc, cores = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
figure = lambda file, name: float(re.search(name + r"=([0-9.]+)", open(file).read()).group(1))
url = urllib.parse.urlsplit(base)
connection = http.client.HTTPConnection(url.hostname, url.port)
connection.request("GET", "/assets/app.js")
static_bytes = len(connection.getresponse().read())
queries = [line.strip() for line in open(paths) if line.strip()]
took = []
for i in range(2000):
    connection.request("GET", queries[i % len(queries)])
    response = connection.getresponse()
    body = response.read()
    if response.status == 200:
        took.append(json.loads(body)["took_ms"])
served, alone = sum(took) / len(took), figure(inproc, "took_ms")
static_rps, inproc_rps = figure(static, "req_s"), figure(inproc, "req_s")
print(f"HTTP alone ({static_bytes} bytes of static asset): {static_rps:.0f} req/s, "
      f"{1e6 * cores / static_rps:.0f} µs of the {cores} cores per request")
print(f"the search itself: {1e3 * served:.0f} µs inside the server (one client at a time), "
      f"{1e3 * alone:.0f} µs in-process ({served / alone:.2f}x: the caches it shares with the HTTP work)")
# Core time per request, in-process and at best over HTTP (the search as it
# runs inside the server, plus HTTP alone; serialisation left out).
per_search = cores / inproc_rps
best = per_search * served / alone + cores / static_rps
print(f"so keyword over HTTP can reach at most about {100 * per_search / best:.0f} % of in-process here, "
      f"before any JSON is written")
PY
if [ "$SEMANTIC" = 1 ]; then run hybrid "$BASE"; run ask "$BASE"; fi
run terms "$BASE"
run sparql "$BASE"
echo "(503s are the bounded queues refusing work beyond their limits: [server] max_running + max_queued for search, ask and terms; 4 SPARQL evaluations at once)"

# Live re-index under load: serve --watch over a copy of content/ that changes.
cp -r content "$WORK/content"
WPORT=$(port)
$BIN "${MODEL[@]}" --data "$WORK/watched" serve --no-query-log --watch --content "$WORK/content" --ontology ontologies \
  --addr "127.0.0.1:$WPORT" 2>"$WORK/watch.log" &
PIDS+=($!)
WBASE="http://127.0.0.1:$WPORT"
wait_healthy "$WBASE"
cat "$WORK/keyword.paths" "$WORK/hybrid.paths" > "$WORK/live.paths"
[ "$SEMANTIC" = 1 ] || cp "$WORK/keyword.paths" "$WORK/live.paths"
(
  i=0
  end=$((SECONDS + DURATION))
  while [ $SECONDS -lt $end ]; do
    i=$((i + 1))
    target=$(find "$WORK/content" -name '*.md' | sort | sed -n "$(( (i % 20) + 1 ))p")
    [ -n "$target" ] && printf '\nEdited under load, round %d.\n' "$i" >> "$target"
    printf -- '---\ntitle: Load note %d\nsummary: Written while under load.\n---\nEmbargo and DOIs, round %d.\n' "$i" "$i" > "$WORK/content/load-note-$i.md"
    [ $i -gt 2 ] && rm -f "$WORK/content/load-note-$((i - 2)).md"
    sleep 0.5
  done
) &
EDITOR=$!
run live "$WBASE"
wait "$EDITOR"
runs=$(grep -c 'published\|serving' "$WORK/watch.log" || true)
echo "live re-index: $runs index generations published and served during the run"
failed=$(( $(value keyword failed) + $(value live failed) + $(value live socket_errors) ))
if [ "$failed" -ne 0 ]; then echo "FAIL: $failed failed requests"; exit 1; fi
echo "0 failed requests"
