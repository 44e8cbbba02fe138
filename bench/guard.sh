#!/usr/bin/env bash
# A regression guard that CI can afford: a short pgbench ceiling run and docket bench's drain as a
# user runs it (a fresh process per run on the library API, the runtime's default concurrency,
# start-up counted), in the same run, compared as a ratio: never an absolute time, which depends
# on the machine. Fails when the median of GUARD_RUNS drains falls below MIN_RATIO of the ceiling.
# docs/performance.md ("The regression guard") records the ratios measured and why the threshold
# sits where it does.
#   bench/guard.sh            # MIN_RATIO=0.08, GUARD_RUNS=3 by default
set -euo pipefail
cd "$(dirname "$0")/.."
min=${MIN_RATIO:-0.08}
runs=${GUARD_RUNS:-3}
pgbench=${PGBENCH:-$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)}
if [ -z "$pgbench" ] || [ ! -x "$pgbench" ]; then
  echo "guard.sh: no pgbench here, so there is no ceiling to compare with; skipped." >&2
  exit 0
fi
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
if ! psql -qXtA -d postgres -c 'select 1' >/dev/null 2>&1; then
  echo "guard.sh: no PostgreSQL answers at $PGHOST:$PGPORT; skipped." >&2
  exit 0
fi
ceiling=$(bench/ceiling.sh 5 8)
# With --json, standard output is JSON lines only: one per run, then their median when runs > 1.
drain=$(./docket bench --database-url "jdbc:postgresql://$PGHOST:$PGPORT/${PGDATABASE:-test}" \
  --database-user "$PGUSER" --workload drain --jobs 20000 --runs "$runs" --json --no-progress | tail -1)
python3 - "$ceiling" "$drain" "$min" <<'PY'
import json, sys
ceiling, drain, minimum = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
assert drain["procedure"] == "fresh-process" and not drain["warm"], drain
ratio = drain["drain_jobs_s"] / ceiling["jobs_s"]
print(f"bench guard: drain {drain['drain_jobs_s']:,.0f} jobs/s ({drain['result']} of {drain['runs']}"
      f" fresh-process runs, concurrency {drain['concurrency']}, first job after"
      f" {drain['first_job_ms']:,.0f} ms), ceiling {ceiling['jobs_s']:,.0f} jobs/s,"
      f" ratio {ratio:.4f} (fails below {minimum})")
sys.exit(0 if ratio >= minimum else 1)
PY
