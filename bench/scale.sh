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
source bench/heavy-lock.sh
run_under_heavy_lock "$0" "$@"
exec npx tsx bench/scale.ts
