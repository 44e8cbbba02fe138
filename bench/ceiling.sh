#!/usr/bin/env bash
# PostgreSQL's ceiling for job lives: pgbench on bench/pgbench/life100.sql. Prints one JSON line.
#   bench/ceiling.sh <seconds> <clients>
# Works in a database of its own, bench_docket_ceiling, which it drops and makes again.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}; clients=${2:-8}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
pgbench=${PGBENCH:-$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)}
db=bench_docket_ceiling
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
psql -qX -d "$db" -f pgbench/schema.sql >/dev/null
psql -qX -d postgres -c CHECKPOINT >/dev/null  # start without another run's dirty pages
out=$("$pgbench" -n -M prepared -c "$clients" -j 2 -T "$seconds" -f pgbench/life100.sql "$db" 2>&1) \
  || { echo "$out" >&2; exit 1; }
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c CHECKPOINT >/dev/null
tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
python3 -c "import json,sys; t=float(sys.argv[1]); print(json.dumps({'system':'pgbench-ceiling','clients':int(sys.argv[2]),'seconds':int(sys.argv[3]),'tps':round(t,1),'jobs_s':round(t*100,1)}))" "$tps" "$clients" "$seconds"
