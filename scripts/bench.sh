#!/usr/bin/env bash
# make bench: a million cases on PostgreSQL (a throwaway cluster, started as CI does, with
# durable settings) and on SQLite; measures intake, inbox, dashboard and the worker, and
# prints one JSON report (also written to var/bench/report.json).
#   scripts/bench.sh                                            # the full run
#   scripts/bench.sh --cases 50000 --open 5000 --overdue 500    # a quick one
set -euo pipefail
cd "$(dirname "$0")/.."
out=var/bench
export SECRET_KEY=${SECRET_KEY:-benchmark-only-not-a-secret} DEBUG=0

if [ "${1:-}" = "--on" ]; then  # one database, already configured by DATABASE_URL
  name=$2
  shift 2
  if [ "$name" = postgresql ]; then
    .venv/bin/python -c 'import os, psycopg
url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
psycopg.connect(url, autocommit=True).execute("CREATE DATABASE hongguanjia")'
  fi
  .venv/bin/python manage.py migrate -v0
  .venv/bin/python manage.py createcachetable
  .venv/bin/python manage.py collectstatic --noinput -v0  # first load: the assets as deployed
  exec .venv/bin/python manage.py bench "$@" --out "$out/$name.json" >/dev/null
fi

scripts/setup.sh >/dev/null
mkdir -p "$out"
echo "==> PostgreSQL" >&2
PG_SETTINGS="-c shared_buffers=1GB -c work_mem=32MB -c max_connections=100" \
  scripts/with-postgres.sh scripts/bench.sh --on postgresql "$@"
echo "==> SQLite" >&2
rm -f "$out"/bench.sqlite3*
DATABASE_URL="sqlite:///$PWD/$out/bench.sqlite3" scripts/bench.sh --on sqlite "$@"

.venv/bin/python - "$out" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
report = {db: json.loads((out / f"{db}.json").read_text()) for db in ("postgresql", "sqlite")}
text = json.dumps(report, ensure_ascii=False, indent=2)
(out / "report.json").write_text(text + "\n")
print(text)
PY
