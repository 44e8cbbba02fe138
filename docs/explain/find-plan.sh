#!/usr/bin/env bash
# Measures what finding jobs costs on a large jobs table: the payload filter (JSON containment),
# the id-suffix filter and the page before a cursor, without and with the opt-in GIN index on the
# payload, and what that index costs the updates a claim and a completion make.
#
#   docs/explain/find-plan.sh                  # defaults: 127.0.0.1:5432, user postgres, db test
#   ROWS=500000 docs/explain/find-plan.sh      # a smaller table (default 2,000,000)
#   KEEP=1 docs/explain/find-plan.sh           # leave the schema docket_find in place afterwards
#
# It creates the schema docket_find from the real migration (V1__create_jobs.sql and the dead
# letter's index, V6), fills it with ROWS jobs created over the past 30 days whose ids are
# time-ordered like Docket's version 7 UUIDs (so the newest-first walk of the primary key behaves
# as in production), 90% completed, 5% failed, 3% pending, 2% cancelled, in queues 'default' (90%)
# and 'reports'. Each payload is {"customer": {"id": i % 100000, "tier": ...}, "template": ...,
# "items": [...]}, so a customer's id matches ROWS / 100,000 jobs spread over the whole table: the
# hard case of a rare match. The statements are the ones PostgresJobStorage.list and count build,
# with the bind parameters as literals.
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"
export PGDATABASE="${PGDATABASE:-test}"
KEEP="${KEEP:-0}"
ROWS="${ROWS:-2000000}"
SCHEMA=docket_find

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
migrations="$here/../../queue-store-postgres/src/main/resources/dev/docket/store/postgres/migration"
[[ -r "$migrations/V1__create_jobs.sql" ]] || { echo "migrations not found: $migrations" >&2; exit 1; }

psql_() { psql -X -q -v ON_ERROR_STOP=1 -P pager=off "$@"; }

cleanup() {
  if [[ "$KEEP" != 1 ]]; then
    psql_ -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

echo "== Docket find plan: $(psql_ -At -c 'SHOW server_version') at $PGHOST:$PGPORT/$PGDATABASE, $ROWS rows"

psql_ -c "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" -c "CREATE SCHEMA $SCHEMA" >/dev/null
for m in V1__create_jobs.sql V6__dead_letter_index.sql; do
  sed 's/\${docket_schema}/'"$SCHEMA"'/g' "$migrations/$m" | psql_ >/dev/null
done

echo "== Loading data ..."
start=$SECONDS
psql_ -v rows="$ROWS" <<'SQL'
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';
INSERT INTO docket_find.jobs (id, queue, kind, payload, priority, state, attempt, max_attempts,
    retry_kind, retry_base_ns, retry_cap_ns, run_at, created_at, updated_at, finished_at, errors,
    version, tags, cancel_requested)
SELECT
  -- A version 7 UUID: 48 bits of milliseconds, then random bits, so ids sort by creation.
  (lpad(to_hex((extract(epoch FROM created) * 1000)::bigint), 12, '0') || '7'
     || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text || 'b'), 1, 15))::uuid,
  CASE WHEN i % 10 = 0 THEN 'reports' ELSE 'default' END,
  (ARRAY['email.send', 'invoice.render', 'webhook.deliver'])[1 + i % 3],
  json_build_object('customer', json_build_object('id', i % 100000,
                                                  'tier', CASE WHEN i % 10 = 3 THEN 'gold' ELSE 'silver' END),
                    'template', 'welcome', 'items', json_build_array(i % 7, i % 11)),
  50, state, 1, 5, 'exponential', 1000000000, 3600000000000,
  created, created, created, CASE WHEN state IN ('completed', 'failed', 'cancelled') THEN created END,
  CASE WHEN state = 'failed'
       THEN jsonb_build_array(jsonb_build_object('attempt', 5, 'at', created,
              'type', 'java.io.IOException', 'message', 'Connection reset'))
       ELSE '[]'::jsonb END,
  2, '{}'::text[], false
FROM (
  SELECT i,
         now() - interval '30 days' * (1 - i::double precision / :rows) AS created,
         CASE WHEN i % 100 < 90 THEN 'completed' WHEN i % 100 < 95 THEN 'failed'
              WHEN i % 100 < 98 THEN 'pending' ELSE 'cancelled' END AS state
  FROM generate_series(1, :rows) AS i
) AS rows;
VACUUM ANALYZE docket_find.jobs;
SQL
echo "   loaded in $((SECONDS - start)) s"

J="\"$SCHEMA\".jobs"
COLS="id, queue, kind, payload, priority, state, attempt, max_attempts, retry_kind, retry_base_ns, retry_cap_ns, run_at, created_at, updated_at, finished_at, errors, lease_owner, lease_fence, lease_expires_at, version, unique_key, tags, cancel_requested"
LIST="SELECT $COLS FROM $J WHERE true"
COUNT="SELECT count(*) FROM (SELECT 1 FROM $J WHERE true"
EX="EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)"
CUSTOMER="payload::jsonb @> CAST('{\"customer\": {\"id\": 42}}' AS jsonb)"
GOLD="payload::jsonb @> CAST('{\"customer\": {\"tier\": \"gold\"}}' AS jsonb)"

