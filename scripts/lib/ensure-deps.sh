# Sourced by scripts/app.sh and scripts/test-all.sh: installs the npm packages
# from package-lock.json when node_modules is missing or older than the lock.
ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> Installing npm packages (npm ci; better-sqlite3 compiles from source, about 2 minutes)"
    npm ci --no-audit --no-fund
  fi
}
