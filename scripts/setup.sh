#!/usr/bin/env bash
# Installs everything the platform needs from the repo's own files. Safe to run again:
# what exists is reused and nothing is downloaded when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
step() { printf '\n==> %s\n' "$*"; }

if ! command -v uv >/dev/null 2>&1 || [ "$(uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  step "Installing uv $UV_VERSION"
  python3 -m pip install --quiet "uv==$UV_VERSION"
fi

step "Python dependencies (uv.lock)"
uv sync --frozen --quiet --compile-bytecode  # the machine may set PYTHONDONTWRITEBYTECODE

step "Front-end assets (package-lock.json)"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.hgj-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.hgj-lock-hash
fi
vendor=static/vendor
mkdir -p $vendor/htmx $vendor/bootstrap/css $vendor/bootstrap/js $vendor/echarts
cp -u node_modules/htmx.org/dist/htmx.min.js $vendor/htmx/
cp -u node_modules/bootstrap/dist/css/bootstrap.min.css* $vendor/bootstrap/css/
cp -u node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* $vendor/bootstrap/js/
cp -u node_modules/echarts/dist/echarts.min.js $vendor/echarts/

step "Translations"
if ! command -v msgfmt >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq gettext >/dev/null
fi
DEBUG=1 uv run --frozen --quiet python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
