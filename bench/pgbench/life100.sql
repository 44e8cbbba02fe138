-- 100 job lives, each step one transaction of 100 rows: insert 100; claim 100 with SKIP LOCKED;
-- delete them.
INSERT INTO ceiling_jobs (queue, payload) SELECT 'q', jsonb_build_object('n', i) FROM generate_series(1, 100) i;
WITH picked AS (
  SELECT id FROM ceiling_jobs WHERE state = 'ready' AND queue = 'q' AND run_at <= now()
  ORDER BY priority, run_at, id LIMIT 100 FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE ceiling_jobs j SET state = 'running', attempts = j.attempts + 1
  FROM picked WHERE j.id = picked.id RETURNING j.id
)
SELECT coalesce(array_agg(id), '{}') AS ids FROM claimed
\gset
DELETE FROM ceiling_jobs WHERE id = ANY (:ids::bigint[]);
