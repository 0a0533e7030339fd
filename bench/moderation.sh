#!/usr/bin/env bash
# npm run bench:moderation: see bench/moderation.ts.
# react-server conditions: the app's server-only modules are imported in process.
# Holds the machine-wide lock for heavy work (/tmp/newsroom-heavy.lock): taken
# here unless a caller already holds it (`flock /tmp/newsroom-heavy.lock npm run bench:moderation`).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/heavy-lock.sh
run_under_heavy_lock "$0" "$@"
exec npx tsx --conditions=react-server bench/moderation.ts
