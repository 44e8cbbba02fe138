-- What each node runs now, for the dashboard's Nodes page.
--
-- When a running job's lease started: the worker took the job then, which began the attempt, so
-- operators read from it how long the job has been running. Claims set it, extensions keep it, and
-- every outcome clears it with the rest of the lease. No index: nothing looks jobs up by it. A job
-- claimed by a node of an older version has none, and is read as started at its last update.
ALTER TABLE "${docket_schema}".jobs ADD COLUMN lease_started_at timestamptz;

-- How many handlers of each queue a node runs at its last beat, in the order of its queues (and so
-- of concurrency). Empty for a node of an older version, which is read as running none.
ALTER TABLE "${docket_schema}".nodes ADD COLUMN busy integer[] NOT NULL DEFAULT '{}';
