#!/usr/bin/env bash
# `npm run app`: install, build, migrate, seed (first start) and serve on
# http://localhost:${PORT:-3000}. Needs nothing but Node 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/ensure-deps.sh

ensure_node_modules
echo "==> Building the production app"
npm run build
echo "==> Migrating the database"
npm run db:migrate
echo "==> Serving on http://localhost:${PORT:-3000} (the first start seeds an empty database)"
exec node --max-old-space-size=256 scripts/server.mjs
