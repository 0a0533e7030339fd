#!/usr/bin/env bash
# npm run bench:scale: see bench/scale.ts. Holds the machine-wide lock for
# heavy work (/tmp/newsroom-heavy.lock) unless a caller already holds it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"
for tool in wrk nginx; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench:scale needs $tool: apt-get install -y $tool" >&2
    exit 1
  fi
done
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
exec npx tsx bench/scale.ts
