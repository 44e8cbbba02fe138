-- The audit log: every change operators made through the API, the dashboard or the CLI, with who,
-- what, on what, when and how it ended; never a payload or a token. Rows are only inserted and,
-- past their retention, deleted by the maintenance. The id grows with each entry: pages go
-- newest first by it, and the index on at serves the purge.

CREATE TABLE "${docket_schema}".audit_log (
  id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL,
  actor   text        NOT NULL,
  action  text        NOT NULL,
  target  text        NOT NULL,
  status  integer     NOT NULL
);

CREATE INDEX audit_log_at_idx ON "${docket_schema}".audit_log (at);
