#!/usr/bin/env bash
# Lint and the whole test suite (SQLite by default; DATABASE_URL picks another database).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi"; then
  printf '\n==> Chromium and a Chinese font for the browser tests (Debian packages)\n'
  apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
printf '\n==> Lint (ruff)\n'
.venv/bin/ruff check .
printf '\n==> Tests (%s)\n' "${DATABASE_URL:-sqlite}"
exec .venv/bin/pytest "$@"
