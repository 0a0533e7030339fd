#!/usr/bin/env bash
# `npm run test:all`: install what the tests need (npm packages, Debian's
# Chromium and PostgreSQL when missing), then typecheck, run the unit and integration tests
# (vitest), build the production app and run the end-to-end tests (Playwright).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
set -e

ensure_node_modules
ensure_postgres

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
# nginx: the two-instance end-to-end test puts it in front of the app (its own config, a loopback port).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> Installing Debian's ${missing[*]} for the end-to-end tests"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
export PATH="$PATH:/usr/sbin"

mkdir -p .tmp
rm -f .tmp/vitest.json .tmp/vitest-pg.json .tmp/playwright.json

echo "==> Typecheck"
npx tsc --noEmit

echo "==> Lint (promises nobody awaits)"
npm run lint

set +e
echo "==> Unit and integration tests on SQLite (vitest)"
env -u TEST_DATABASE_URL npx vitest run --outputFile.json=.tmp/vitest.json
vitest_status=$?

echo "==> Integration tests on PostgreSQL (vitest, one database per test file)"
npx vitest run tests/integration --outputFile.json=.tmp/vitest-pg.json
vitest_pg_status=$?

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
if [ "$vitest_status" -ne 0 ] || [ "$vitest_pg_status" -ne 0 ] || [ "$build_status" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  echo "FAILED (vitest: $vitest_status, vitest on PostgreSQL: $vitest_pg_status, build: $build_status, e2e: $e2e_status)" >&2
  exit 1
fi
