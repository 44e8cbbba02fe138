-- What every node shares besides the jobs: paused queues, recurring schedules, and the leases
-- that let one node at a time run the maintenance.

CREATE TABLE "${docket_schema}".paused_queues (
  queue     text        NOT NULL PRIMARY KEY,
  paused_at timestamptz NOT NULL
);

CREATE TABLE "${docket_schema}".schedules (
  name      text        NOT NULL PRIMARY KEY,
  enabled   boolean     NOT NULL DEFAULT true,
  last_slot timestamptz
);

CREATE TABLE "${docket_schema}".leader_leases (
  name       text        NOT NULL PRIMARY KEY,
  owner      text        NOT NULL,
  expires_at timestamptz NOT NULL
);