# Ids to look for: the newest job's, one from the middle of the table, the oldest job's.
NEWEST="$(psql_ -At -c "SELECT replace(id::text, '-', '') FROM $J ORDER BY id DESC LIMIT 1")"
MIDDLE="$(psql_ -At -c "SELECT replace(id::text, '-', '') FROM $J ORDER BY id DESC OFFSET $((ROWS / 2)) LIMIT 1")"
OLDEST="$(psql_ -At -c "SELECT replace(id::text, '-', '') FROM $J ORDER BY id LIMIT 1")"
CURSOR="$(psql_ -At -c "SELECT id FROM $J ORDER BY id DESC OFFSET 100 LIMIT 1")"

section() { echo; echo "== $1"; }

plans() {
  psql_ <<SQL
\\echo '-- payload of one customer (20 of 2 M match), first page'
$EX $LIST AND $CUSTOMER ORDER BY id DESC LIMIT 51;
\\echo '-- payload of one customer, counted (cap 100000)'
$EX $COUNT AND $CUSTOMER LIMIT 100000) AS matching;
\\echo '-- payload of one customer in the dead letter, first page'
$EX $LIST AND state = 'failed' AND $CUSTOMER ORDER BY id DESC LIMIT 51;
\\echo '-- payload that one job in ten has, first page'
$EX $LIST AND $GOLD ORDER BY id DESC LIMIT 51;
\\echo '-- payload that one job in ten has, counted (cap 100000)'
$EX $COUNT AND $GOLD LIMIT 100000) AS matching;
SQL
}

section "Payload filters, no index on the payload (Docket's default)"
plans

section "Id suffix: the newest job, one in the middle, the oldest (12 hex digits, a list's short id)"
psql_ <<SQL
\\echo '-- the newest job'
$EX $LIST AND replace(id::text, '-', '') LIKE '%${NEWEST: -12}' ORDER BY id DESC LIMIT 51;
\\echo '-- a job in the middle of the table'
$EX $LIST AND replace(id::text, '-', '') LIKE '%${MIDDLE: -12}' ORDER BY id DESC LIMIT 51;
\\echo '-- the oldest job'
$EX $LIST AND replace(id::text, '-', '') LIKE '%${OLDEST: -12}' ORDER BY id DESC LIMIT 2;
\\echo '-- the newest job, the first match only (what a LIMIT 1 would cost)'
$EX $LIST AND replace(id::text, '-', '') LIKE '%${NEWEST: -12}' ORDER BY id DESC LIMIT 1;
\\echo '-- the middle job, in the dead letter only'
$EX $LIST AND state = 'failed' AND replace(id::text, '-', '') LIKE '%${MIDDLE: -12}' ORDER BY id DESC LIMIT 51;
SQL

section "The page before a cursor (100 jobs from the newest)"
psql_ -c "$EX $LIST AND id > '$CURSOR' ORDER BY id LIMIT 51"
psql_ -c "$EX $LIST AND state = 'failed' AND id > '$CURSOR' ORDER BY id LIMIT 51"

# What the GIN index costs writes: the update a claim makes (state, lease) and a completion
# (state, finished_at) touch indexed columns, so neither is HOT and each writes a new entry into
# every index of the table, a GIN index included. 20,000 pending rows each way, rolled back.
UPDATES="UPDATE $J SET state = 'running', version = version + 1, lease_owner = 'w', lease_fence = version + 1, lease_expires_at = now() + interval '1 minute', updated_at = now() WHERE id IN (SELECT id FROM $J WHERE state = 'pending' ORDER BY id DESC LIMIT 20000)"
updates() {
  psql_ <<SQL
BEGIN;
$EX $UPDATES;
ROLLBACK;
SQL
  psql_ -c "VACUUM (INDEX_CLEANUP ON) $J"
}

section "20,000 claims' updates, without a payload index"
updates

section "CREATE INDEX CONCURRENTLY jobs_payload_idx ... USING gin ((payload::jsonb) jsonb_path_ops)"
start=$SECONDS
psql_ -c "SET maintenance_work_mem = '256MB'" -c "CREATE INDEX CONCURRENTLY jobs_payload_idx ON $J USING gin ((payload::jsonb) jsonb_path_ops)"
echo "   built in $((SECONDS - start)) s"
psql_ -c "ANALYZE $J"

section "Payload filters, with the GIN index"
plans

section "20,000 claims' updates, with the GIN index"
updates

section "Sizes"
psql_ <<SQL
SELECT c.relname AS relation, pg_size_pretty(pg_relation_size(c.oid)) AS size
FROM pg_class c
WHERE c.oid = '$SCHEMA.jobs'::regclass
   OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = '$SCHEMA.jobs'::regclass)
ORDER BY pg_relation_size(c.oid) DESC;
SQL

if [[ "$KEEP" == 1 ]]; then
  echo; echo "== KEEP=1: schema $SCHEMA left in place"
fi
