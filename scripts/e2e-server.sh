#!/usr/bin/env bash
# Starts the production build for the end-to-end tests on a fresh database:
# migrated, seeded (the sample article plus e2e/fixtures/articles), with the
# minimum-time and flood defences off (browsers driven by tests are fast and
# all come from 127.0.0.1; integration tests cover both defences).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .next/BUILD_ID ]; then
  echo "No production build: run 'npm run build' first." >&2
  exit 1
fi
rm -rf .tmp/e2e
mkdir -p .tmp/e2e
npx tsx --conditions=react-server scripts/db-seed.ts
npx tsx --conditions=react-server scripts/db-seed.ts e2e/fixtures/articles
# Sign-in limit (per account from one address) lowered so the rate-limit test needs few attempts.
npx tsx --conditions=react-server scripts/settings.ts set minSubmitSeconds=0 floodSeconds=0 signInMaxPerAccountAndIp=3 signInMaxPerIp=100
exec node --max-old-space-size=256 scripts/server.mjs
