-- Results, progress and the change feed.
--
-- The result is text, not json or jsonb: it comes back exactly as the handler's codec wrote it.
-- The new columns are NULL in every existing row, so adding them rewrites nothing, and the checks
-- are added NOT VALID: they hold for those rows already and bind every write from now on, while a
-- validating scan would hold the table's exclusive lock, and every worker with it, for as long as
-- it reads a large table.
ALTER TABLE "${docket_schema}".jobs
  ADD COLUMN result           text,
  ADD COLUMN progress_percent smallint,
  ADD COLUMN progress_message text,
  ADD COLUMN progress_at      timestamptz;

ALTER TABLE "${docket_schema}".jobs
  ADD CONSTRAINT jobs_result_check CHECK (result IS NULL OR state = 'completed') NOT VALID;

ALTER TABLE "${docket_schema}".jobs
  ADD CONSTRAINT jobs_progress_check CHECK (
    (progress_percent IS NULL) = (progress_at IS NULL)
    AND (progress_percent IS NULL) = (progress_message IS NULL)
    AND progress_percent BETWEEN 0 AND 100
    AND char_length(progress_message) <= 200) NOT VALID;

-- Who wants the change feed: one row per store instance (node) that has a subscriber, an await
-- or an open event stream, kept alive by that node and dropped when its last one closes. The
-- triggers below send nothing while no row is alive. A NOTIFY makes every committing transaction
-- take a database-wide lock in turn, which halved a four-worker drain, so a database nobody
-- watches must not pay for it. A node that dies leaves a row that expires on its own.
--
-- A node that only awaits jobs needs only those jobs' changes: its row says every_change false,
-- and change_watches holds the jobs it awaits, so that the triggers send only their rows. A node
-- with a subscriber (or an event stream) says every_change true.
CREATE TABLE "${docket_schema}".change_listeners (
  listener     uuid        PRIMARY KEY,
  expires_at   timestamptz NOT NULL,
  every_change boolean     NOT NULL DEFAULT true
);

CREATE TABLE "${docket_schema}".change_watches (
  job_id   uuid NOT NULL,
  listener uuid NOT NULL REFERENCES "${docket_schema}".change_listeners ON DELETE CASCADE,
  PRIMARY KEY (job_id, listener)
);

CREATE INDEX change_watches_listener_idx ON "${docket_schema}".change_watches (listener);

-- The change feed. Statement-level triggers see every row a statement wrote, in its transition
-- tables, and send them as NOTIFYs on the schema's changes channel (their argument), which
-- PostgreSQL delivers when, and only if, the transaction commits: so every change reaches every
-- node, whoever made it, and a rolled-back change reaches none. One statement sends its rows in a
-- few notifications, not one per row.
--
-- Each row is one line of JSON: an array of the change's type (C created, S state or attempt, P
-- progress), id, queue, kind, tags, stored state, attempt, version, progress percent, message and
-- time, and the job's updated_at, times in microseconds since the epoch. Never the payload or the
-- result, so that a row stays small whatever the job holds: at most about 2,600 bytes for a job
-- the domain accepts. Lines are joined with newlines (JSON escapes those inside strings) into
-- notifications of at most 7,500 bytes, under PostgreSQL's limit of 8,000 for a payload. A line
-- longer than that alone can only come from a row written past the domain's checks; it is left
-- out rather than failing the write.
CREATE FUNCTION "${docket_schema}".docket_send_changes(channel text, lines text[])
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  line text;
  line_bytes integer;
  chunk text;
  chunk_bytes integer := 0;
BEGIN
  FOREACH line IN ARRAY lines LOOP
    line_bytes := octet_length(line);
    CONTINUE WHEN line_bytes > 7500;
    IF chunk IS NOT NULL AND chunk_bytes + 1 + line_bytes > 7500 THEN
      PERFORM pg_notify(channel, chunk);
      chunk := NULL;
    END IF;
    IF chunk IS NULL THEN
      chunk := line;
      chunk_bytes := line_bytes;
    ELSE
      chunk := chunk || E'\n' || line;
      chunk_bytes := chunk_bytes + 1 + line_bytes;
    END IF;
  END LOOP;
  IF chunk IS NOT NULL THEN
    PERFORM pg_notify(channel, chunk);
  END IF;
