#!/usr/bin/env bash
# `npm run test:all`: install what the tests need (npm packages, Debian's
# Chromium, nginx and PostgreSQL when missing), then run every check and test:
#   1. typecheck and lint, side by side;
#   2. the unit and integration tests (vitest) on SQLite and on PostgreSQL, side by side
#      (each run has its own folder and databases: tests/support/paths.ts);
#   3. the production build (once; the type check it would repeat is skipped);
#   4. the end-to-end tests (Playwright, Chromium) in parallel workers, each
#      with its own server and database (e2e/support/lanes.ts).
# Ends with the time of each stage and one line of counts.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh
set -e

export NEXT_TELEMETRY_DISABLED=1
install_started=$(date +%s)
ensure_node_modules
ensure_postgres

# Debian's chromium-headless-shell: the headless-only build Playwright itself runs
# headless tests in. On this machine the suite's browsers take a third of the CPU
# the full browser with --headless=new takes (decision 020).
missing=()
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; }
else
  [ -x /usr/lib/chromium/chromium-headless-shell ] || missing+=(chromium-headless-shell)
fi
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

mkdir -p .tmp/test-all
rm -f .tmp/vitest.json .tmp/vitest-pg.json .tmp/playwright.json .tmp/test-all/*.log
set +e

timings=()
stage_started=0
begin() {
  stage_started=$(date +%s)
  echo ""
  echo "==> $1"
}
# end NAME STATUS
end() {
  local took=$(($(date +%s) - stage_started))
  timings+=("$(printf '%-52s %4d s  %s' "$1" "$took" "$([ "$2" -eq 0 ] && echo ok || echo "FAILED ($2)")")")
}
# Waits for a background job and prints its log, framed, so parallel output is not interleaved.
finish() {
  local pid=$1 log=$2 title=$3
  wait "$pid"
  local status=$?
  echo "----- $title -----"
  cat "$log"
  return $status
}
timings+=("$(printf '%-52s %4d s' "install (npm packages, Chromium, nginx, PostgreSQL)" "$(($(date +%s) - install_started))")")
all_started=$(date +%s)

begin "Typecheck and lint, side by side"
npx tsc --noEmit > .tmp/test-all/typecheck.log 2>&1 &
tsc_pid=$!
npm run --silent lint > .tmp/test-all/lint.log 2>&1 &
lint_pid=$!
finish $tsc_pid .tmp/test-all/typecheck.log "typecheck (tsc --noEmit)"
typecheck_status=$?
finish $lint_pid .tmp/test-all/lint.log "lint (eslint)"
lint_status=$?
end "typecheck and lint" $((typecheck_status + lint_status))

begin "Unit and integration tests (vitest) on SQLite and on PostgreSQL, side by side"
# Two workers each: most integration tests wait on a server (the local Akismet, PostgreSQL).
VITEST_WORKERS="${VITEST_WORKERS:-2}"
env -u TEST_DATABASE_URL npx vitest run --maxWorkers="$VITEST_WORKERS" --outputFile.json=.tmp/vitest.json > .tmp/test-all/vitest-sqlite.log 2>&1 &
sqlite_pid=$!
# The test databases need no durability: commits do not wait for the WAL to reach the
# disk (visibility is the same; 98 s -> 84 s for the pass here).
PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=off" npx vitest run tests/integration --maxWorkers="$VITEST_WORKERS" --outputFile.json=.tmp/vitest-pg.json > .tmp/test-all/vitest-pg.log 2>&1 &
pg_pid=$!
finish $sqlite_pid .tmp/test-all/vitest-sqlite.log "vitest on SQLite (unit and integration)"
vitest_status=$?
finish $pg_pid .tmp/test-all/vitest-pg.log "vitest on PostgreSQL (integration, one database per test file)"
vitest_pg_status=$?
end "vitest: SQLite and PostgreSQL" $((vitest_status + vitest_pg_status))

begin "Production build"
# tsc has just checked the types; the build need not check them again.
NEWSROOM_BUILD_SKIP_TYPECHECK=1 npm run build
build_status=$?
end "production build" $build_status

e2e_status=1
begin "End-to-end tests (Playwright, Chromium, ${E2E_WORKERS:-3} workers)"
if [ "$build_status" -eq 0 ]; then
  npx playwright test
  e2e_status=$?
fi
end "end-to-end (Playwright)" $e2e_status

echo ""
echo "Time by stage:"
printf '  %s\n' "${timings[@]}"
printf '  %-52s %4d s\n' "all stages after install" "$(($(date +%s) - all_started))"
# Errors outside any test (vitest's "Unhandled Errors") fail a run whose tests all passed: show them here too.
for log in .tmp/test-all/vitest-sqlite.log .tmp/test-all/vitest-pg.log; do
  if grep -q "Unhandled Error" "$log" 2>/dev/null; then
    echo ""
    echo "Unhandled errors in $log:"
    sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n '/Unhandled Error/,/Test Files/p' | head -n 40
  fi
done
# Last: the counts, ending with the plain line "tests: N passed, N failed".
node scripts/test-summary.mjs
if [ "$typecheck_status" -ne 0 ] || [ "$lint_status" -ne 0 ] || [ "$vitest_status" -ne 0 ] || [ "$vitest_pg_status" -ne 0 ] || [ "$build_status" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  echo "FAILED (typecheck: $typecheck_status, lint: $lint_status, vitest: $vitest_status, vitest on PostgreSQL: $vitest_pg_status, build: $build_status, e2e: $e2e_status)" >&2
  exit 1
fi
