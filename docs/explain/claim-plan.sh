#!/usr/bin/env bash
# Measures the query plans of Docket's PostgreSQL job store on a realistically sized jobs table.
#
#   docs/explain/claim-plan.sh                 # defaults: 127.0.0.1:5432, user postgres, db test
#   PGHOST=db PGDATABASE=scratch docs/explain/claim-plan.sh | tee /tmp/claim-plan.out
#   KEEP=1 docs/explain/claim-plan.sh          # leave the schema docket_explain in place afterwards
#
# It creates the schema docket_explain from the real migration (V1__create_jobs.sql), fills it with
#   - 1,000,000 finished jobs in queue 'default' (completed/failed/cancelled, finished over the past
#     week) and 50,000 in queue 'reports',
#   - 1,000,000 scheduled jobs in 'default' (run_at over the next 30 days, priority 0..100, so about
#     half outrank the runnable ones) and 50,000 in 'reports',
#   - 10,000 runnable jobs in 'default' (state 'pending', run_at in the past hour, priority 50) and
#     1,000 in 'reports',
#   - 500 scheduled jobs in 'default' that have just fallen due (so that promote has work to do),
#   - 64 running jobs in 'default' (half with an expired lease) and 8 in 'reports',
# inserted in random order, so that runnable rows are spread over the whole heap as in a table that
# has been in use for a while. Then it VACUUM ANALYZEs the table and prints
# EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) of promote, claim, rescue (expired), purge and stats, the
# generic plans (what a server-side prepared statement may switch to), and the relation sizes.
#
# The statements are copied from queue-store-postgres/.../Sql.java with the bind parameters replaced
# by literals; keep them in step when Sql.java changes. Statements that write run inside
# BEGIN ... ROLLBACK, so every run sees the same data.
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${PGDATABASE:-test}"
KEEP="${KEEP:-0}"
SCHEMA=docket_explain

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
migration="$here/../../queue-store-postgres/src/main/resources/dev/docket/store/postgres/migration/V1__create_jobs.sql"
[[ -r "$migration" ]] || { echo "migration not found: $migration" >&2; exit 1; }

psql_() { psql -X -q -v ON_ERROR_STOP=1 -P pager=off "$@"; }

# One fixed "now" for the data and every statement.
NOW="$(psql_ -At -c "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")"

