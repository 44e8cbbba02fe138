// Shared helpers for the Node peer benchmarks. The caller passes its own `pg` module.
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6; // monotonic ms
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (...a) => console.error(`[${new Date().toISOString()}]`, ...a);
export const emit = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

export function parseArgs(argv) {
  const o = { scenario: "drain", run: 1, db: null, config: "default", jobs: 20000, backlog: 500000, chunk: 1000 };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, "");
    const v = argv[++i];
    o[k] = /^\d+$/.test(v) ? Number(v) : v;
  }
  if (!o.db) throw new Error("--db required");
  return o;
}

export function pct(sorted, p) {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}
export const r2 = (x) => (x == null ? null : Math.round(x * 100) / 100);

// Poll `sql` (must return a single row with column n = remaining count) every
// `intervalMs` on its own connection until n == 0. Returns the monotonic time at
// which the successful query returned.
export async function waitDbZero(client, sql, params = [], intervalMs = 5, timeoutMs = 600000) {
  const start = nowMs();
  for (;;) {
    const { rows } = await client.query(sql, params);
    const t = nowMs();
    if (Number(rows[0].n) === 0) return t;
    if (t - start > timeoutMs) throw new Error(`timeout waiting for DB: remaining ${rows[0].n}`);
    await sleep(intervalMs);
  }
}

// Wait until predicate() is true, checking every `intervalMs`.
export async function waitFor(pred, intervalMs = 1, timeoutMs = 600000, what = "condition") {
  const start = nowMs();
  while (!pred()) {
    if (nowMs() - start > timeoutMs) throw new Error(`timeout waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// Fire `n` submits on a `gridMs` grid. submit(i) is awaited; tSubmit[i] is taken
// just before the call. Returns the array of submit times.
export async function gridSubmit(n, gridMs, submit) {
  const tSubmit = new Array(n);
  const t0 = nowMs() + 5;
  for (let i = 0; i < n; i++) {
    const target = t0 + i * gridMs;
    let d = target - nowMs();
    if (d > 2) await sleep(d - 1.5);
    while (nowMs() < target) { /* spin the last ~1ms for precision */ }
    tSubmit[i] = nowMs();
    await submit(i);
  }
  return tSubmit;
}

export function latencyResult(tSubmit, tStart) {
  const lat = tSubmit.map((t, i) => tStart[i] - t).sort((a, b) => a - b);
  return { n: lat.length, p50_ms: r2(pct(lat, 50)), p99_ms: r2(pct(lat, 99)), max_ms: r2(lat[lat.length - 1]), mean_ms: r2(lat.reduce((a, b) => a + b, 0) / lat.length) };
}
