#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 primary and a streaming read replica of it
# (a hot standby made with pg_basebackup), both on loopback ports, with DATABASE_URL and
# DATABASE_REPLICA_URL set. Replication is synchronous up to remote_apply: a commit returns
# once the replica shows it, so a test reads on the replica what it has just committed.
# Both clusters live in one temp dir and are always stopped and removed.
#   scripts/with-replica.sh .venv/bin/pytest core/tests/test_replica.py
set -euo pipefail
PGBIN=${PGBIN:-$(dirname "$(readlink -f "$(command -v initdb || echo /usr/lib/postgresql/15/bin/initdb)")")}
tmp=$(mktemp -d /tmp/hgj-pg-replica.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
primary_port=$(free_port)
replica_port=$(free_port)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop() {
  as_pg "$PGBIN/pg_ctl" -D "$tmp/replica" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$tmp/primary" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT
[ "$(id -u)" = 0 ] && chown postgres: "$tmp"
as_pg "$PGBIN/initdb" -D "$tmp/primary" -U postgres -A trust -E UTF8 \
  ${PG_LOCALE:---locale=C.UTF-8 --locale-provider=icu --icu-locale=zh-Hans-CN} >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$tmp/primary" -l "$tmp/primary.log" -w -o "-c listen_addresses=127.0.0.1 \
  -p $primary_port -k $tmp -c wal_level=replica -c max_wal_senders=4 -c fsync=off \
  -c autovacuum=off -c synchronous_standby_names=replica1 -c synchronous_commit=remote_apply" \
  start >/dev/null
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$tmp/replica" \
  -X stream -c fast
# A hot standby that names itself, so the primary waits for it (synchronous_standby_names).
as_pg touch "$tmp/replica/standby.signal"
echo "primary_conninfo = 'host=127.0.0.1 port=$primary_port user=postgres application_name=replica1'" |
  as_pg tee -a "$tmp/replica/postgresql.auto.conf" >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$tmp/replica" -l "$tmp/replica.log" -w -o "-c listen_addresses=127.0.0.1 \
  -p $replica_port -k $tmp -c hot_standby=on -c fsync=off" start >/dev/null
echo "==> PostgreSQL primary on 127.0.0.1:$primary_port, replica on 127.0.0.1:$replica_port"
export DATABASE_URL="postgres://postgres@127.0.0.1:$primary_port/hongguanjia"
export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$replica_port/hongguanjia"
"$@"
