package dev.docket.store.postgres;

/**
 * Every statement of the store, written once per schema. Values are always bind parameters; the
 * schema, the only name spliced in, is validated and quoted.
 */
final class Sql {
  final String channel;
  final String changesChannel;
  final String insert;
  final String insertAndNotify;
  final String insertClaimed;
  final String madeUpRow;
  final String copy;
  final String findByUniqueKeys;
  final String notify;
  final String claim;
  final String claimKinds;
  final String promote;
  final String complete;
  final String retry;
  final String fail;
  final String cancel;
  final String release;
  final String extend;
  final String reportProgress;
  final String lockInIdOrder;
  final String find;
  final String findForUpdate;
  final String writeBack;
  final String expired;
  final String stats;
  final String purge;
  final String delete;
  final String jobsTable;
  final String running;
  final String ageable;
  final String pause;
  final String resume;
  final String paused;
  final String registerSchedule;
  final String defineSchedule;
  final String findSchedule;
  final String listSchedules;
  final String enableSchedule;
  final String markFired;
  final String acquireLease;
  final String releaseLease;
  final String registerListener;
  final String unregisterListener;
  final String listenToEveryChange;
  final String watchJobs;
  final String unwatchJobs;

  Sql(String schema) {
    String jobs = "\"" + PostgresOptions.requireSchema(schema) + "\".jobs";
    String clearLease =
        "lease_owner = NULL, lease_fence = NULL, lease_expires_at = NULL, lease_started_at = NULL";
    // Statements that write many rows and may wait for their locks take them in one global order,
    // by id: two of them that share rows (a heartbeat and a batch of outcomes) then wait for each
    // other at most one way and cannot deadlock. Binding the ids in order is not enough, because
    // the UPDATE's join locks rows in whatever order its plan reads them (a hash join over
    // jobs_running_idx reads them by queue and place in the table). So each such statement first
    // locks its rows in the materialized CTE u (see lockedInIdOrder), where ORDER BY comes before
    // FOR NO KEY UPDATE (the plan is LockRows over Sort), and the UPDATE, joined to u, then finds
    // every row it writes locked by itself already. The UPDATE checks the fence as before, on the
    // row's latest version; the CTE locks only the rows that pass the same check. Not taking part:
    // the claim, promote, rescue, aging and purge lock with
    // SKIP LOCKED and so never wait; the write-back of rescue, aging and update() writes only rows
    // its transaction holds; find-for-update and delete lock one row, holding none before.
    // A job is running under a fence exactly when its lease_fence equals it: the table's CHECK
    // keeps lease_fence NULL in every other state. So these lookups say nothing of the state, which
    // would let the planner read them from jobs_running_idx instead of by primary key: after an
    // ANALYZE that saw no running job it takes that index for one row, and then scans every
    // running job once per outcome (450 ms for a report of 700 outcomes behind a backlog).
    String fenced = "j.id = u.id AND j.lease_fence = u.fence";
    String appendError =
        "errors = CASE WHEN jsonb_array_length(j.errors) >= 50"
            + " THEN (j.errors - 0) || u.error ELSE j.errors || u.error END";
    // A completion, the most frequent end of an attempt, appends no record: it leaves the lease's
    // owner and start on the row, and JobRows reads the last attempt from them and the finish
    // (see JobRows.read). Building and appending the record cost every completion about 1.8 µs
    // of the database's time, a twentieth of a drain's; clearing the two columns cost as much as
    // keeping them. Only lease_fence says a job runs, and the CHECK keeps it NULL here.
    String keepLastAttempt =
        "lease_fence = NULL, lease_expires_at = NULL,"
            + " lease_started_at = COALESCE(j.lease_started_at, j.updated_at)";
    String failedUnlessCancelled =
        appendAttempt("CASE WHEN j.cancel_requested THEN 'cancelled' ELSE 'failed' END");
    String cancelled = appendAttempt("'cancelled'");
    String releasedUnlessCancelled =
        appendAttempt("CASE WHEN j.cancel_requested THEN 'cancelled' ELSE 'released' END");

    channel = "docket_" + schema;
    // The triggers of V4 send on this one; a '.' keeps it apart from every schema's wake-up
    // channel. At most 63 bytes, PostgreSQL's longest name, for the longest schema.
    changesChannel = channel + ".changes";
    String listeners = "\"" + schema + "\".change_listeners";
    // Alive for three renewals: a node renews every LISTENER_RENEWAL, and a dead node's row lapses.
    registerListener =
        ("WITH gone AS (DELETE FROM %s WHERE expires_at < now() - interval '1 hour')"
                + " INSERT INTO %s (listener, expires_at, every_change)"
                + " VALUES (:listener, now() + make_interval(secs => :seconds), :every)"
                + " ON CONFLICT (listener) DO UPDATE SET expires_at = EXCLUDED.expires_at,"
                + " every_change = EXCLUDED.every_change")
            .formatted(listeners, listeners);
    unregisterListener = "DELETE FROM %s WHERE listener = :listener".formatted(listeners);
    String watches = "\"" + schema + "\".change_watches";
    listenToEveryChange =
        "UPDATE %s SET every_change = :every WHERE listener = :listener".formatted(listeners);
    watchJobs =
        ("INSERT INTO %s (job_id, listener) SELECT unnest(CAST(:ids AS uuid[])), :listener"
                + " ON CONFLICT DO NOTHING")
            .formatted(watches);
    unwatchJobs =
        "DELETE FROM %s WHERE listener = :listener AND job_id = ANY(CAST(:ids AS uuid[]))"
            .formatted(watches);
    String paused = "\"" + schema + "\".paused_queues";
    // A row whose unique key another transaction has just inserted waits for that transaction: rows
    // go in by unique key, so that two batches taking the same new keys wait for each other one way
    // only and cannot deadlock. Within a key, the batch's first job wins, as one by one.
    insert =
        ("INSERT INTO %s (id, queue, kind, payload, priority, state, attempt, max_attempts,"
                + " retry_kind, retry_base_ns, retry_cap_ns, run_at, created_at, updated_at,"
                + " version, unique_key, tags)"
                + " SELECT u.id, u.queue, u.kind, u.payload::json, u.priority, u.state, 0,"
                + " u.max_attempts, u.retry_kind, u.retry_base_ns, u.retry_cap_ns, u.run_at,"
                + " u.created_at, u.created_at, 1, u.unique_key,"
                + " CASE WHEN u.tags = '' THEN '{}'::text[] ELSE string_to_array(u.tags, ',') END"
                + " FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::smallint[],"
                + " ?::text[], ?::integer[], ?::text[], ?::bigint[], ?::bigint[],"
                + " ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[]) WITH ORDINALITY"
                + " AS u(id, queue, kind, payload, priority, state, max_attempts, retry_kind,"
                + " retry_base_ns, retry_cap_ns, run_at, created_at, unique_key, tags, ord)"
                + " ORDER BY u.unique_key, u.ord"
                + " ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING"
                + " RETURNING id")
            .formatted(jobs);
    // Jobs without unique keys in one autocommit statement: the rows, and one NOTIFY per queue
    // with due jobs, delivered when the statement commits.
    insertAndNotify =
        "WITH inserted AS ("
            + insert.replace(" RETURNING id", " RETURNING queue, state")
            + ") SELECT pg_notify(?, d.queue) FROM"
            + " (SELECT DISTINCT queue FROM inserted WHERE state = 'pending') d";
    // One new job, stored already claimed when a claim made now would take it first (see
    // JobSubmissions.insertClaimed): its queue is not paused and no due job the claim accepts has
    // its priority or a higher one. Both forms of the row are bound and the check picks one; a job
    // left pending notifies, as insertAndNotify does. A due job another claim is taking still
    // counts, as it is pending in this snapshot: that only makes the hand-off rarer. Each value is
    // bound once, in p, as plain JDBC parameters (JobInserter binds them): this statement is on the
    // path from submit to handler, where binding names cost more than the statement.
    String ahead =
        " a WHERE a.queue = p.queue AND a.run_at <= p.now AND a.priority >= p.priority"
            + " AND (cardinality(p.kinds) = 0 OR a.kind = ANY (p.kinds))";
    insertClaimed =
        ("WITH p AS (SELECT ?::uuid AS id, ?::text AS queue, ?::text AS kind, ?::text AS payload,"
                + " ?::smallint AS priority, ?::integer AS max_attempts, ?::text AS retry_kind,"
                + " ?::bigint AS retry_base, ?::bigint AS retry_cap, ?::timestamptz AS run_at,"
                + " ?::timestamptz AS created_at, ?::text AS tags, ?::text[] AS kinds,"
                + " ?::timestamptz AS now, ?::integer AS attempt, ?::bigint AS version,"
                + " ?::text AS owner, ?::bigint AS fence, ?::timestamptz AS expires),"
                + " free AS (SELECT p.*,"
                + " NOT EXISTS (SELECT 1 FROM %s q WHERE q.queue = p.queue)"
                + " AND NOT EXISTS (SELECT 1 FROM %s"
                + ahead
                + " AND a.state = 'pending')"
                + " AND NOT EXISTS (SELECT 1 FROM %s"
                + ahead
                + " AND a.state = 'scheduled') AS ok FROM p),"
                + " inserted AS (INSERT INTO %s (id, queue, kind, payload, priority, state,"
                + " attempt, max_attempts, retry_kind, retry_base_ns, retry_cap_ns, run_at,"
                + " created_at, updated_at, version, tags, lease_owner, lease_fence,"
                + " lease_expires_at, lease_started_at)"
                + " SELECT id, queue, kind, payload::json, priority,"
                + " CASE WHEN ok THEN 'running' ELSE 'pending' END,"
                + " CASE WHEN ok THEN attempt ELSE 0 END, max_attempts, retry_kind, retry_base,"
                + " retry_cap, run_at, created_at, CASE WHEN ok THEN now ELSE created_at END,"
                + " CASE WHEN ok THEN version ELSE 1 END,"
                + " CASE WHEN tags = '' THEN '{}'::text[] ELSE string_to_array(tags, ',') END,"
                + " CASE WHEN ok THEN owner END, CASE WHEN ok THEN fence END,"
                + " CASE WHEN ok THEN expires END, CASE WHEN ok THEN now END"
                + " FROM free RETURNING state, queue)"
                + " SELECT i.state FROM inserted i LEFT JOIN LATERAL"
                + " (SELECT pg_notify(?, i.queue) WHERE i.state = 'pending') n ON true")
            .formatted(paused, jobs, jobs, jobs);
    // A running job that exists nowhere, as a claim returns it: the warm-up reads it through the
    // claim's mapping, which otherwise ran cold on the first claim of a node (tens of ms).
    madeUpRow =
        "SELECT * FROM (VALUES ('00000000-0000-0000-0000-000000000000'::uuid, 'warm-up',"
            + " 'warm-up', '{}'::json, 50::smallint, 'running', 1, 3, 'exponential',"
            + " 1000000000::bigint, 3600000000000::bigint, :now::timestamptz, :now::timestamptz,"
            + " :now::timestamptz, NULL::timestamptz, '[]'::jsonb, 'warm-up', 2::bigint,"
            + " :now::timestamptz + interval '1 minute', 2::bigint, NULL::text,"
            + " '{warm-up}'::text[], false, NULL::text, NULL::smallint, NULL::text,"
            + " NULL::timestamptz, :now::timestamptz, '[]'::jsonb)) AS j("
            + JobRows.COLUMNS
            + ")";
    copy =
        ("COPY %s (id, queue, kind, payload, priority, state, attempt, max_attempts, retry_kind,"
                + " retry_base_ns, retry_cap_ns, run_at, created_at, updated_at, version, tags)"
                + " FROM STDIN WITH (FORMAT binary)")
            .formatted(jobs);
    findByUniqueKeys =
        "SELECT %s FROM %s WHERE unique_key = ANY (?::text[])".formatted(JobRows.COLUMNS, jobs);
    notify = "SELECT pg_notify(?, q) FROM unnest(?::text[]) AS q";
    // Due jobs are 'pending', or still 'scheduled' if no claim has taken them since they came due:
    // both branches feed one ordered pick, so one statement claims either and nothing needs to
    // promote rows first. Each branch skips a paused queue before it locks anything.
    String notPaused = " AND NOT EXISTS (SELECT 1 FROM " + paused + " p WHERE p.queue = :queue)";
    promote =
        ("UPDATE %s SET state = 'pending' WHERE id IN ("
                + "SELECT id FROM %s WHERE state = 'scheduled' AND queue = :queue"
                + " AND run_at <= :now ORDER BY run_at LIMIT "
                + PostgresJobStorage.PROMOTE_LIMIT
                + " FOR UPDATE SKIP LOCKED)")
            .formatted(jobs, jobs);
    claim = claim(jobs, notPaused, "");
    claimKinds = claim(jobs, notPaused, " AND kind = ANY (:kinds::text[])");
    String outcomes =
        "unnest(:ids::uuid[], :fences::bigint[], :ats::timestamptz[]) AS u(id, fence, at)";
    // Results ride along as one more array, NULL for a completion without one.
    complete =
        (lockedInIdOrder(
                    jobs,
                    "unnest(:ids::uuid[], :fences::bigint[], :ats::timestamptz[],"
                        + " :results::text[]) AS u(id, fence, at, result)")
                + "UPDATE %s j SET state = 'completed', finished_at = u.at, updated_at = u.at,"
                + " version = j.version + 1, %s, cancel_requested = false, result = u.result"
                + " FROM u WHERE %s RETURNING j.id, j.queue, j.state")
            .formatted(jobs, keepLastAttempt, fenced);
    // A job asked to cancel ends cancelled, whatever the failed attempt's outcome: see Job.retry.
    retry =
        (lockedInIdOrder(
                    jobs,
                    "unnest(:ids::uuid[], :fences::bigint[], :ats::timestamptz[],"
                        + " :runAts::timestamptz[], :errors::jsonb[])"
                        + " AS u(id, fence, at, run_at, error)")
                + "UPDATE %s j SET state = CASE WHEN j.cancel_requested THEN 'cancelled'"
                + " WHEN u.run_at > u.at THEN 'scheduled' ELSE 'pending' END,"
                + " run_at = CASE WHEN j.cancel_requested THEN j.run_at ELSE u.run_at END,"
                + " finished_at = CASE WHEN j.cancel_requested THEN u.at END,"
                + " updated_at = u.at, version = j.version + 1, %s,"
                + " cancel_requested = false, %s, %s"
                + " FROM u WHERE %s AND (j.cancel_requested"
                + " OR (j.attempt < j.max_attempts AND j.retry_kind <> 'none'))"
                + " RETURNING j.id, j.queue, j.state")
            .formatted(jobs, clearLease, appendError, failedUnlessCancelled, fenced);
    fail =
        (lockedInIdOrder(
                    jobs,
                    "unnest(:ids::uuid[], :fences::bigint[], :ats::timestamptz[],"
                        + " :errors::jsonb[]) AS u(id, fence, at, error)")
                + "UPDATE %s j SET state = CASE WHEN j.cancel_requested THEN 'cancelled'"
                + " ELSE 'failed' END, finished_at = u.at, updated_at = u.at,"
                + " version = j.version + 1, %s, cancel_requested = false, %s, %s"
                + " FROM u WHERE %s RETURNING j.id, j.queue, j.state")
            .formatted(jobs, clearLease, appendError, failedUnlessCancelled, fenced);
    cancel =
        (lockedInIdOrder(jobs, outcomes)
                + "UPDATE %s j SET state = 'cancelled', finished_at = u.at, updated_at = u.at,"
                + " version = j.version + 1, %s, cancel_requested = false, %s"
                + " FROM u WHERE %s RETURNING j.id, j.queue, j.state")
            .formatted(jobs, clearLease, cancelled, fenced);
    release =
        (lockedInIdOrder(jobs, outcomes)
                + "UPDATE %s j SET state = CASE WHEN j.cancel_requested THEN 'cancelled'"
                + " ELSE 'pending' END,"
                + " attempt = CASE WHEN j.cancel_requested THEN j.attempt ELSE j.attempt - 1 END,"
                + " run_at = CASE WHEN j.cancel_requested THEN j.run_at ELSE u.at END,"
                + " finished_at = CASE WHEN j.cancel_requested THEN u.at END,"
                + " updated_at = u.at, version = j.version + 1, %s, cancel_requested = false, %s"
                + " FROM u WHERE %s RETURNING j.id, j.queue, j.state")
            .formatted(jobs, clearLease, releasedUnlessCancelled, fenced);
    extend =
        (lockedInIdOrder(
                    jobs,
                    "unnest(:ids::uuid[], :fences::bigint[], :expires::timestamptz[],"
                        + " :ats::timestamptz[]) AS u(id, fence, expires, at)")
                + "UPDATE %s j SET lease_expires_at = GREATEST(j.lease_expires_at, u.expires),"
                + " updated_at = u.at,"
                + " version = j.version + 1"
                + " FROM u WHERE %s"
                + " RETURNING j.id, j.cancel_requested")
            .formatted(jobs, fenced);
    // One row, by primary key and fence (see fenced): it locks nothing before, so it needs no
    // order. Progress times come from the worker's clock, so updated_at never goes back.
    reportProgress =
        ("UPDATE %s SET progress_percent = :percent, progress_message = :message,"
                + " progress_at = :at, updated_at = GREATEST(updated_at, :at),"
                + " version = version + 1 WHERE id = :id AND lease_fence = :fence")
            .formatted(jobs);
    // A report of several statements in one transaction locks all its rows with this first.
    lockInIdOrder =
        lockingInIdOrder(jobs, "unnest(:ids::uuid[], :fences::bigint[]) AS u(id, fence)");
    find = "SELECT %s FROM %s WHERE id = :id".formatted(JobRows.COLUMNS, jobs);
    findForUpdate = find + " FOR UPDATE";
    writeBack =
        ("UPDATE %s SET state = :state, priority = :priority, run_at = :runAt,"
                + " attempt = :attempt, max_attempts = :maxAttempts, updated_at = :updatedAt,"
                + " finished_at = :finishedAt, errors = :errors::jsonb,"
                + " lease_owner = :leaseOwner, lease_fence = :leaseFence,"
                + " lease_expires_at = :leaseExpiresAt, lease_started_at = :leaseStartedAt,"
                + " version = :version,"
                + " cancel_requested = :cancelRequested, result = :result,"
                + " progress_percent = :progressPercent, progress_message = :progressMessage,"
                + " progress_at = :progressAt, attempts = :attempts::jsonb WHERE id = :id")
            .formatted(jobs);
    expired =
        ("SELECT %s FROM %s WHERE state = 'running' AND lease_expires_at <= :now"
                + " ORDER BY lease_expires_at LIMIT :limit FOR UPDATE SKIP LOCKED")
            .formatted(JobRows.COLUMNS, jobs);
    stats =
        ("SELECT queue,"
                + " count(*) FILTER (WHERE state IN ('pending', 'scheduled')) AS pending,"
                + " count(*) FILTER (WHERE state = 'running') AS running,"
                + " count(*) FILTER (WHERE state = 'completed') AS completed,"
                + " count(*) FILTER (WHERE state = 'failed') AS failed,"
                + " count(*) FILTER (WHERE state = 'cancelled') AS cancelled,"
                + " count(*) FILTER (WHERE state IN ('pending', 'scheduled')"
                + " AND run_at <= :now) AS runnable,"
                + " min(run_at) FILTER (WHERE state IN ('pending', 'scheduled')"
                + " AND run_at <= :now) AS oldest_runnable"
                + " FROM %s GROUP BY queue ORDER BY queue")
            .formatted(jobs);
    // The index's own condition is repeated and the ids go through ARRAY(...): with both, even a
    // generic plan uses jobs_finished_idx and the primary key instead of two sequential scans.
    purge =
        ("DELETE FROM %s WHERE id = ANY (ARRAY("
                + "SELECT id FROM %s WHERE state IN ('completed', 'failed', 'cancelled')"
                + " AND state = ANY (:states::text[]) AND finished_at < :before"
                + " ORDER BY finished_at LIMIT :limit FOR UPDATE SKIP LOCKED))")
            .formatted(jobs, jobs);
    delete = "DELETE FROM %s WHERE id = :id".formatted(jobs);
    jobsTable = jobs;
    // One pass over the running jobs (jobs_running_idx), ranked within each owner. Owners sort as
    // Java sorts them (the "C" collation), and a lease an older node took, with no start, counts
    // as started at its last update, as JobRows reads it.
    String started = "COALESCE(lease_started_at, updated_at)";
    running =
        ("SELECT %s FROM (SELECT *, row_number() OVER (PARTITION BY lease_owner ORDER BY %s, id)"
                + " AS rank FROM %s WHERE state = 'running' AND lease_owner = ANY (:owners::text[]))"
                + " r WHERE rank <= :limit ORDER BY lease_owner COLLATE \"C\", %s, id")
            .formatted(JobRows.COLUMNS, started, jobs, started);
    ageable =
        ("SELECT %s FROM %s WHERE state IN ('pending', 'scheduled') AND run_at < :waitedSince"
                + " AND updated_at < :waitedSince AND priority < 100"
                + " LIMIT :limit FOR UPDATE SKIP LOCKED")
            .formatted(JobRows.COLUMNS, jobs);
    pause =
        "INSERT INTO %s (queue, paused_at) VALUES (:queue, :at) ON CONFLICT (queue) DO NOTHING"
            .formatted(paused);
    resume = "DELETE FROM %s WHERE queue = :queue".formatted(paused);
    this.paused = "SELECT queue FROM %s ORDER BY queue".formatted(paused);
    String schedules = "\"" + schema + "\".schedules";
    registerSchedule =
        ("INSERT INTO %s (name) VALUES (:name) ON CONFLICT (name) DO NOTHING").formatted(schedules);
    defineSchedule =
        ("INSERT INTO %s (name, definition) VALUES (:name, :definition) ON CONFLICT (name)"
                + " DO UPDATE SET definition = EXCLUDED.definition")
            .formatted(schedules);
    findSchedule =
        "SELECT name, enabled, last_slot, definition FROM %s WHERE name = :name"
            .formatted(schedules);
    listSchedules =
        "SELECT name, enabled, last_slot, definition FROM %s ORDER BY name".formatted(schedules);
    enableSchedule = "UPDATE %s SET enabled = :enabled WHERE name = :name".formatted(schedules);
    markFired =
        ("INSERT INTO %s (name, last_slot) VALUES (:name, :slot) ON CONFLICT (name) DO UPDATE"
                + " SET last_slot = GREATEST(%s.last_slot, EXCLUDED.last_slot)")
            .formatted(schedules, schedules);
    String leases = "\"" + schema + "\".leader_leases";
    acquireLease =
        ("INSERT INTO %s (name, owner, expires_at) VALUES (:name, :owner, :expires)"
                + " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner,"
                + " expires_at = EXCLUDED.expires_at"
                + " WHERE %s.owner = EXCLUDED.owner OR %s.expires_at <= :now"
                + " RETURNING owner")
            .formatted(leases, leases, leases);
    releaseLease = "DELETE FROM %s WHERE name = :name AND owner = :owner".formatted(leases);
  }

