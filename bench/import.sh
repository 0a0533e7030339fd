#!/usr/bin/env bash
# npm run bench:import: see bench/import.ts. Holds the machine-wide lock for
# heavy work (/tmp/newsroom-heavy.lock) unless a caller already holds it.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/heavy-lock.sh
run_under_heavy_lock "$0" "$@"
exec npx tsx --conditions=react-server bench/import.ts
