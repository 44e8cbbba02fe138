-- Every attempt that has ended, for the job's timeline: its number, the node that ran it, when it
-- was due, started and ended, and how it ended (completed, failed, cancelled, lease-expired or
-- released), oldest first, the last 50 kept. Each record is a positional array,
-- [attempt, node, due_at, started_at, ended_at, ending], as building it is half the cost of an
-- object on every completion. The statements that end an attempt append to it from the lease
-- columns they clear, in the same UPDATE. Jobs whose attempts ended before this migration have no
-- records. A constant default: adding the column rewrites no row.

ALTER TABLE "${docket_schema}".jobs ADD COLUMN attempts jsonb NOT NULL DEFAULT '[]';
