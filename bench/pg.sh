#!/usr/bin/env bash
# Starts a PostgreSQL server for benchmarks (idempotent): its own cluster in /tmp/rapport-bench-pg on
# port 55433, durable settings (fsync and synchronous commit on, as in production) with memory sized
# for the large dataset. Prints the database URL to use as BENCH_DATABASE_URL.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=${BENCH_PGDATA:-/tmp/rapport-bench-pg}
PGPORT=${BENCH_PGPORT:-55433}
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -U postgres 2>/dev/null; then
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    rm -rf "$PGDATA"; mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -o "-p $PGPORT -k /tmp \
    -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=4GB -c effective_cache_size=12GB \
    -c work_mem=32MB -c maintenance_work_mem=1GB -c max_wal_size=16GB -c checkpoint_timeout=30min \
    -c random_page_cost=1.1 -c jit=off" start >/dev/null
fi
runuser -u postgres -- "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -U postgres
echo "postgres://postgres@127.0.0.1:$PGPORT/rapport_bench"
