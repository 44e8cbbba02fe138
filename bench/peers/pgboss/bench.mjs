// pg-boss peer benchmark: one scenario per process. Prints one JSON line to stdout.
//   --config default : work(queue, { batchSize: 100 }, handler)            (as a new user writes it)
//   --config tuned   : work(queue, { batchSize: 100, burstWhenBatchFull: true }, handler)
//                      + new PgBoss({ useListenNotify: true }) + createQueue(queue, { notify: true })
//   With the default config a worker sleeps pollingIntervalSeconds (2 s) after every fetch,
//   even a full one, so draining 20,000 jobs would take ~400 s; pass --cap_s N to stop after N s
//   and report completed/elapsed.
import { PgBoss } from "pg-boss";
import pg from "pg";
import { readFileSync } from "node:fs";
import { nowMs, sleep, log, emit, parseArgs, waitDbZero, waitFor, gridSubmit, latencyResult, r2 } from "../common/bench-common.mjs";

const o = parseArgs(process.argv);
const cs = `postgres://postgres@127.0.0.1:5432/${o.db}`;
const VERSION = JSON.parse(readFileSync(new URL("./node_modules/pg-boss/package.json", import.meta.url))).version;
const QUEUE = "noop";
const cfg = o.config;
if (!["default", "tuned"].includes(cfg)) throw new Error("unknown config " + cfg);
const workOptions = { batchSize: 100, ...(cfg !== "default" ? { burstWhenBatchFull: true } : {}) };

const boss = new PgBoss({ connectionString: cs, ...(cfg === "tuned" ? { useListenNotify: true } : {}) });
boss.on("error", (e) => log("pg-boss error:", e.message));
boss.on("warning", (w) => log("pg-boss warning:", w && (w.message || JSON.stringify(w))));
await boss.start(); // installs/migrates the pgboss schema itself
await boss.createQueue(QUEUE, cfg === "tuned" ? { notify: true } : {});
const poller = new pg.Client({ connectionString: cs });
await poller.connect();

let handled = 0, firstJob = null;
const tStart = [];
const handler = async (jobs) => {
  const t = nowMs();
  if (firstJob === null) firstJob = t;
  for (const j of jobs) if (j.data && j.data.i !== undefined) tStart[j.data.i] = t;
  handled += jobs.length;
};

async function enqueue(n, startAfter) {
  for (let done = 0; done < n; done += o.chunk) {
    const jobs = [];
    for (let i = 0; i < Math.min(o.chunk, n - done); i++) jobs.push(startAfter ? { data: { t: "future" }, startAfter } : { data: {} });
    await boss.insert(QUEUE, jobs);
  }
}

const base = { peer: "pg-boss", version: VERSION, config: cfg, scenario: o.scenario, run: o.run };
if (o.scenario === "drain" || o.scenario === "backlog") {
  let backlogInsertS = null;
  if (o.scenario === "backlog") {
    const tb = nowMs();
    await enqueue(o.backlog, new Date(Date.now() + 24 * 3600 * 1000));
    backlogInsertS = r2((nowMs() - tb) / 1000);
    log(`pg-boss: backlog of ${o.backlog} future jobs inserted via insert() in ${backlogInsertS}s`);
    await poller.query("vacuum analyze pgboss.job");
  }
  const te = nowMs();
  await enqueue(o.jobs, null);
  const enqueueS = (nowMs() - te) / 1000;
  log(`pg-boss: enqueued ${o.jobs} in ${enqueueS.toFixed(2)}s; starting workers (${JSON.stringify(workOptions)})`);
  const t0 = nowMs();
  await boss.work(QUEUE, workOptions, handler);
  const capS = o.cap_s || 0; // optional time cap (used for the default config, which is paced by the 2 s poll)
  let capped = false;
  await waitFor(() => handled >= o.jobs || (capS > 0 && nowMs() - t0 > capS * 1000 && (capped = true)), 1, 900000, "handler count");
  let tEnd, done = o.jobs;
  if (!capped) {
    tEnd = await waitDbZero(poller, `select count(*) as n from (select 1 from pgboss.job where name = $1 and state < 'completed' and start_after < now() + interval '1 hour' limit 1) left_`, [QUEUE]);
  } else {
    const { rows } = await poller.query(`select count(*) as n from pgboss.job where name = $1 and state = 'completed'`, [QUEUE]);
    tEnd = nowMs(); done = Number(rows[0].n);
  }
  const secs = (tEnd - t0) / 1000;
  emit({ ...base, jobs: o.jobs, ...(capped ? { capped_at_s: capS, completed: done } : {}), jobs_per_s: Math.round(done / secs), elapsed_s: r2(secs), first_job_ms: r2(firstJob - t0), enqueue_jobs_per_s: Math.round(o.jobs / enqueueS), ...(backlogInsertS !== null ? { backlog: o.backlog, backlog_insert_s: backlogInsertS, backlog_method: "insert() x1000" } : {}) });
} else if (o.scenario === "latency") {
  await boss.work(QUEUE, workOptions, handler);
  for (let i = 0; i < 20; i++) await boss.send(QUEUE, {});
  await waitFor(() => handled >= 20, 1, 60000, "warm-up");
  await sleep(1000);
  const n = 300;
  const before = handled;
  const tSubmit = await gridSubmit(n, 20, (i) => boss.send(QUEUE, { i }));
  await waitFor(() => handled >= before + n, 1, 120000, "latency jobs");
  emit({ ...base, ...latencyResult(tSubmit, tStart) });
} else throw new Error("unknown scenario " + o.scenario);
await poller.end();
await boss.stop({ graceful: false, close: true, timeout: 2000 }).catch((e) => log("stop:", e.message));
process.exit(0);
