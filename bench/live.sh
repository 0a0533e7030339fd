#!/usr/bin/env bash
# npm run bench:live: see bench/live.ts.
# Holds the machine-wide lock for heavy work (/tmp/newsroom-heavy.lock): taken
# here unless a caller already holds it (`flock /tmp/newsroom-heavy.lock npm run bench:live`).
set -euo pipefail
export PATH="$PATH:/usr/sbin"
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  echo "bench:live needs wrk: apt-get install -y wrk" >&2
  exit 1
fi
source bench/heavy-lock.sh
run_under_heavy_lock "$0" "$@"
exec node --import tsx bench/live.ts
