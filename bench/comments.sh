#!/usr/bin/env bash
# npm run bench:comments: see bench/comments.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx tsx bench/comments.ts
