#!/usr/bin/env bash
# Embedding throughput, eoskb (candle) against sentence-transformers on PyTorch,
# side by side on the same machine and the same texts (the first 64 SciFact
# abstracts, title + text, batch 32). Prints both rates and their ratio.
# The peer runs in a virtualenv (target/peer-venv) with torch from PyPI (large).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/bench/beir/scifact/corpus.jsonl
[ -f "$corpus" ] || { echo "SKIPPED: $corpus not found"; exit 0; }
bash scripts/setup-model.sh
venv=${PEER_VENV:-target/peer-venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet sentence-transformers torch
fi
peer=$("$venv/bin/python" scripts/peer_embed_throughput.py "$corpus" models/all-MiniLM-L6-v2 --n 64 | tail -1)
cargo bench --bench embedding -- 'embed/scifact_64' 2>&1 | tee target/bench-embedding.log | grep -E "thrpt|time:" || true
# criterion prints `thrpt:  [low elem/s median elem/s high elem/s]`: take the median.
ours=$(grep -A2 "embed/scifact_64" target/bench-embedding.log | grep -m1 thrpt | awk '{print $4}')
python3 - "$peer" "$ours" <<'PY'
import json, sys
peer = json.loads(sys.argv[1]); ours = float(sys.argv[2] or "nan")
print(f"peer  {peer['system']}: {peer['texts_per_s']:.1f} texts/s")
print(f"eoskb candle:            {ours:.1f} texts/s")
print(f"ratio eoskb/peer: {ours / peer['texts_per_s']:.2f}")
PY
