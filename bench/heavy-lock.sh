# Sourced by the benchmarks' scripts: runs the calling script again under the
# machine-wide lock for heavy work (/tmp/newsroom-heavy.lock), unless a caller
# already holds it (`flock /tmp/newsroom-heavy.lock npm run bench:…`). On 2
# cores, two builds or benchmarks at once would measure each other.
LOCK=/tmp/newsroom-heavy.lock
held_by_caller() {
  local pid=$PPID
  while [ "${pid:-0}" -gt 1 ]; do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "flock.*$LOCK"; then return 0; fi
    pid=$(sed -E 's/^.*\) . ([0-9]+) .*$/\1/' "/proc/$pid/stat" 2>/dev/null || echo 0)
  done
  return 1
}
run_under_heavy_lock() {
  if ! held_by_caller; then
    echo "Waiting for $LOCK..." >&2
    exec flock "$LOCK" bash "$@"
  fi
}
