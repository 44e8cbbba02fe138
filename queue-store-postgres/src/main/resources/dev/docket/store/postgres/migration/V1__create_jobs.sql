-- Docket's job table. docs/postgres.md explains each choice.
--
-- A pending job is stored as 'pending' when it is due and as 'scheduled' while its run_at lies
-- ahead, so that the claim index holds due jobs only: a million jobs waiting for tomorrow cost the
-- claim query nothing. Claims promote due scheduled rows first.
CREATE TABLE "${docket_schema}".jobs (
  id               uuid        NOT NULL PRIMARY KEY,
  queue            text        NOT NULL,
  kind             text        NOT NULL,
  -- json, not jsonb: the payload comes back exactly as it was submitted.
  payload          json        NOT NULL,
  priority         smallint    NOT NULL CHECK (priority BETWEEN 0 AND 100),
  state            text        NOT NULL
                   CHECK (state IN ('scheduled', 'pending', 'running', 'completed', 'failed', 'cancelled')),
  attempt          integer     NOT NULL CHECK (attempt >= 0),
  max_attempts     integer     NOT NULL CHECK (max_attempts >= 1),
  retry_kind       text        NOT NULL CHECK (retry_kind IN ('exponential', 'fixed', 'none')),
  retry_base_ns    bigint      NOT NULL,
  retry_cap_ns     bigint      NOT NULL,
  run_at           timestamptz NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  errors           jsonb       NOT NULL DEFAULT '[]',
  lease_owner      text,
  lease_fence      bigint,
  lease_expires_at timestamptz,
  version          bigint      NOT NULL,
  unique_key       text,
  tags             text[]      NOT NULL DEFAULT '{}',
  cancel_requested boolean     NOT NULL DEFAULT false,
  CHECK ((state = 'running') = (lease_fence IS NOT NULL))
) WITH (
  -- Room on each page for the new row version, so lease extensions can be HOT updates.
  fillfactor = 70,
  -- A queue table churns: vacuum and analyze after 2% of rows change, not the default 20%.
  autovacuum_vacuum_scale_factor = 0.02,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.05
);

-- Claim order within a queue: highest priority, then earliest run_at, then id. Due jobs only.
CREATE INDEX jobs_claim_idx ON "${docket_schema}".jobs (queue, priority DESC, run_at, id)
  WHERE state = 'pending';

-- Promotion of scheduled jobs once due.
CREATE INDEX jobs_scheduled_idx ON "${docket_schema}".jobs (queue, run_at)
  WHERE state = 'scheduled';

-- Rescue looks at running jobs only, of which there are as many as workers. The lease expiry is
-- deliberately not indexed: heartbeats change it, and an indexed column would make every heartbeat
-- a non-HOT update.
CREATE INDEX jobs_running_idx ON "${docket_schema}".jobs (queue)
  WHERE state = 'running';

-- Purge by age of finished jobs.
CREATE INDEX jobs_finished_idx ON "${docket_schema}".jobs (finished_at)
  WHERE state IN ('completed', 'failed', 'cancelled');

-- A second job with a taken unique key is not created.
CREATE UNIQUE INDEX jobs_unique_key_idx ON "${docket_schema}".jobs (unique_key)
  WHERE unique_key IS NOT NULL;
