#!/usr/bin/env bash
# `npm run test:all`: install what the tests need (npm packages, Debian's
# Chromium when missing), then typecheck, run the unit and integration tests
# (vitest), build the production app and run the end-to-end tests (Playwright).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
set -e

ensure_node_modules

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "==> Installing Debian's Chromium for the end-to-end tests"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

mkdir -p .tmp
rm -f .tmp/vitest.json .tmp/playwright.json

echo "==> Typecheck"
npx tsc --noEmit

set +e
echo "==> Unit and integration tests (vitest)"
npx vitest run
vitest_status=$?

echo "==> Production build"
npm run build
build_status=$?

e2e_status=1
if [ "$build_status" -eq 0 ]; then
  echo "==> End-to-end tests (Playwright, Chromium)"
  npx playwright test
  e2e_status=$?
fi
set -e

node scripts/test-summary.mjs
if [ "$vitest_status" -ne 0 ] || [ "$build_status" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  echo "FAILED (vitest: $vitest_status, build: $build_status, e2e: $e2e_status)" >&2
  exit 1
fi