cleanup() {
  if [[ "$KEEP" != 1 ]]; then
    psql_ -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

echo "== Docket claim plan: $(psql_ -At -c 'SHOW server_version') at $PGHOST:$PGPORT/$PGDATABASE, now = $NOW"

psql_ -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" >/dev/null
sed 's/\${docket_schema}/'"$SCHEMA"'/g' "$migration" | psql_ >/dev/null
# The dead letter's index, V6, on the same table.
sed 's/\${docket_schema}/'"$SCHEMA"'/g' "$(dirname "$migration")/V6__dead_letter_index.sql" | psql_ >/dev/null

echo "== Loading data (a few minutes) ..."
start=$SECONDS
psql_ -v now="$NOW" <<'SQL'
SET synchronous_commit = off;
SET work_mem = '512MB';
SET maintenance_work_mem = '512MB';
SELECT setseed(0.42) AS seed \gset

INSERT INTO docket_explain.jobs (id, queue, kind, payload, priority, state, attempt, max_attempts,
    retry_kind, retry_base_ns, retry_cap_ns, run_at, created_at, updated_at, finished_at, errors,
    lease_owner, lease_fence, lease_expires_at, version, unique_key, tags, cancel_requested)
SELECT gen_random_uuid(), queue, kind, payload, priority, state, attempt, max_attempts,
       'exponential', 1000000000, 3600000000000, run_at, created_at, updated_at, finished_at,
       errors, lease_owner, lease_fence, lease_expires_at, version, unique_key, tags, false
FROM (
  -- Finished: 70% completed, 20% failed (5 attempts, one error recorded), 10% cancelled.
  SELECT f.queue,
         (ARRAY['email.send', 'invoice.render', 'webhook.deliver'])[1 + i % 3] AS kind,
         json_build_object('customer', i, 'template', 'welcome', 'locale', 'en') AS payload,
         (i * 37 % 101)::smallint AS priority,
         CASE WHEN i % 10 < 7 THEN 'completed' WHEN i % 10 < 9 THEN 'failed' ELSE 'cancelled' END
           AS state,
         CASE WHEN i % 10 < 7 THEN 1 + (i % 3 = 0)::int WHEN i % 10 < 9 THEN 5 ELSE 0 END
           AS attempt,
         5 AS max_attempts,
         f.fin - interval '30 seconds' AS run_at,
         f.fin - interval '1 minute' AS created_at,
         f.fin AS updated_at,
         f.fin AS finished_at,
         CASE WHEN i % 10 BETWEEN 7 AND 8
              THEN jsonb_build_array(jsonb_build_object('attempt', 5, 'at', f.fin,
                     'type', 'java.net.SocketTimeoutException', 'message', 'Read timed out'))
              ELSE '[]'::jsonb END AS errors,
         NULL::text AS lease_owner, NULL::bigint AS lease_fence,
         NULL::timestamptz AS lease_expires_at,
         CASE WHEN i % 10 < 7 THEN 3 + 2 * (i % 3 = 0)::int WHEN i % 10 < 9 THEN 11 ELSE 2 END
           AS version,
         NULL::text AS unique_key, '{}'::text[] AS tags
  -- random() sits in a derived table so that it is drawn once per row (a LATERAL subquery
  -- without outer references would be evaluated once for all rows).
  FROM (SELECT q.queue, i, :'now'::timestamptz - random() * interval '7 days' AS fin
        FROM (VALUES ('default', 1000000), ('reports', 50000)) AS q(queue, n),
             generate_series(1, q.n) AS i) AS f
  UNION ALL
  -- Scheduled for the next 30 days, priority 0..100; a tenth are retries waiting for backoff.
  SELECT s.queue,
         (ARRAY['email.send', 'invoice.render', 'webhook.deliver'])[1 + i % 3],
         json_build_object('customer', i, 'template', 'reminder', 'locale', 'en'),
         (i * 37 % 101)::smallint,
         'scheduled',
         (i % 10 = 0)::int,
         5,
         s.at,
         s.created,
         s.created,
         NULL,
         CASE WHEN i % 10 = 0
              THEN jsonb_build_array(jsonb_build_object('attempt', 1, 'at', :'now',
                     'type', 'java.io.IOException', 'message', 'Connection reset'))
              ELSE '[]'::jsonb END,
         NULL, NULL, NULL,
         CASE WHEN i % 10 = 0 THEN 3 ELSE 1 END,
         CASE WHEN i % 20 = 0 THEN s.queue || ':reminder:' || i END,
         CASE WHEN i % 4 = 0 THEN '{billing}'::text[] ELSE '{}'::text[] END
  FROM (SELECT q.queue, i,
               :'now'::timestamptz + interval '1 second' + random() * interval '30 days' AS at,
               :'now'::timestamptz - random() * interval '1 day' AS created
        FROM (VALUES ('default', 1000000), ('reports', 50000)) AS q(queue, n),
             generate_series(1, q.n) AS i) AS s
  UNION ALL
  -- Just fell due, not yet promoted: what a claim's promote step moves to 'pending'.
  SELECT 'default', 'webhook.deliver', json_build_object('customer', i),
         (i * 37 % 101)::smallint, 'scheduled', 0, 5,
         :'now'::timestamptz - random() * interval '1 minute',
         :'now'::timestamptz - interval '1 hour', :'now'::timestamptz - interval '1 hour',
         NULL, '[]'::jsonb, NULL, NULL, NULL, 1, NULL, '{}'::text[]
  FROM generate_series(1, 500) AS i
  UNION ALL
  -- Runnable: due, priority 50.
  SELECT r.queue, 'email.send', json_build_object('customer', i, 'template', 'welcome'),
         50::smallint, 'pending', 0, 5,
         r.at, r.at, r.at, NULL, '[]'::jsonb, NULL, NULL, NULL, 1, NULL, '{}'::text[]
  FROM (SELECT q.queue, i, :'now'::timestamptz - random() * interval '1 hour' AS at
        FROM (VALUES ('default', 10000), ('reports', 1000)) AS q(queue, n),
             generate_series(1, q.n) AS i) AS r
  UNION ALL
  -- Running: leased by workers; half of the leases have expired.
  SELECT q.queue, 'invoice.render', json_build_object('customer', i),
         50::smallint, 'running', 1, 5,
         :'now'::timestamptz - interval '10 minutes', :'now'::timestamptz - interval '10 minutes',
         :'now'::timestamptz - interval '5 minutes', NULL, '[]'::jsonb,
         'worker-' || (i % 8), 2,
         :'now'::timestamptz + CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END * random() * interval '5 minutes',
         2, NULL, '{}'::text[]
  FROM (VALUES ('default', 64), ('reports', 8)) AS q(queue, n),
       generate_series(1, q.n) AS i
) AS rows
ORDER BY random();

VACUUM ANALYZE docket_explain.jobs;
SQL
echo "   loaded in $((SECONDS - start)) s"

echo
echo "== Row counts"
psql_ -c "SELECT queue, state, count(*), count(DISTINCT run_at) AS distinct_run_at, min(run_at), max(run_at) FROM $SCHEMA.jobs GROUP BY queue, state ORDER BY queue, state"

J="\"$SCHEMA\".jobs"
COLS="id, queue, kind, payload, priority, state, attempt, max_attempts, retry_kind, retry_base_ns, retry_cap_ns, run_at, created_at, updated_at, finished_at, errors, lease_owner, lease_fence, lease_expires_at, version, unique_key, tags, cancel_requested"
JCOLS="j.${COLS//, /, j.}"
EXPIRES="$(psql_ -At -c "SELECT to_char(('$NOW'::timestamptz + interval '30 seconds') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")"
EARLIER="$(psql_ -At -c "SELECT to_char(('$NOW'::timestamptz - interval '2 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")"
BEFORE="$(psql_ -At -c "SELECT to_char(('$NOW'::timestamptz - interval '3 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")"

# Sql.java, with :queue = 'default', :now = $NOW, :limit = 100, :owner = 'worker-1',
# :expires = now + 30 s, rescue :limit = Maintenance.BATCH_SIZE = 1000,
# purge :states = {completed,failed,cancelled}, :before = now - 3 days, :limit = 1000.
PROMOTE="UPDATE $J SET state = 'pending' WHERE id IN (SELECT id FROM $J WHERE state = 'scheduled' AND queue = 'default' AND run_at <= '$NOW' ORDER BY run_at LIMIT 1000 FOR UPDATE SKIP LOCKED)"
CLAIM="WITH picked AS (SELECT id FROM $J WHERE state = 'pending' AND queue = 'default' AND run_at <= '$NOW' ORDER BY priority DESC, run_at, id LIMIT 100 FOR UPDATE SKIP LOCKED) UPDATE $J j SET state = 'running', attempt = j.attempt + 1, version = j.version + 1, lease_owner = 'worker-1', lease_fence = j.version + 1, lease_expires_at = '$EXPIRES', updated_at = '$NOW', cancel_requested = false FROM picked WHERE j.id = picked.id RETURNING $JCOLS"
EXPIRED="SELECT $COLS FROM $J WHERE state = 'running' AND lease_expires_at <= '$NOW' ORDER BY lease_expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED"
PURGE="DELETE FROM $J WHERE id IN (SELECT id FROM $J WHERE state = ANY ('{completed,failed,cancelled}'::text[]) AND finished_at < '$BEFORE' ORDER BY finished_at LIMIT 1000 FOR UPDATE SKIP LOCKED)"
STATS="SELECT queue, count(*) FILTER (WHERE state IN ('pending', 'scheduled')) AS pending, count(*) FILTER (WHERE state = 'running') AS running, count(*) FILTER (WHERE state = 'completed') AS completed, count(*) FILTER (WHERE state = 'failed') AS failed, count(*) FILTER (WHERE state = 'cancelled') AS cancelled, count(*) FILTER (WHERE state IN ('pending', 'scheduled') AND run_at <= '$NOW') AS runnable, min(run_at) FILTER (WHERE state IN ('pending', 'scheduled') AND run_at <= '$NOW') AS oldest_runnable FROM $J GROUP BY queue ORDER BY queue"

EX="EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)"

# "read" below counts pages that were not yet in shared_buffers (they may still come from the OS cache).

section() { echo; echo "== $1"; }
# A rolled-back write leaves dead heap tuples and index entries behind; vacuum them away so that
# each section sees the table as loaded. INDEX_CLEANUP ON: vacuum would otherwise skip the indexes
# when so few heap pages have dead rows.
clean() { psql_ -c "VACUUM (INDEX_CLEANUP ON) $J"; }

section "Claim transaction, as PostgresJobStorage.claim runs it: promote, then claim (limit 100); ROLLBACK"
psql_ <<SQL
BEGIN;
\echo '-- promote'
$EX $PROMOTE;
\echo '-- claim'
$EX $CLAIM;
ROLLBACK;
SQL

clean

section "Steady state: nothing due to promote (now - 2 min, before the 500 fell due), then claim; ROLLBACK"
psql_ <<SQL
BEGIN;
\echo '-- promote (nothing due)'
$EX ${PROMOTE//$NOW/$EARLIER};
\echo '-- claim'
$EX ${CLAIM//$NOW/$EARLIER};
ROLLBACK;
SQL

clean

section "Rescue: expired (limit 1000); ROLLBACK"
psql_ <<SQL
BEGIN;
$EX $EXPIRED;
ROLLBACK;
SQL

section "Purge (all finished states, finished more than 3 days ago, limit 1000); ROLLBACK"
psql_ <<SQL
BEGIN;
$EX $PURGE;
ROLLBACK;
SQL

clean

section "Stats"
psql_ -c "$EX $STATS"

# PostgresJobStorage.list and count with the operator's filters, as the dashboard and the bulk
# actions send them: a page is the limit + 1 (51); a count stops at ApiRoutes.COUNT_CAP.
LIST="SELECT $COLS FROM $J WHERE true"
COUNT="SELECT count(*) FROM (SELECT 1 FROM $J WHERE true"
section "The operator's lists and counts"
psql_ <<SQL
\echo '-- the dead letter, first page'
$EX $LIST AND state = 'failed' ORDER BY id DESC LIMIT 51;
\echo '-- the dead letter of one kind, first page'
$EX $LIST AND state = 'failed' AND kind = 'webhook.deliver' ORDER BY id DESC LIMIT 51;
\echo '-- the dead letter, counted (cap 100000)'
$EX $COUNT AND state = 'failed' LIMIT 100000) AS matching;
\echo '-- due jobs of a queue, first page'
$EX $LIST AND queue = 'default' AND ((state = 'pending' AND run_at <= '$NOW') OR (state = 'scheduled' AND run_at <= '$NOW')) AND run_at <= '$NOW' ORDER BY id DESC LIMIT 51;
\echo '-- due jobs of a queue, counted'
$EX $COUNT AND queue = 'default' AND ((state = 'pending' AND run_at <= '$NOW') OR (state = 'scheduled' AND run_at <= '$NOW')) AND run_at <= '$NOW' LIMIT 100000) AS matching;
\echo '-- scheduled jobs of a queue, first page'
$EX $LIST AND queue = 'default' AND ((state = 'scheduled' AND run_at > '$NOW') OR (state = 'pending' AND run_at > '$NOW')) AND run_at > '$NOW' ORDER BY id DESC LIMIT 51;
\echo '-- every job of a kind, counted (cap 100000)'
$EX $COUNT AND kind = 'email.send' LIMIT 100000) AS matching;
SQL

section "Generic plans (plan_cache_mode = force_generic_plan), as a server-side prepared statement may use"
psql_ <<SQL
SET plan_cache_mode = force_generic_plan;
PREPARE promote(text, timestamptz) AS UPDATE $J SET state = 'pending' WHERE id IN (SELECT id FROM $J WHERE state = 'scheduled' AND queue = \$1 AND run_at <= \$2 ORDER BY run_at LIMIT 1000 FOR UPDATE SKIP LOCKED);
PREPARE claim(text, timestamptz, int, text, timestamptz) AS WITH picked AS (SELECT id FROM $J WHERE state = 'pending' AND queue = \$1 AND run_at <= \$2 ORDER BY priority DESC, run_at, id LIMIT \$3 FOR UPDATE SKIP LOCKED) UPDATE $J j SET state = 'running', attempt = j.attempt + 1, version = j.version + 1, lease_owner = \$4, lease_fence = j.version + 1, lease_expires_at = \$5, updated_at = \$2, cancel_requested = false FROM picked WHERE j.id = picked.id RETURNING $JCOLS;
PREPARE purge(text[], timestamptz, int) AS DELETE FROM $J WHERE id IN (SELECT id FROM $J WHERE state = ANY (\$1::text[]) AND finished_at < \$2 ORDER BY finished_at LIMIT \$3 FOR UPDATE SKIP LOCKED);
BEGIN;
\echo '-- promote (generic)'
$EX EXECUTE promote('default', '$NOW');
\echo '-- claim (generic)'
$EX EXECUTE claim('default', '$NOW', 100, 'worker-1', '$EXPIRES');
ROLLBACK;
BEGIN;
\echo '-- purge (generic)'
$EX EXECUTE purge('{completed,failed,cancelled}', '$BEFORE', 1000);
ROLLBACK;
SQL

clean

section "Sizes"
psql_ <<SQL
SELECT c.relname AS relation,
       CASE c.relkind WHEN 'r' THEN 'table' WHEN 'i' THEN 'index' WHEN 't' THEN 'toast' END AS kind,
       pg_size_pretty(pg_relation_size(c.oid)) AS size,
       pg_relation_size(c.oid) / current_setting('block_size')::int AS pages,
       c.reltuples::bigint AS est_rows
FROM pg_class c
WHERE c.oid = '$SCHEMA.jobs'::regclass
   OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = '$SCHEMA.jobs'::regclass)
   OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = '$SCHEMA.jobs'::regclass)
ORDER BY c.relkind DESC, pg_relation_size(c.oid) DESC;
SELECT pg_size_pretty(pg_total_relation_size('$SCHEMA.jobs')) AS total_with_indexes_and_toast;
SQL

if [[ "$KEEP" == 1 ]]; then
  echo; echo "== KEEP=1: schema $SCHEMA left in place"
else
  echo; echo "== dropping schema $SCHEMA"
fi