END
$$;

-- One job row as a line of the feed, in the order the store's reader expects: both triggers write
-- it with this one function. A plain SQL expression, which the planner inlines into their queries.
CREATE FUNCTION "${docket_schema}".docket_change_line(type text, j "${docket_schema}".jobs)
  RETURNS text LANGUAGE sql STABLE AS $$
  SELECT json_build_array(type, j.id, j.queue, j.kind, j.tags, j.state, j.attempt, j.version,
      j.progress_percent, j.progress_message,
      (extract(epoch FROM j.progress_at) * 1000000)::bigint,
      (extract(epoch FROM j.updated_at) * 1000000)::bigint)::text
$$;

-- The trigger functions run with their owner's rights (SECURITY DEFINER): they read
-- change_listeners, which an application's role, granted only what it needs on jobs, can't read,
-- and that role's every write would fail. Their search_path is fixed, as a SECURITY DEFINER
-- function's must be, so that no schema the writer controls can stand in for pg_catalog's
-- operators and functions (every table is named with its schema anyway; pg_temp comes last, where
-- nothing is looked up in it before the others). A trigger function can't be called directly.
CREATE FUNCTION "${docket_schema}".docket_jobs_inserted() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, "${docket_schema}", pg_temp AS $$
DECLARE
  every boolean;
BEGIN
  SELECT bool_or(every_change) INTO every
    FROM "${docket_schema}".change_listeners WHERE expires_at > now();
  -- A new job can't be watched yet: only listeners of every change hear of its creation.
  IF every IS NOT TRUE THEN
    RETURN NULL;
  END IF;
  PERFORM "${docket_schema}".docket_send_changes(TG_ARGV[0], ARRAY(
    SELECT "${docket_schema}".docket_change_line('C', n) FROM n));
  RETURN NULL;
END
$$;

-- Only rows whose state, attempt or progress changed: a lease extension, a cancel request, an
-- aged priority or a due job moved from 'scheduled' to 'pending' (both pending to the domain)
-- sends nothing.
CREATE FUNCTION "${docket_schema}".docket_jobs_updated() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, "${docket_schema}", pg_temp AS $$
DECLARE
  every boolean;
BEGIN
  -- NULL: nobody listens; false: some listen, to watched jobs only.
  SELECT bool_or(every_change) INTO every
    FROM "${docket_schema}".change_listeners WHERE expires_at > now();
  IF every IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM "${docket_schema}".docket_send_changes(TG_ARGV[0], ARRAY(
    SELECT "${docket_schema}".docket_change_line(
        CASE WHEN c.state_changed THEN 'S' ELSE 'P' END, n)
      FROM n JOIN o ON o.id = n.id
      CROSS JOIN LATERAL (SELECT n.attempt <> o.attempt
          OR (CASE n.state WHEN 'scheduled' THEN 'pending' ELSE n.state END)
            <> (CASE o.state WHEN 'scheduled' THEN 'pending' ELSE o.state END)
          AS state_changed) c
      WHERE (c.state_changed
          OR (n.progress_at, n.progress_percent, n.progress_message)
            IS DISTINCT FROM (o.progress_at, o.progress_percent, o.progress_message))
        AND (every OR EXISTS (
          SELECT 1 FROM "${docket_schema}".change_watches w
            JOIN "${docket_schema}".change_listeners l ON l.listener = w.listener
           WHERE w.job_id = n.id AND l.expires_at > now()))));
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_inserted AFTER INSERT ON "${docket_schema}".jobs
  REFERENCING NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION "${docket_schema}".docket_jobs_inserted('docket_${docket_schema}.changes');

CREATE TRIGGER jobs_updated AFTER UPDATE ON "${docket_schema}".jobs
  REFERENCING OLD TABLE AS o NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION "${docket_schema}".docket_jobs_updated('docket_${docket_schema}.changes');
