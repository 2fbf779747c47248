#!/usr/bin/env bash
# What each group of dependencies adds to a clean release build, in CPU seconds
# of rustc (robust to a busy machine, unlike wall time): a clean build into a
# scratch target directory with a rustc wrapper that records each compilation's
# CPU time, then, from `cargo metadata`, the crates only that group needs.
#
#   bash scripts/dependency-cost.sh          # 10-20 minutes on two cores
#   bash scripts/dependency-cost.sh LOG      # only the analysis, on a log kept before
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO="${CARGO:-cargo}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LOG="${1:-}"
if [ -z "$LOG" ]; then
  LOG="$WORK/rustc-cpu.log"
  cat > "$WORK/rustc-wrapper" <<'WRAP'
#!/usr/bin/env bash
# Runs rustc and appends "<package> <crate> <user s> <system s>" to $EOSKB_RUSTC_LOG.
rustc="$1"; shift
name=""; prev=""
for a in "$@"; do [ "$prev" = "--crate-name" ] && name="$a"; prev="$a"; done
times=$(mktemp)
rc=0
/usr/bin/time -f "%U %S" -o "$times" "$rustc" "$@" || rc=$?
if [ -n "$name" ]; then echo "${CARGO_PKG_NAME:-?} $name $(tail -n1 "$times")" >> "$EOSKB_RUSTC_LOG"; fi
rm -f "$times"
exit $rc
WRAP
  chmod +x "$WORK/rustc-wrapper"
  echo "clean release build into $WORK/target (this takes a while)"
  EOSKB_RUSTC_LOG="$LOG" RUSTC_WRAPPER="$WORK/rustc-wrapper" CARGO_TARGET_DIR="$WORK/target" \
    $CARGO build --release --locked --quiet
fi
$CARGO metadata --locked --format-version 1 > "$WORK/metadata.json"
python3 scripts/dependency_cost.py "$WORK/metadata.json" "$LOG"
