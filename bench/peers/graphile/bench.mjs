// graphile-worker peer benchmark: one scenario per process. Prints one JSON line to stdout.
import { run, makeWorkerUtils, Logger } from "graphile-worker";
import pg from "pg";
import { nowMs, sleep, log, emit, parseArgs, waitDbZero, waitFor, gridSubmit, latencyResult, r2 } from "../common/bench-common.mjs";

const o = parseArgs(process.argv);
const cs = `postgres://postgres@127.0.0.1:5432/${o.db}`;
const VERSION = JSON.parse(await (await import("node:fs/promises")).readFile(new URL("./node_modules/graphile-worker/package.json", import.meta.url))).version;
const logger = new Logger(() => (level, message) => { if (level === "error" || level === "warning") log(`graphile ${level}: ${message}`); });

let handled = 0, firstJob = null;
const tStart = [];
const taskList = {
  noop: async (payload) => {
    const t = nowMs();
    if (firstJob === null) firstJob = t;
    if (payload && payload.i !== undefined) tStart[payload.i] = t;
    handled++;
  },
};
const runnerOptions = {
  connectionString: cs,
  concurrency: 8,
  noHandleSignals: false,
  logger,
  taskList,
  preset: { worker: { localQueue: { size: 100 }, completeJobBatchDelay: 1, failJobBatchDelay: 1 } },
};

const utils = await makeWorkerUtils({ connectionString: cs, logger });
await utils.migrate(); // graphile installs its own schema
const poller = new pg.Client({ connectionString: cs });
await poller.connect();

async function enqueue(n, runAt, tag) {
  for (let done = 0; done < n; done += o.chunk) {
    const specs = [];
    for (let i = 0; i < Math.min(o.chunk, n - done); i++) specs.push({ identifier: "noop", payload: tag ? { t: tag } : {}, runAt });
    await utils.addJobs(specs);
  }
}

const backlogMethod = o.backlog_method === "sql" ? "sql: add_jobs(generate_series)" : `addJobs x${o.chunk}`;
const base = { peer: "graphile-worker", version: VERSION, config: o.config, scenario: o.scenario, run: o.run };
if (o.scenario === "drain" || o.scenario === "backlog") {
  let backlogInsertS = null;
  if (o.scenario === "backlog") {
    const tb = nowMs();
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    if (o.backlog_method === "sql") {
      // fast path: graphile's own bulk SQL function (what addJobs calls), fed by generate_series
      await poller.query(`select count(*) from graphile_worker.add_jobs(array(
        select ('noop', '{"t":"future"}'::json, null, $2::timestamptz, null, null, null, null)::graphile_worker.job_spec
        from generate_series(1, $1::int)))`, [o.backlog, tomorrow.toISOString()]);
    } else await enqueue(o.backlog, tomorrow, "future");
    backlogInsertS = r2((nowMs() - tb) / 1000);
    log(`graphile: backlog of ${o.backlog} future jobs inserted via ${backlogMethod} in ${backlogInsertS}s`);
    await poller.query("vacuum analyze graphile_worker._private_jobs");
  }
  const { rows } = await poller.query("select coalesce(max(id),0)::bigint as m from graphile_worker._private_jobs");
  const minId = rows[0].m;
  const te = nowMs();
  await enqueue(o.jobs, undefined, null);
  const enqueueS = (nowMs() - te) / 1000;
  log(`graphile: enqueued ${o.jobs} in ${enqueueS.toFixed(2)}s; starting workers`);
  const t0 = nowMs();
  const runner = await run(runnerOptions);
  await waitFor(() => handled >= o.jobs, 1, 600000, "handler count");
  const tEnd = await waitDbZero(poller, "select count(*) as n from (select 1 from graphile_worker._private_jobs where id > $1 limit 1) left_", [minId]);
  const secs = (tEnd - t0) / 1000;
  emit({ ...base, jobs: o.jobs, jobs_per_s: Math.round(o.jobs / secs), elapsed_s: r2(secs), first_job_ms: r2(firstJob - t0), enqueue_jobs_per_s: Math.round(o.jobs / enqueueS), ...(backlogInsertS !== null ? { backlog: o.backlog, backlog_insert_s: backlogInsertS, backlog_method: backlogMethod } : {}) });
  await runner.stop();
} else if (o.scenario === "latency") {
  const runner = await run(runnerOptions);
  for (let i = 0; i < 20; i++) await utils.addJob("noop", {});
  await waitFor(() => handled >= 20, 1, 60000, "warm-up");
  await sleep(1000);
  const n = 300;
  const before = handled;
  const tSubmit = await gridSubmit(n, 20, (i) => utils.addJob("noop", { i }));
  await waitFor(() => handled >= before + n, 1, 120000, "latency jobs");
  emit({ ...base, ...latencyResult(tSubmit, tStart) });
  await runner.stop();
} else throw new Error("unknown scenario " + o.scenario);
await poller.end();
await utils.release();
process.exit(0);
