package peers;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * db-scheduler peer benchmark: one scenario per JVM. Prints one JSON line to stdout; logs to stderr.
 * --config default        : SchedulerBuilder defaults (fetch-and-lock-on-execute), 16 threads
 * --config lockandfetch   : .pollUsingLockAndFetch(0.5, 1.0) (README's recommendation for PostgreSQL), 16 threads
 * --config lockandfetch-immediate : lockandfetch + .enableImmediateExecution()
 */
public class Bench {
  static final int THREADS = 16;
  static final AtomicInteger handled = new AtomicInteger();
  static final AtomicLong firstJob = new AtomicLong(-1);
  static long[] tStart = new long[0];

  static void log(String s) { System.err.println("[" + Instant.now() + "] " + s); }
  static double ms(long nanos) { return Math.round(nanos / 1e4) / 100.0; }

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = new HashMap<>(Map.of("scenario", "drain", "run", "1", "config", "default",
        "jobs", "20000", "backlog", "500000", "chunk", "1000", "pool", "20"));
    for (int i = 0; i < argv.length; i += 2) a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    String db = Objects.requireNonNull(a.get("db"), "--db required");
    String scenario = a.get("scenario"), config = a.get("config");
    int run = Integer.parseInt(a.get("run")), jobs = Integer.parseInt(a.get("jobs")),
        backlog = Integer.parseInt(a.get("backlog")), chunk = Integer.parseInt(a.get("chunk"));
    String url = "jdbc:postgresql://127.0.0.1:5432/" + db;

    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url);
    hc.setUsername("postgres");
    hc.setMaximumPoolSize(Integer.parseInt(a.get("pool")));
    HikariDataSource ds = new HikariDataSource(hc);

    // Install db-scheduler's schema (db-scheduler does not create it; the user runs its SQL file).
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
         InputStream in = Bench.class.getResourceAsStream("/postgresql_tables.sql")) {
      st.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((inst, ctx) -> {
      long t = System.nanoTime();
      firstJob.compareAndSet(-1, t);
      String id = inst.getId();
      if (id.startsWith("lat-")) tStart[Integer.parseInt(id.substring(4))] = t;
      handled.incrementAndGet();
    });

    SchedulerBuilder b = Scheduler.create(ds, noop).threads(THREADS);
    switch (config) {
      case "default" -> { }
      case "lockandfetch" -> b.pollUsingLockAndFetch(0.5, 1.0);
      case "lockandfetch-immediate" -> b.pollUsingLockAndFetch(0.5, 1.0).enableImmediateExecution();
      default -> throw new IllegalArgumentException("unknown config " + config);
    }
    Scheduler scheduler = b.build();
    SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();

    String version = Scheduler.class.getPackage().getImplementationVersion();
    if (version == null) version = "16.7.1";
    String base = String.format("\"peer\":\"db-scheduler\",\"version\":\"%s\",\"config\":\"%s\",\"scenario\":\"%s\",\"run\":%d",
        version, config, scenario, run);

    try (Connection poll = DriverManager.getConnection(url, "postgres", "")) {
      if (scenario.equals("drain") || scenario.equals("backlog")) {
        String extra = "";
        if (scenario.equals("backlog")) {
          long tb = System.nanoTime();
          Instant tomorrow = Instant.now().plus(Duration.ofHours(24));
          String method;
          if ("sql".equals(a.get("backlog_method"))) {
            // fast path: the same rows scheduleBatch writes (task_data NULL, picked false, version 1, priority NULL)
            method = "sql: insert-select generate_series";
            try (var ps = poll.prepareStatement("insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version) "
                + "select 'noop', 'future-' || g, null, ?, false, 1 from generate_series(0, ? - 1) g")) {
              ps.setObject(1, java.time.OffsetDateTime.ofInstant(tomorrow, java.time.ZoneOffset.UTC));
              ps.setInt(2, backlog);
              ps.executeUpdate();
            }
          } else {
            method = "scheduleBatch x" + chunk;
            enqueue(client, noop, "future-", backlog, chunk, tomorrow);
          }
          double bs = (System.nanoTime() - tb) / 1e9;
          log(String.format("db-scheduler: backlog of %d future jobs inserted via %s in %.2fs", backlog, method, bs));
          try (Statement st = poll.createStatement()) { st.execute("vacuum analyze scheduled_tasks"); }
          extra = String.format(",\"backlog\":%d,\"backlog_insert_s\":%.2f,\"backlog_method\":\"%s\"", backlog, bs, method);
        }
        long te = System.nanoTime();
        enqueue(client, noop, "job-", jobs, chunk, Instant.now());
        double es = (System.nanoTime() - te) / 1e9;
        log(String.format("db-scheduler: enqueued %d in %.2fs; starting scheduler (%s)", jobs, es, config));
        long t0 = System.nanoTime();
        scheduler.start();
        waitFor(() -> handled.get() >= jobs, 600_000, "handler count");
        long tEnd = waitDbZero(poll, "select count(*) from (select 1 from scheduled_tasks where task_name = 'noop' and execution_time < now() + interval '1 hour' limit 1) left_");
        double secs = (tEnd - t0) / 1e9;
        System.out.printf("{%s,\"jobs\":%d,\"jobs_per_s\":%d,\"elapsed_s\":%.2f,\"first_job_ms\":%.2f,\"enqueue_jobs_per_s\":%d%s}%n",
            base, jobs, Math.round(jobs / secs), secs, ms(firstJob.get() - t0), Math.round(jobs / es), extra);
      } else if (scenario.equals("latency")) {
        int n = 300;
        tStart = new long[n];
        scheduler.start();
        for (int i = 0; i < 20; i++) scheduler.schedule(noop.instance("warm-" + i), Instant.now());
        waitFor(() -> handled.get() >= 20, 120_000, "warm-up");
        Thread.sleep(1000);
        int before = handled.get();
        long[] tSubmit = new long[n];
        long g0 = System.nanoTime() + 5_000_000L;
        for (int i = 0; i < n; i++) {
          long target = g0 + i * 20_000_000L;
          long d;
          while ((d = target - System.nanoTime()) > 2_000_000L) LockSupport.parkNanos(d - 1_500_000L);
          while (System.nanoTime() < target) Thread.onSpinWait();
          tSubmit[i] = System.nanoTime();
          scheduler.schedule(noop.instance("lat-" + i), Instant.now());
        }
        waitFor(() -> handled.get() >= before + n, 180_000, "latency jobs");
        double[] lat = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) { lat[i] = (tStart[i] - tSubmit[i]) / 1e6; sum += lat[i]; }
        Arrays.sort(lat);
        System.out.printf("{%s,\"n\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"mean_ms\":%.2f}%n",
            base, n, pct(lat, 50), pct(lat, 99), lat[n - 1], sum / n);
      } else throw new IllegalArgumentException("unknown scenario " + scenario);
    }
    System.out.flush();
    scheduler.stop();
    ds.close();
    System.exit(0);
  }

  static double pct(double[] sorted, double p) {
    int idx = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.length) - 1));
    return sorted[idx];
  }

  static void enqueue(SchedulerClient client, OneTimeTask<Void> task, String prefix, int n, int chunk, Instant when) {
    for (int done = 0; done < n; done += chunk) {
      List<TaskInstance<?>> batch = new ArrayList<>(chunk);
      for (int i = done; i < Math.min(n, done + chunk); i++) batch.add(task.instance(prefix + i));
      client.scheduleBatch(batch, when);
    }
  }

  interface Cond { boolean ok(); }

  static void waitFor(Cond c, long timeoutMs, String what) throws InterruptedException {
    long start = System.nanoTime();
    while (!c.ok()) {
      if ((System.nanoTime() - start) / 1_000_000 > timeoutMs) throw new IllegalStateException("timeout waiting for " + what);
      LockSupport.parkNanos(1_000_000L);
    }
  }

  /** Poll every 5 ms on a dedicated connection until the count is 0; returns nanoTime when the successful query returned. */
  static long waitDbZero(Connection c, String sql) throws Exception {
    long start = System.nanoTime();
    try (Statement st = c.createStatement()) {
      for (;;) {
        long n;
        try (ResultSet rs = st.executeQuery(sql)) { rs.next(); n = rs.getLong(1); }
        long t = System.nanoTime();
        if (n == 0) return t;
        if (t - start > 600_000_000_000L) throw new IllegalStateException("timeout waiting for DB, remaining " + n);
        Thread.sleep(5);
      }
    }
  }
}