  /**
   * The claim, optionally for some kinds only. Due jobs are 'pending', or still 'scheduled' if no
   * promotion has moved them since they came due (retries, mostly): each branch takes its best jobs
   * in claim order, so a due retry of high priority is never passed over for lower-priority work
   * that came due earlier. The 'scheduled' branch sorts every due row it finds; promotion keeps
   * those few. A claim starts a new attempt, which has reported no progress yet.
   */
  private static String claim(String jobs, String notPaused, String kindFilter) {
    return ("WITH ready AS (SELECT id, priority, run_at FROM %s WHERE state = 'pending'"
            + " AND queue = :queue AND run_at <= :now"
            + kindFilter
            + notPaused
            + " ORDER BY priority DESC, run_at, id LIMIT :limit FOR UPDATE SKIP LOCKED),"
            + " came_due AS (SELECT id, priority, run_at FROM %s WHERE state = 'scheduled'"
            + " AND queue = :queue AND run_at <= :now"
            + kindFilter
            + notPaused
            + " ORDER BY priority DESC, run_at, id LIMIT :limit FOR UPDATE SKIP LOCKED),"
            + " picked AS (SELECT id FROM (SELECT * FROM ready UNION ALL SELECT * FROM came_due)"
            + " due ORDER BY priority DESC, run_at, id LIMIT :limit)"
            + " UPDATE %s j SET state = 'running', attempt = j.attempt + 1,"
            + " version = j.version + 1, lease_owner = :owner,"
            + " lease_fence = j.version + 1, lease_expires_at = :expires,"
            + " lease_started_at = :now, updated_at = :now, cancel_requested = false,"
            + " progress_percent = NULL,"
            + " progress_message = NULL, progress_at = NULL"
            + " FROM picked WHERE j.id = picked.id RETURNING %s")
        .formatted(jobs, jobs, jobs, columns("j"));
  }

