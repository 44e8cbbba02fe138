-- The cluster's history of attempts, per queue and kind, in buckets of a minute, ten minutes and
-- an hour (resolution holds the bucket's width in seconds). Each node adds what its own workers did
-- every few seconds, one upsert per bucket, queue and kind, adding to the counts and histograms
-- already there; the maintenance deletes buckets past their resolution's retention. Histograms are
-- counts per bucket of duration (see DurationHistogram), trailing empty buckets left out.
CREATE TABLE "${docket_schema}".job_history (
  resolution integer     NOT NULL CHECK (resolution IN (60, 600, 3600)),
  bucket     timestamptz NOT NULL,
  queue      text        NOT NULL,
  kind       text        NOT NULL,
  completed  bigint      NOT NULL CHECK (completed >= 0),
  retried    bigint      NOT NULL CHECK (retried >= 0),
  dead       bigint      NOT NULL CHECK (dead >= 0),
  cancelled  bigint      NOT NULL CHECK (cancelled >= 0),
  rescued    bigint      NOT NULL CHECK (rescued >= 0),
  waits      bigint[]    NOT NULL,
  runs       bigint[]    NOT NULL,
  PRIMARY KEY (resolution, bucket, queue, kind)
);
