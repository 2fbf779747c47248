#!/usr/bin/env bash
# The web pages in a real browser: Debian's chromium and chromedriver (installed
# here if missing), driven by selenium from PyPI (in target/venv), against
# `eoskb serve` over the bundled content/ and ontologies/. Screenshots land in
# target/screenshots/ for a person to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO="${CARGO:-cargo}"
SELENIUM="selenium==4.27.1"
AXE="axe-core@4.10.2"
SHARED="${EOSKB_SHARED:-../shared}"

unavailable() {
  if [ -n "${CI:-}" ]; then echo "FAIL: $1; in CI the browser tests must run"; exit 1; fi
  echo "SKIPPED: $1; the browser tests need chromium and chromedriver"
  exit 0
}
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="false"; fi
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "browser: installing chromium and chromium-driver (Debian packages)"
  [ "$SUDO" = false ] && unavailable "not root and no sudo to install chromium"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
    || unavailable "apt-get could not install chromium"
fi

# axe-core (the accessibility checker the tests inject into each page), from npm.
if [ ! -f target/npm/node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null; then
    echo "browser: installing npm (Debian package)"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null \
      || unavailable "apt-get could not install npm"
  fi
  npm install --silent --no-audit --no-fund --prefix target/npm "$AXE" >/dev/null \
    || unavailable "npm could not install $AXE"
fi
export EOSKB_AXE="$PWD/target/npm/node_modules/axe-core/axe.min.js"

# selenium, installed once (target/venv is shared with other scripts).
if [ -x target/venv/bin/python ] || python3 -m venv target/venv >/dev/null 2>&1; then
  PY=target/venv/bin/python
  $PY -c 'import selenium' 2>/dev/null \
    || target/venv/bin/pip install --quiet --disable-pip-version-check "$SELENIUM"
else
  rm -rf target/venv
  PY=python3
  [ -d target/pylib/selenium ] \
    || python3 -m pip install --quiet --disable-pip-version-check --target target/pylib "$SELENIUM"
  export PYTHONPATH="$PWD/target/pylib"
fi

# EOSKB_PROFILE=release serves from the release build (built here), so that the
# figures printed (times, weights) are a release server's; debug by default.
case "${EOSKB_PROFILE:-debug}" in
  debug) $CARGO build --locked --quiet --bin eoskb; BIN=target/debug/eoskb ;;
  release) $CARGO build --release --locked --quiet --bin eoskb; BIN=target/release/eoskb ;;
  *) echo "FAIL: EOSKB_PROFILE is '$EOSKB_PROFILE'; it may be debug or release"; exit 1 ;;
esac
echo "browser: serving with $BIN"
WORK=$(mktemp -d)
SERVER=""
PLAIN=""
cleanup() {
  for pid in $SERVER $PLAIN; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The term pages are tested on real ontologies: PaNET, EDAM and NeXus.
ONTOLOGIES=(--ontology ontologies)
if [ -d "$SHARED/data/ontologies/panet" ]; then
  for name in panet edam nexus; do ONTOLOGIES+=(--ontology "$SHARED/data/ontologies/$name"); done
  export EOSKB_SHARED_ONTOLOGIES=1
elif [ -n "${CI:-}" ]; then
  echo "FAIL: $SHARED/data/ontologies not found; in CI the term pages must be tested"; exit 1
else
  echo "note: $SHARED/data/ontologies not found; the term-page tests are skipped"
fi
$BIN --data "$WORK/data" index --content content "${ONTOLOGIES[@]}" >/dev/null 2>"$WORK/index.log" \
  || { cat "$WORK/index.log"; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The curators' page is on for a token made up for this run; the tests sign in with it.
EOSKB_TEST_ADMIN_TOKEN="test-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
export EOSKB_TEST_ADMIN_TOKEN
EOSKB_ADMIN_TOKEN="$EOSKB_TEST_ADMIN_TOKEN" $BIN --data "$WORK/data" serve --addr "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SERVER=$!
# The same index served without the embedding model: the pages must still work.
PLAIN_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$BIN --data "$WORK/data" --model none serve --addr "127.0.0.1:$PLAIN_PORT" 2>"$WORK/serve-plain.log" &
PLAIN=$!
export EOSKB_NO_MODEL_BASE="http://127.0.0.1:$PLAIN_PORT"
for port in "$PORT" "$PLAIN_PORT"; do
  for _ in $(seq 1 300); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
done
rm -rf target/screenshots
$PY tests/browser/run.py "http://127.0.0.1:$PORT" target/screenshots
