#!/usr/bin/env bash
# Docket against its peers in one sitting, as ratios: for each round, Docket's user procedure
# (`docket bench`: a fresh JVM on the library API, default concurrency) and then each peer's
# (run-peers.sh), one scenario at a time, so machine noise falls on all of them alike.
#   bench/peers/compare.sh [--runs N] [--scenario drain|latency|backlog]...
# Prints every run as a JSON line on stdout, then a table of medians and Docket's ratio to the
# best peer on stderr. Needs the peers installed first (bench/peers/README.md).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS=2 SCENARIOS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --scenario) SCENARIOS+=("$2"); shift 2 ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(drain latency backlog)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
URL="jdbc:postgresql://$PGHOST:$PGPORT/${PGDATABASE:-test}"
out=$(mktemp)
for ((r = 1; r <= RUNS; r++)); do
  for s in "${SCENARIOS[@]}"; do
    echo "[compare] round $r: docket $s" >&2
    "$ROOT/docket" bench --database-url "$URL" --database-user "$PGUSER" --workload "$s" --json \
      --no-progress 2>/dev/null | grep '^{' | tee -a "$out"
    for spec in "graphile default" "pgboss tuned" "dbscheduler lockandfetch"; do
      read -r peer config <<<"$spec"
      "$HERE/run-peers.sh" --runs 1 --only "$peer" --config "$config" --scenario "$s" 2>/dev/null \
        | tee -a "$out"
    done
    if [ "$s" = latency ]; then
      "$HERE/run-peers.sh" --runs 1 --only dbscheduler --config lockandfetch-immediate \
        --scenario latency 2>/dev/null | tee -a "$out"
    fi
  done
done
python3 - "$out" <<'PY' >&2
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def key(r):
    if "peer" in r:
        return r["peer"] + "/" + r.get("config", ""), r["scenario"]
    return "docket/c%d" % r["concurrency"], r["workload"]
figures = {}
for r in rows:
    if r.get("error") or r.get("result") == "median":
        continue
    who, scenario = key(r)
    if scenario == "latency":
        vals = (r.get("p50_ms"), r.get("p99_ms"))
    else:
        vals = (r.get("drain_jobs_s", r.get("jobs_per_s")), r.get("first_job_ms"))
    figures.setdefault((scenario, who), []).append(vals)
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
for scenario in ("drain", "backlog", "latency"):
    entries = {who: tuple(med([v[i] for v in vs]) for i in range(2))
               for (s, who), vs in figures.items() if s == scenario}
    if not entries:
        continue
    label = ("p50 ms", "p99 ms") if scenario == "latency" else ("jobs/s", "first job ms")
    print(f"\n{scenario}: medians ({label[0]}, {label[1]})")
    for who, (a, b) in sorted(entries.items()):
        print(f"  {who:38} {a!s:>10} {b!s:>10}")
    docket = [v for w, v in entries.items() if w.startswith("docket")]
    peers = [v for w, v in entries.items() if not w.startswith("docket")]
    if docket and peers and docket[0][0]:
        if scenario == "latency":
            best = min(p[0] for p in peers if p[0])
            print(f"  docket p50 / best peer p50: {docket[0][0] / best:.2f} (below 1 is better)")
        else:
            best = max(p[0] for p in peers if p[0])
            print(f"  docket / best peer: {docket[0][0] / best:.2f}")
PY
rm -f "$out"
