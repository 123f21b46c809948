#!/usr/bin/env bash
# Lint and the whole test suite (SQLite by default; DATABASE_URL picks another database).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/browser-deps.sh
printf '\n==> Lint (ruff)\n'
.venv/bin/ruff check .
printf '\n==> Tests (%s)\n' "${DATABASE_URL:-sqlite}"
exec .venv/bin/pytest "$@"