  /**
   * The rows of {@code unnest} (an {@code unnest(...) AS u(id, fence, ...)}) whose job is running
   * under the fence, each job's row locked, in id order. Rows it leaves out stay unlocked: the
   * statement would not write them, and a job that is not running under a fence never runs under it
   * again.
   *
   * <p>The lateral subquery with its own lock can't be merged into a join, so each row is one
   * primary-key lookup, taken in the sorted order of the ids. A plain join let the planner hash all
   * running jobs instead: with thousands of them (many nodes, or a long prefetch) every report then
   * read them all, 37 ms for 200 outcomes where the lookups take 4.
   */
  private static String lockingInIdOrder(String jobs, String unnest) {
    return ("SELECT u.* FROM (SELECT * FROM %s ORDER BY id) u CROSS JOIN LATERAL"
            + " (SELECT 1 FROM %s l WHERE l.id = u.id AND l.lease_fence = u.fence"
            + " FOR NO KEY UPDATE) locked")
        .formatted(unnest, jobs);
  }

  /** A statement's CTE {@code u}: see {@link #lockingInIdOrder}. */
  private static String lockedInIdOrder(String jobs, String unnest) {
    return "WITH u AS MATERIALIZED (" + lockingInIdOrder(jobs, unnest) + ") ";
  }

