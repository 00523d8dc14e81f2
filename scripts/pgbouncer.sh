#!/usr/bin/env bash
# Starts PgBouncer (Debian's pgbouncer) in transaction mode in front of a PostgreSQL server on this
# machine, idempotently: every database name passes through to the server (a wildcard entry), trust
# auth on 127.0.0.1. CI runs the PostgreSQL test project through it, so that the whole suite holds
# with no session state outside a transaction and no statement prepared by name (docs/operations.md).
#   usage: bash scripts/pgbouncer.sh [server-port] [bouncer-port]     (defaults 55432 56432)
#          bash scripts/pgbouncer.sh stop
set -euo pipefail
DIR=${PGBOUNCER_DIR:-/tmp/rapport-pgbouncer}
SERVER_PORT=${1:-55432}
PORT=${2:-56432}
as_pg() { runuser -u postgres -- "$@"; }
if [ "${1:-}" = stop ]; then
  [ -f "$DIR/pgbouncer.pid" ] && kill "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null || true
  exit 0
fi
command -v pgbouncer >/dev/null || { echo "pgbouncer is not installed: apt-get install -y pgbouncer" >&2; exit 1; }
mkdir -p "$DIR"
cat > "$DIR/pgbouncer.ini" <<CONF
[databases]
* = host=127.0.0.1 port=$SERVER_PORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/users.txt
pool_mode = transaction
; what a transaction-mode pool must not carry from one client to the next is reset by the pool mode itself
server_reset_query =
max_client_conn = 2000
default_pool_size = 60
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
CONF
echo '"postgres" ""' > "$DIR/users.txt"
chown -R postgres "$DIR"
if ! as_pg psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
  # pgbouncer refuses to run as root; -d detaches once it listens.
  as_pg pgbouncer -d "$DIR/pgbouncer.ini"
  for _ in $(seq 50); do as_pg psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
fi
as_pg psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atc 'select 1' >/dev/null
echo "postgres://postgres@127.0.0.1:$PORT"
