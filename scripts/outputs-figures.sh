#!/usr/bin/env bash
# Figures for the research outputs (records, PDFs, training, software) on this
# machine, all in one run:
#   - ingest throughput: every file under ../shared/data/outputs read and
#     indexed without embedding (items/s, records/s, PDF pages/s);
#   - the index they add: the bundled content with and without them (with the
#     embedding model), generation sizes;
#   - hybrid search and ask latency over HTTP, one connection, on each of the
#     two indexes (p50/p99 and the ratio).
#
#   bash scripts/outputs-figures.sh            # 10 s per latency scenario
#   DURATION=30 bash scripts/outputs-figures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
SHARED="${EOSKB_SHARED:-../shared}"
OUTPUTS="$SHARED/data/outputs"
CARGO="${CARGO:-cargo}"
[ -d "$OUTPUTS" ] || { echo "FAIL: $OUTPUTS not found: these figures need ../shared beside the repository"; exit 1; }
[ -f models/all-MiniLM-L6-v2/model.safetensors ] || { echo "FAIL: no model installed (make setup)"; exit 1; }
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

seconds() { python3 -c 'import time; print(time.monotonic())'; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
size_mb() { du -sk "$1" | python3 -c 'import sys; print(f"{int(sys.stdin.read().split()[0]) / 1024:.1f}")'; }
generation() { find "$1" -maxdepth 1 -name 'gen-*' -type d | sort | tail -1; }

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"

# 1. Ingest alone: read, sectioned and written, without embedding.
records=$(find "$OUTPUTS" -type f \( -name '*.json' -o -name '*.xml' -o -name '*.cff' -o -name '*.jsonld' \) | wc -l)
pdfs=$(find "$OUTPUTS" -type f -name '*.pdf' | wc -l)
start=$(seconds)
$BIN --model none --data "$WORK/ingest" index --content "$OUTPUTS" --ontology ontologies --json > "$WORK/ingest.json" 2>"$WORK/ingest.log"
took=$(elapsed "$start" "$(seconds)")
python3 - "$WORK/ingest.json" "$took" "$records" "$pdfs" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
took, records, pdfs = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
items = report.get("articles", 0)
print(f"ingest (no embedding): {items} items from {records} record/metadata files and {pdfs} PDFs "
      f"in {took:.2f} s = {items / took:.0f} items/s (ontologies included in the time)")
PY

# 2. The index the outputs add, embedded.
$BIN --data "$WORK/base" index --content content --ontology ontologies >"$WORK/base.out" 2>"$WORK/base.log"
start=$(seconds)
$BIN --data "$WORK/with" index --content content --content "$OUTPUTS" --ontology ontologies >"$WORK/with.out" 2>"$WORK/with.log"
took=$(elapsed "$start" "$(seconds)")
base_mb=$(size_mb "$(generation "$WORK/base")")
with_mb=$(size_mb "$(generation "$WORK/with")")
echo "index: content only $base_mb MB; content + outputs $with_mb MB (built with embeddings in $took s)"
grep -h 'published' "$WORK/base.out" "$WORK/with.out" | sed 's/.*published/  published/' || true

# 3. Hybrid and ask latency, one connection, on each index.
python3 - "$WORK" <<'PY'
import sys, urllib.parse as u
work = sys.argv[1]
queries = [q.strip() for q in open("scripts/load-queries.txt") if q.strip()]
open(f"{work}/hybrid.paths", "w").write("\n".join(f"/api/search?q={u.quote(q)}" for q in queries) + "\n")
open(f"{work}/ask.paths", "w").write("\n".join(f"/api/ask?q={u.quote(q)}" for q in queries) + "\n")
PY
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_healthy() {
  for _ in $(seq 1 300); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "FAIL: the server at $1 did not start"; exit 1
}
latency() { # data-dir scenario
  local p; p=$(port)
  $BIN --data "$1" serve --no-query-log --addr "127.0.0.1:$p" 2>>"$WORK/serve.log" &
  local pid=$!
  wait_healthy "http://127.0.0.1:$p"
  LOAD_PATHS="$WORK/$2.paths" wrk -t1 -c1 -d"${DURATION}s" --timeout 10s --latency \
    -s scripts/load.lua "http://127.0.0.1:$p" | grep '^RESULT' | sed 's/^RESULT //'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for scenario in hybrid ask; do
  a=$(latency "$WORK/base" "$scenario")
  b=$(latency "$WORK/with" "$scenario")
  echo "$scenario, content only:      $a"
  echo "$scenario, content + outputs: $b"
  python3 -c "
import re, sys
p50 = lambda s: float(re.search(r'p50_ms=([0-9.]+)', s).group(1))
a, b = p50(sys.argv[1]), p50(sys.argv[2])
print(f'$scenario p50 with outputs / without: {b / a:.2f}')" "$a" "$b"
done
echo "PDF pages/s: cargo bench --bench pdf (criterion's throughput line)"
