#!/usr/bin/env bash
# Starts the production build for the end-to-end tests on a fresh database.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .next/BUILD_ID ]; then
  echo "No production build: run 'npm run build' first." >&2
  exit 1
fi
rm -rf .tmp/e2e
mkdir -p .tmp/e2e
exec npx next start --port "${PORT}" --hostname 127.0.0.1
