#!/usr/bin/env bash
# A regression guard that CI can afford: a short pgbench ceiling run and a short docket bench
# drain in the same run, compared as a ratio (never an absolute time, which depends on the
# machine). Fails when Docket's drain falls below MIN_RATIO of the ceiling; docs/performance.md
# records the ratio a full run gives (about 0.6) and why the threshold sits well below it.
#   bench/guard.sh            # MIN_RATIO=0.25 by default
set -euo pipefail
cd "$(dirname "$0")/.."
min=${MIN_RATIO:-0.25}
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
drain=$(./docket bench --database-url "jdbc:postgresql://$PGHOST:$PGPORT/${PGDATABASE:-test}" \
  --database-user "$PGUSER" --workload drain --jobs 20000 --warmup 20000 --json --no-progress | grep '^{')
python3 - "$ceiling" "$drain" "$min" <<'PY'
import json, sys
ceiling, drain, minimum = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
ratio = drain["drain_jobs_s"] / ceiling["jobs_s"]
print(f"bench guard: drain {drain['drain_jobs_s']:,.0f} jobs/s, ceiling {ceiling['jobs_s']:,.0f} jobs/s,"
      f" ratio {ratio:.2f} (fails below {minimum})")
sys.exit(0 if ratio >= minimum else 1)
PY
