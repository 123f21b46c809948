#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster on a loopback port.
# The cluster lives in a temp dir and is always stopped and removed, also on failure.
#   scripts/with-postgres.sh make test
# PG_SETTINGS replaces the test defaults, e.g. for the benchmark: no fsync, and no autovacuum,
# because tests roll their rows back: autovacuum then records the tables as empty (reltuples 0)
# while the next test fills them again, and the planner's nested loops take seconds a query.
# The database collates like a server set up for Chinese users (ICU zh-Hans-CN: punctuation
# counts last, names sort by pinyin), so nothing may rely on code-point order by accident;
# PG_LOCALE replaces the initdb locale options.
set -euo pipefail
PGBIN=${PGBIN:-$(dirname "$(readlink -f "$(command -v initdb || echo /usr/lib/postgresql/15/bin/initdb)")")}
tmp=$(mktemp -d /tmp/hgj-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop() {
  as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT
[ "$(id -u)" = 0 ] && chown postgres: "$tmp"
as_pg "$PGBIN/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 ${PG_LOCALE:---locale=C.UTF-8 --locale-provider=icu --icu-locale=zh-Hans-CN} >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp ${PG_SETTINGS--c fsync=off -c synchronous_commit=off -c autovacuum=off}" start >/dev/null
echo "==> PostgreSQL on 127.0.0.1:$port"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/hongguanjia"
"$@"
