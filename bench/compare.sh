#!/usr/bin/env bash
# Docket's throughput and latency next to PostgreSQL's own ceiling, measured in the same run.
#
#   bench/compare.sh [seconds]        # default 20 s of pgbench; needs pgbench and a superuser
#
# 1. pgbench runs bench/pgbench/life100.sql (100 job lives, each step a transaction: insert, claim with
#    SKIP LOCKED, delete) with 8 clients on a database of its own, bench_docket_ceiling.
# 2. docket bench runs drain (20,000 jobs), latency and backlog on a schema of its own.
# 3. It prints both and the ratio of Docket's drain to the ceiling, as a table and a JSON line.
#
# PGHOST, PGPORT, PGUSER (default 127.0.0.1, 5432, postgres), PGDATABASE for Docket (default
# test), and DOCKET_BENCH_ARGS for more docket bench options (for example --future 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
database=${PGDATABASE:-test}
pgbench=${PGBENCH:-$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)}
[ -x "$pgbench" ] || { echo "compare.sh: pgbench is not installed (PGBENCH=/path/to/pgbench)." >&2; exit 2; }

ceiling=$(bench/ceiling.sh "$seconds" 8)
echo "$ceiling"
url="jdbc:postgresql://$PGHOST:$PGPORT/$database"
# shellcheck disable=SC2086
docket=$(./docket bench --database-url "$url" --database-user "$PGUSER" --json --no-progress \
  --workload "${DOCKET_BENCH_WORKLOADS:-drain,latency}" ${DOCKET_BENCH_ARGS:-} | grep '^{')
echo "$docket"
python3 - "$ceiling" "$docket" <<'PY'
import json, sys
ceiling = json.loads(sys.argv[1])
runs = [json.loads(line) for line in sys.argv[2].splitlines() if line.strip()]
print()
print(f"{'':34} {'jobs/s':>10}")
print(f"{'PostgreSQL ceiling (pgbench, 100/tx)':34} {ceiling['jobs_s']:>10,.0f}")
for run in runs:
    if run.get("drain_jobs_s"):
        print(f"{'Docket ' + run['workload'] + ' (enqueue)':34} {run['enqueue_jobs_s']:>10,.0f}")
        print(f"{'Docket ' + run['workload']:34} {run['drain_jobs_s']:>10,.0f}"
              f"   {run['drain_jobs_s'] / ceiling['jobs_s']:.0%} of the ceiling")
    if run.get("p50_ms") is not None:
        print(f"{'Docket latency p50 / p99 ms':34} {run['p50_ms']:>5} / {run['p99_ms']}")
drain = next((r for r in runs if r["workload"] == "drain"), None)
if drain:
    print(json.dumps({"system": "docket-vs-ceiling", "ceiling_jobs_s": ceiling["jobs_s"],
                      "drain_jobs_s": drain["drain_jobs_s"],
                      "ratio": round(drain["drain_jobs_s"] / ceiling["jobs_s"], 3)}))
PY
