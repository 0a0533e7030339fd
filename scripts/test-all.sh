#!/usr/bin/env bash
# `npm run test:all`: install what the tests need (npm packages, Debian's
# Chromium, nginx and PostgreSQL when missing), then run every check and test:
#   1. side by side: typecheck, lint, the unit and integration tests (vitest) on
#      SQLite and on PostgreSQL (each run has its own folder and databases:
#      tests/support/paths.ts), and the production build (once; the type check
#      it would repeat is skipped);
#   2. the end-to-end tests (Playwright, Chromium) in parallel workers, each
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
# job NAME LOG COMMAND...: runs COMMAND in the background, its output in LOG; `collect`
# waits for it, prints its log framed (parallel output is never interleaved) and notes
# its time and status.
declare -A job_pid job_log job_started
job() {
  local name=$1 log=$2
  shift 2
  job_log[$name]=$log
  job_started[$name]=$(date +%s)
  "$@" > "$log" 2>&1 &
  job_pid[$name]=$!
}
# collect NAME TITLE: sets `status`.
collect() {
  local name=$1 title=$2
  wait "${job_pid[$name]}"
  status=$?
  local took=$(($(date +%s) - job_started[$name]))
  echo ""
  echo "----- $title ($took s) -----"
  cat "${job_log[$name]}"
  timings+=("$(printf '%-52s %4d s  %s' "$title" "$took" "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status)")")")
}
timings+=("$(printf '%-52s %4d s' "install (npm packages, Chromium, nginx, PostgreSQL)" "$(($(date +%s) - install_started))")")
all_started=$(date +%s)

# 1. Everything that needs no server of the end-to-end tests, at once: the checks, the
#    two vitest passes (each with its own folder and databases) and the build. All of
#    it is CPU-bound on two cores; side by side, the gaps one leaves (waiting on
#    PostgreSQL, on a child process) are filled by the others (decision 020).
echo ""
echo "==> Typecheck, lint, vitest on SQLite and on PostgreSQL, and the production build, side by side"
VITEST_WORKERS="${VITEST_WORKERS:-2}"
phase_started=$(date +%s)
job typecheck .tmp/test-all/typecheck.log npx tsc --noEmit
job lint .tmp/test-all/lint.log npm run --silent lint
job vitest .tmp/test-all/vitest-sqlite.log env -u TEST_DATABASE_URL npx vitest run --maxWorkers="$VITEST_WORKERS" --outputFile.json=.tmp/vitest.json
job vitest_pg .tmp/test-all/vitest-pg.log npx vitest run tests/integration --maxWorkers="$VITEST_WORKERS" --outputFile.json=.tmp/vitest-pg.json
# tsc checks the types; the build need not check them again.
job build .tmp/test-all/build.log env NEWSROOM_BUILD_SKIP_TYPECHECK=1 npm run build
collect typecheck "typecheck (tsc --noEmit)"; typecheck_status=$status
collect lint "lint (eslint)"; lint_status=$status
collect build "production build"; build_status=$status
collect vitest "vitest on SQLite (unit and integration)"; vitest_status=$status
collect vitest_pg "vitest on PostgreSQL (integration, a database per file)"; vitest_pg_status=$status
timings+=("$(printf '%-52s %4d s' "  all of the above, side by side" "$(($(date +%s) - phase_started))")")

# 2. The end-to-end tests, on the build.
e2e_status=1
echo ""
echo "==> End-to-end tests (Playwright, Chromium, ${E2E_WORKERS:-3} workers)"
e2e_started=$(date +%s)
if [ "$build_status" -eq 0 ]; then
  npx playwright test
  e2e_status=$?
else
  echo "Skipped: the build failed."
fi
timings+=("$(printf '%-52s %4d s  %s' "end-to-end (Playwright)" "$(($(date +%s) - e2e_started))" "$([ "$e2e_status" -eq 0 ] && echo ok || echo "FAILED ($e2e_status)")")")

echo ""
echo "Time by stage:"
printf '  %s\n' "${timings[@]}"
printf '  %-52s %4d s\n' "all stages after install" "$(($(date +%s) - all_started))"
# Last: the counts, ending with the plain line "tests: N passed, N failed".
node scripts/test-summary.mjs
if [ "$typecheck_status" -ne 0 ] || [ "$lint_status" -ne 0 ] || [ "$vitest_status" -ne 0 ] || [ "$vitest_pg_status" -ne 0 ] || [ "$build_status" -ne 0 ] || [ "$e2e_status" -ne 0 ]; then
  echo "FAILED (typecheck: $typecheck_status, lint: $lint_status, vitest: $vitest_status, vitest on PostgreSQL: $vitest_pg_status, build: $build_status, e2e: $e2e_status)" >&2
  exit 1
fi
