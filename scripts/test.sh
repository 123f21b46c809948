#!/usr/bin/env bash
# Lint and the whole test suite (SQLite by default; DATABASE_URL picks another database).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/browser-deps.sh
printf '\n==> Lint (ruff)\n'
.venv/bin/ruff check .
printf '\n==> Tests (%s)\n' "${DATABASE_URL:-sqlite}"
# One test process per core (pytest-xdist; TEST_WORKERS=0 runs them in this process, as a
# debugger wants). Each process has its own test database. Compiled and assertion-rewritten
# modules are kept in __pycache__ for the next run, whatever the machine's
# PYTHONDONTWRITEBYTECODE says (compiling them is a fifth of each process's start). A process
# that runs out of tests takes some from another's queue (worksteal): the long browser tests
# no longer leave one core idle at the end.
unset PYTHONDONTWRITEBYTECODE
exec .venv/bin/pytest -n "${TEST_WORKERS:-auto}" --dist worksteal "$@"
