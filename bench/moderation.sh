#!/usr/bin/env bash
# npm run bench:moderation: see bench/moderation.ts.
# react-server conditions: the app's server-only modules are imported in process.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx tsx --conditions=react-server bench/moderation.ts
