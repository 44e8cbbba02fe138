-- The nodes that run on this schema, each as it last recorded itself: what it serves and which
-- kinds it runs, for operators. A node writes its own row every heartbeat and deletes it when it
-- stops cleanly; the maintenance deletes rows of nodes that went silent.

CREATE TABLE "${docket_schema}".nodes (
  name        text        NOT NULL PRIMARY KEY,
  host        text        NOT NULL,
  version     text,
  started_at  timestamptz NOT NULL,
  last_seen   timestamptz NOT NULL,
  queues      text[]      NOT NULL,
  concurrency integer[]   NOT NULL,
  kinds       text[]      NOT NULL
);
