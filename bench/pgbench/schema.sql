SET client_min_messages = warning;
-- The least a job queue's table needs: PostgreSQL's own ceiling for a job's life, to quote
-- Docket's figures against (bench/compare.sh). Not Docket's schema: see docs/postgres.md.
DROP TABLE IF EXISTS ceiling_jobs;
CREATE TABLE ceiling_jobs (
  id       bigserial   PRIMARY KEY,
  queue    text        NOT NULL,
  priority int         NOT NULL DEFAULT 0,
  run_at   timestamptz NOT NULL DEFAULT now(),
  state    text        NOT NULL DEFAULT 'ready',
  attempts int         NOT NULL DEFAULT 0,
  payload  jsonb       NOT NULL
);
CREATE INDEX ceiling_jobs_ready ON ceiling_jobs (queue, priority, run_at, id) WHERE state = 'ready';
