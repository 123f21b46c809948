#!/usr/bin/env bash
# Set up and serve the platform on the embedded database (SQLite) with the demo community.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

mkdir -p var
export SECRET_KEY="${SECRET_KEY:-$(scripts/secret-key.sh var/secret_key)}"
PY=.venv/bin/python

printf '\n==> Database and demo community\n'
$PY manage.py migrate --noinput -v 0
$PY manage.py createcachetable
$PY manage.py calendar_sync
$PY manage.py demo
$PY manage.py collectstatic --noinput -v 0

# The worker (clocks, escalation, notifications) runs beside the web server and stops with it.
.venv/bin/python manage.py worker &
worker_pid=$!
trap 'kill $worker_pid 2>/dev/null' EXIT

BIND="${BIND:-127.0.0.1:8000}"
printf '\n==> Serving on http://%s/  (Ctrl-C stops)\n' "$BIND"
.venv/bin/gunicorn config.wsgi --bind "$BIND" --workers "${WEB_WORKERS:-2}" \
  --timeout "${WEB_TIMEOUT:-180}" --no-control-socket --access-logfile - --log-level info
