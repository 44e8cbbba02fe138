-- The dead letter as an index of its own: the failed jobs, newest first. The dashboard's dead
-- letter, its total, and "retry all N" by a filter read it instead of stepping through every job
-- (a table of millions of completed jobs would otherwise be scanned to find the few failed ones).
-- Partial, so it costs a write only when a job fails for good or leaves the dead letter.
CREATE INDEX jobs_failed_idx ON "${docket_schema}".jobs (id) WHERE state = 'failed';
