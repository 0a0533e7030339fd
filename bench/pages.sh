#!/usr/bin/env bash
# npm run bench:pages: see bench/pages.ts.
# Holds the machine-wide lock for heavy work (/tmp/newsroom-heavy.lock): taken
# here unless a caller already holds it (`flock /tmp/newsroom-heavy.lock npm run bench:pages`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  echo "bench:pages needs wrk: apt-get install -y wrk" >&2
  exit 1
fi
LOCK=/tmp/newsroom-heavy.lock
held_by_caller() {
  local pid=$PPID
  while [ "${pid:-0}" -gt 1 ]; do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "flock.*$LOCK"; then return 0; fi
    pid=$(sed -E 's/^.*\) . ([0-9]+) .*$/\1/' "/proc/$pid/stat" 2>/dev/null || echo 0)
  done
  return 1
}
if ! held_by_caller; then
  echo "Waiting for $LOCK..." >&2
  exec flock "$LOCK" bash "$0" "$@"
fi
exec npx tsx bench/pages.ts