  /**
   * Appends the running attempt's record to {@code attempts}, ending as {@code ending} (an SQL
   * expression) at {@code u.at}, as {@code Job}'s transitions do: from the lease's owner and start
   * and the run-at the job was claimed at, all still on the row, as every right-hand side reads the
   * row as it was. A lease taken before migration V5 has no start; its last update stands in, as
   * {@link JobRows} reads it. Keeps the last 50, as the domain does.
   *
   * <p>A record is a positional array, {@code [attempt, node, due_at, started_at, ended_at,
   * ending]} (see {@link JobRows#attemptsJson}): every completion builds one, and an object with
   * its keys cost twice as much (20,000 completions in one statement: 324 ms without a record, 399
   * ms with an array, 472 ms with an object; medians of 8).
   */
  private static String appendAttempt(String ending) {
    return "attempts = CASE WHEN jsonb_array_length(j.attempts) >= 50 THEN j.attempts - 0"
        + " ELSE j.attempts END || jsonb_build_array(jsonb_build_array(j.attempt, j.lease_owner,"
        + " j.run_at, COALESCE(j.lease_started_at, j.updated_at), u.at, "
        + ending
        + "))";
  }

  private static String columns(String alias) {
    return alias + "." + JobRows.COLUMNS.replace(", ", ", " + alias + ".");
  }
}
