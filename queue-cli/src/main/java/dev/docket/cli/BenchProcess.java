package dev.docket.cli;

import dev.docket.cli.BenchCommand.Workload;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStore;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.DocketStore;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One measured run of {@code docket bench}, in a JVM of its own, done the way a user's first test
 * does it: the library API ({@code PostgresStore.start}, {@code DocketRuntime.builder(...)}, {@code
 * client().submitAll} in chunks of 1,000, {@code start()}), the runtime's defaults unless the plan
 * names a concurrency, and nothing warmed up beforehand.
 *
 * <p>{@link FreshBench} starts it with its {@link Plan} as one JSON line on standard input; it
 * prints its figures as one JSON line on standard output and everything else, the runtime's log
 * lines included, on standard error. Times are {@link System#nanoTime()} readings of this process.
 */
final class BenchProcess {
  /** The bench's job type: what the handler does depends on the workload, not on the kind. */
  static final JobType<Work> JOB = JobType.of("bench.job", Work.class);

  /** Jobs per {@code submitAll} call, as a user would chunk a bulk load. */
  static final int CHUNK = 1_000;

  /** Jobs per {@code submitAll} call when filling a backlog. */
  static final int BACKLOG_CHUNK = 10_000;

  /** How far ahead backlog jobs are due. */
  static final Duration BACKLOG_DELAY = Duration.ofDays(1);

  /** How often the drain asks the store whether every job has completed. */
  static final Duration POLL = Duration.ofMillis(5);

  /** What a blocking handler waits, and a cpu handler computes, per job. */
  static final Duration BLOCK = Duration.ofMillis(5);

  static final Duration BURN = Duration.ofMillis(1);

  /** Latency: single jobs run before measuring, then this long with nothing to do. */
  static final int LATENCY_WARMUP_JOBS = 20;

  static final Duration LATENCY_IDLE = Duration.ofSeconds(1);

  private static final Duration LIMIT = Duration.ofMinutes(30);

  /**
   * A bench job's payload.
   *
   * @param sent the submitter's {@link System#nanoTime()} just before its submit call
   * @param timed whether the latency workload measures this job
   */
  record Work(long sent, boolean timed) {
    static final Work UNTIMED = new Work(0, false);
  }

  /**
   * What one process measures.
   *
   * @param workload drain, latency, backlog, blocking or cpu
   * @param store memory or postgres
   * @param url the JDBC URL (postgres)
   * @param user the database user, or null
   * @param password the database password, or null
   * @param schema the bench schema, already migrated (postgres)
   * @param jobs the jobs drained
   * @param concurrency the queue's concurrency, or null for the runtime's default
   * @param latencyJobs latency: the single submits measured
   * @param intervalNanos latency: the grid between two submits
   * @param backlogJobs backlog on the memory store: jobs due tomorrow this process adds first (on
   *     PostgreSQL the parent has already inserted them)
   */
  record Plan(
      Workload workload,
      BenchCommand.Store store,
      String url,
      String user,
      String password,
      String schema,
      int jobs,
      Integer concurrency,
      int latencyJobs,
      long intervalNanos,
      int backlogJobs,
      boolean subscriber,
      int awaits) {

    /**
     * The plan as {@link Properties}: the measured process reads it with the JDK alone, so that no
     * class of Jackson's is loaded before its clock starts, as none is in an application that has
     * not yet used it.
     */
    Properties toProperties() {
      var p = new Properties();
      p.setProperty("workload", workload.name());
      p.setProperty("store", store.name());
      putIfSet(p, "url", url);
      putIfSet(p, "user", user);
      putIfSet(p, "password", password);
      putIfSet(p, "schema", schema);
      p.setProperty("jobs", Integer.toString(jobs));
      putIfSet(p, "concurrency", concurrency == null ? null : concurrency.toString());
      p.setProperty("latencyJobs", Integer.toString(latencyJobs));
      p.setProperty("intervalNanos", Long.toString(intervalNanos));
      p.setProperty("backlogJobs", Integer.toString(backlogJobs));
      p.setProperty("subscriber", Boolean.toString(subscriber));
      p.setProperty("awaits", Integer.toString(awaits));
      return p;
    }

    static Plan fromProperties(Properties p) {
      String concurrency = p.getProperty("concurrency");
      return new Plan(
          Workload.valueOf(p.getProperty("workload")),
          BenchCommand.Store.valueOf(p.getProperty("store")),
          p.getProperty("url"),
          p.getProperty("user"),
          p.getProperty("password"),
          p.getProperty("schema"),
          Integer.parseInt(p.getProperty("jobs")),
          concurrency == null ? null : Integer.valueOf(concurrency),
          Integer.parseInt(p.getProperty("latencyJobs")),
          Long.parseLong(p.getProperty("intervalNanos")),
          Integer.parseInt(p.getProperty("backlogJobs")),
          Boolean.parseBoolean(p.getProperty("subscriber")),
          Integer.parseInt(p.getProperty("awaits")));
    }

    private static void putIfSet(Properties p, String key, String value) {
      if (value != null) {
        p.setProperty(key, value);
      }
    }
  }

  private final Plan plan;
  private final AtomicLong firstStart = new AtomicLong(Long.MIN_VALUE);

  /** Handlers that returned, and a latch that opens when all of a drain's jobs have. */
  private final AtomicLong handled = new AtomicLong();

  private final java.util.concurrent.CountDownLatch allHandled =
      new java.util.concurrent.CountDownLatch(1);

  private BenchProcess(Plan plan) {
    this.plan = plan;
  }

  /** Reads the plan from standard input, measures, prints the figures; exits 1 on failure. */
  public static void main(String[] args) {
    long jvmMs = ManagementFactory.getRuntimeMXBean().getUptime();
    // Standard output carries the figures only: anything else written to System.out, such as
    // logback's console appender (which looks System.out up at every write), goes to stderr.
    PrintStream results = System.out;
    System.setOut(System.err);
    int status = 0;
    try {
      // An application's logging is up before it builds a runtime, and its start-up is the
      // application's own: started here, before the clock, so that the first line Docket logs
      // does not charge the CLI's logging backend (about 0.3 s cold) to Docket's start.
      System.getLogger(BenchProcess.class.getName()).isLoggable(System.Logger.Level.INFO);
      var planText = new Properties();
      planText.load(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      Plan plan = Plan.fromProperties(planText);
      Map<String, Object> figures = new BenchProcess(plan).measure();
      figures.put("pid", ProcessHandle.current().pid());
      figures.put("jvm_ms", jvmMs);
      results.println(DocketCommand.CODEC.encode(figures));
      results.flush();
    } catch (Exception | Error e) {
      System.err.println("docket bench: the measured process failed.");
      e.printStackTrace();
      status = 1;
    }
    // The runtime is stopped, but a failure may have left a pool's threads behind.
    System.exit(status);
  }

  private Map<String, Object> measure() throws Exception {
    return switch (plan.workload()) {
      case drain, backlog -> drain(work -> {});
      case blocking -> drain(work -> Thread.sleep(BLOCK));
      case cpu -> drain(work -> burn(BURN));
      case latency -> latency();
      case steady -> throw new IllegalArgumentException("steady runs with --warm only.");
    };
  }

  /** What a handler does with a job, after the bench has noted that it started. */
  private interface Body {
    void run(Work work) throws Exception;
  }

  // ---- drain, backlog, blocking, cpu ----------------------------------------------------------

  /**
   * Bulk-enqueues the jobs, then starts the workers, and counts from the {@code start()} call to
   * the moment the store shows every job completed.
   */
  private Map<String, Object> drain(Body body) throws Exception {
    long begin = System.nanoTime();
    DocketStore store = openStore();
    long storeStarted = System.nanoTime();
    DocketRuntime runtime = build(store, body);
    long built = System.nanoTime();
    var figures = new LinkedHashMap<String, Object>();
    try (runtime) {
      JobClient client = runtime.client();
      // A dashboard open on everything: one subscriber that hears of every change of every job.
      var terminal = new AtomicLong();
      var dropped = new java.util.concurrent.atomic.AtomicReference<String>();
      var heardAll = new java.util.concurrent.CountDownLatch(1);
      dev.docket.usecase.Subscription subscription =
          !plan.subscriber()
              ? null
              : client.subscribe(
                  dev.docket.usecase.JobFilter.all(),
                  new dev.docket.usecase.JobSubscriber() {
                    @Override
                    public void onChange(dev.docket.usecase.port.JobChange change) {
                      if (change.isFinished() && terminal.incrementAndGet() == plan.jobs()) {
                        heardAll.countDown();
                      }
                    }

                    @Override
                    public void onDropped(String reason) {
                      dropped.set(reason);
                      heardAll.countDown();
                    }
                  });
      if (plan.backlogJobs() > 0) {
        long fill = System.nanoTime();
        fillBacklog(client, plan.backlogJobs());
        figures.put("backlog_fill_s", seconds(System.nanoTime() - fill));
      }
      long enqueueStart = System.nanoTime();
      var awaited = new ArrayList<dev.docket.domain.JobId>();
      for (int from = 0; from < plan.jobs(); from += CHUNK) {
        int size = Math.min(CHUNK, plan.jobs() - from);
        var requests = new ArrayList<JobRequest>(size);
        for (int i = 0; i < size; i++) {
          requests.add(JobRequest.of(JOB, Work.UNTIMED).build());
        }
        var submitted = client.submitAll(requests);
        for (int i = 0; i < submitted.size() && awaited.size() < plan.awaits(); i++) {
          awaited.add(submitted.get(i).id());
        }
      }
      long enqueued = System.nanoTime() - enqueueStart;
      // Callers waiting for some jobs, as web requests that submit and wait do.
      var awaits = new ArrayList<java.util.concurrent.CompletableFuture<?>>();
      for (var id : awaited) {
        awaits.add(client.awaitFinished(id));
      }
      try (Completion completion = completion(runtime)) {
        long cpuBefore = processCpuNanos();
        long startCall = System.nanoTime();
        runtime.start();
        long started = System.nanoTime();
        // The store is asked only once every handler has returned, as the peers' harnesses do:
        // asking it all along took from the workers the database's CPU it measured.
        if (!allHandled.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException(
              "Only %d of %d jobs were handled within %s."
                  .formatted(handled.get(), plan.jobs(), LIMIT));
        }
        long done = completion.awaitAll(plan.jobs(), startCall + LIMIT.toNanos());
        long cpu = processCpuNanos() - cpuBefore;
        long drained = done - startCall;
        double jobsPerSecond = perSecond(plan.jobs(), drained);
        figures.put("jobs", plan.jobs());
        figures.put("drain_jobs_s", jobsPerSecond);
        figures.put("drain_s", seconds(drained));
        figures.put("first_job_ms", millis(firstStart.get() - startCall));
        figures.put("startup_ms", millis((built - begin) + (started - startCall)));
        figures.put("store_start_ms", millis(storeStarted - begin));
        figures.put("build_ms", millis(built - storeStarted));
        figures.put("start_call_ms", millis(started - startCall));
        figures.put("enqueue_jobs_s", perSecond(plan.jobs(), enqueued));
        figures.put("completion_seen_by", completion.describe());
        figures.put("process_cpu", cpu < 0 ? null : round(cpu / (drained * (double) cores())));
        putIdeal(figures, jobsPerSecond);
      }
      if (!awaits.isEmpty()) {
        long finished = 0;
        for (var await : awaits) {
          try {
            await.get(30, TimeUnit.SECONDS);
            finished++;
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.TimeoutException e) {
            // counted as not finished
          }
        }
        figures.put("awaits", awaits.size());
        figures.put("awaits_finished", finished);
      }
      if (subscription != null) {
        heardAll.await(30, TimeUnit.SECONDS);
        figures.put("subscriber_terminal_events", terminal.get());
        figures.put("subscriber_dropped", dropped.get());
        subscription.close();
      }
      runtime.stop(Duration.ofSeconds(10));
    }
    return figures;
  }

  /** Blocking and cpu: the rate the pool would reach if the store cost nothing. */
  private void putIdeal(Map<String, Object> figures, double jobsPerSecond) {
    double ideal =
        switch (plan.workload()) {
          case blocking -> concurrency() * 1e9 / BLOCK.toNanos();
          case cpu -> Math.min(concurrency(), cores()) * 1e9 / BURN.toNanos();
          default -> 0;
        };
    if (ideal > 0) {
      figures.put("ideal_jobs_s", Math.round(ideal * 10) / 10.0);
      figures.put("of_ideal", round(jobsPerSecond / ideal));
    }
  }

  /**
   * Jobs due tomorrow, through the API's bulk path, before the workers start; the parent does this
   * on PostgreSQL, where the rows outlive the process.
   */
  static void fillBacklog(JobClient client, int count) {
    for (int from = 0; from < count; from += BACKLOG_CHUNK) {
      int size = Math.min(BACKLOG_CHUNK, count - from);
      var requests = new ArrayList<JobRequest>(size);
      for (int i = 0; i < size; i++) {
        requests.add(JobRequest.of(JOB, Work.UNTIMED).delay(BACKLOG_DELAY).build());
      }
      client.submitAll(requests);
    }
  }

  // ---- latency ------------------------------------------------------------------------------

  /**
   * Idle workers, then single submits on a fixed grid; a job's latency is its handler's start less
   * the moment just before its submit call.
   */
  private Map<String, Object> latency() throws Exception {
    int count = plan.latencyJobs();
    long[] latencies = new long[count];
    var index = new AtomicInteger();
    var warmedUp = new CountDownLatch(LATENCY_WARMUP_JOBS);
    var measured = new CountDownLatch(count);
    Body body =
        work -> {
          if (work.timed()) {
            int i = index.getAndIncrement();
            if (i < count) {
              latencies[i] = System.nanoTime() - work.sent();
            }
            measured.countDown();
          } else {
            warmedUp.countDown();
          }
        };
    long begin = System.nanoTime();
    DocketStore store = openStore();
    DocketRuntime runtime = build(store, body);
    long built = System.nanoTime();
    var figures = new LinkedHashMap<String, Object>();
    try (runtime) {
      long startCall = System.nanoTime();
      runtime.start();
      long started = System.nanoTime();
      JobClient client = runtime.client();
      for (int i = 0; i < LATENCY_WARMUP_JOBS; i++) {
        client.submit(JOB, Work.UNTIMED);
      }
      await(warmedUp, "warm-up");
      // The workers go idle, as they are when a user's first job arrives.
      TimeUnit.NANOSECONDS.sleep(LATENCY_IDLE.toNanos());
      long[] submits = new long[count];
      long next = System.nanoTime();
      for (int i = 0; i < count; i++) {
        next += plan.intervalNanos();
        long before = System.nanoTime();
        client.submit(JOB, new Work(before, true));
        submits[i] = System.nanoTime() - before;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      await(measured, "measured");
      runtime.stop(Duration.ofSeconds(10));
      Arrays.sort(latencies);
      Arrays.sort(submits);
      figures.put("jobs", count);
      figures.put("interval_ms", plan.intervalNanos() / 1e6);
      figures.put("warmup_jobs", LATENCY_WARMUP_JOBS);
      figures.put("idle_s", LATENCY_IDLE.toMillis() / 1e3);
      figures.put("latency_samples", count);
      figures.put("p50_ms", BenchCommand.percentile(latencies, 0.50));
      figures.put("p90_ms", BenchCommand.percentile(latencies, 0.90));
      figures.put("p99_ms", BenchCommand.percentile(latencies, 0.99));
      figures.put("max_ms", BenchCommand.percentile(latencies, 1.0));
      figures.put("enqueue_p50_ms", BenchCommand.percentile(submits, 0.50));
      figures.put("enqueue_p99_ms", BenchCommand.percentile(submits, 0.99));
      figures.put("first_job_ms", millis(firstStart.get() - startCall));
      figures.put("startup_ms", millis((built - begin) + (started - startCall)));
    }
    return figures;
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "The %s jobs did not all start within %s: %d left."
              .formatted(what, LIMIT, latch.getCount()));
    }
  }

  // ---- The runtime, as a user builds it -----------------------------------------------------

  private DocketStore openStore() {
    if (plan.store() == BenchCommand.Store.memory) {
      return MemoryStore.start();
    }
    var options = PostgresOptions.builder().url(plan.url()).schema(plan.schema());
    if (plan.user() != null) {
      options.user(plan.user());
    }
    if (plan.password() != null) {
      options.password(plan.password());
    }
    // Everything else as a user gets it: migrations checked at start, LISTEN, the default pool.
    return PostgresStore.start(options.build());
  }

  private DocketRuntime build(DocketStore store, Body body) {
    RuntimeOptions options =
        plan.concurrency() == null
            ? RuntimeOptions.defaults()
            : RuntimeOptions.builder().queue(JobSpec.DEFAULT_QUEUE, plan.concurrency()).build();
    JobHandler<Work> handler =
        (work, context) -> {
          firstStart.compareAndSet(Long.MIN_VALUE, System.nanoTime());
          body.run(work);
          if (handled.incrementAndGet() == plan.jobs()) {
            allHandled.countDown();
          }
        };
    return DocketRuntime.builder(store)
        .options(options)
        .handler(JOB, handler)
        .closeStoreOnStop(true)
        .build();
  }

  private int concurrency() {
    return plan.concurrency() != null
        ? plan.concurrency()
        : RuntimeOptions.defaults().queues().get(JobSpec.DEFAULT_QUEUE);
  }

  // ---- Seeing every job completed -----------------------------------------------------------

  private Completion completion(DocketRuntime runtime) throws SQLException {
    if (plan.store() == BenchCommand.Store.memory) {
      return new StatsCompletion(runtime.client(), plan.jobs());
    }
    var properties = new Properties();
    if (plan.user() != null) {
      properties.setProperty("user", plan.user());
    }
    if (plan.password() != null) {
      properties.setProperty("password", plan.password());
    }
    return new DatabaseCompletion(
        DriverManager.getConnection(plan.url(), properties), plan.schema());
  }

  /** Asks the store, from outside the workers, how many of the drained jobs are left. */
  private abstract static class Completion implements AutoCloseable {
    /** The jobs not yet completed. */
    abstract long left() throws Exception;

    /** The jobs that completed, once none are left. */
    abstract long completed() throws Exception;

    abstract String describe();

    /**
     * Polls every {@link #POLL} until no job is left, and returns the {@link System#nanoTime()}
     * just before the query that showed it.
     */
    long awaitAll(long jobs, long deadline) throws Exception {
      while (true) {
        long asked = System.nanoTime();
        if (left() == 0) {
          long completed = completed();
          if (completed != jobs) {
            throw new IllegalStateException(
                "The drain ended with %d of %d jobs completed.".formatted(completed, jobs));
          }
          return asked;
        }
        if (asked > deadline) {
          throw new IllegalStateException(
              "The jobs did not all complete within %s: %d left.".formatted(LIMIT, left()));
        }
        TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
      }
    }

    @Override
    public void close() throws Exception {}
  }

  /**
   * PostgreSQL, on a connection of its own: the jobs left are the pending and running ones, which
   * the claim and running indexes hold, so the query gets cheaper as the drain goes on and a
   * backlog of scheduled jobs adds nothing to it.
   */
  private static final class DatabaseCompletion extends Completion {
    private final Connection connection;
    private final PreparedStatement left;
    private final PreparedStatement completed;

    DatabaseCompletion(Connection connection, String schema) throws SQLException {
      this.connection = connection;
      String table = "\"" + schema + "\".jobs";
      // Whether any is left, not how many: a count read every pending row every 5 ms (40 ms each
      // at the start of a drain), on the two cores it was measuring. Each state through its
      // partial index; with IN, the planner scanned the whole table, backlog included.
      this.left =
          connection.prepareStatement(
              "SELECT (SELECT count(*) FROM (SELECT 1 FROM "
                  + table
                  + " WHERE queue = ? AND state = 'pending' LIMIT 1) p)"
                  + " + (SELECT count(*) FROM (SELECT 1 FROM "
                  + table
                  + " WHERE queue = ? AND state = 'running' LIMIT 1) r)");
      this.left.setString(1, JobSpec.DEFAULT_QUEUE);
      this.left.setString(2, JobSpec.DEFAULT_QUEUE);
      this.completed =
          connection.prepareStatement(
              "SELECT count(*) FROM " + table + " WHERE queue = ? AND state = 'completed'");
      this.completed.setString(1, JobSpec.DEFAULT_QUEUE);
    }

    @Override
    long left() throws SQLException {
      return count(left);
    }

    @Override
    long completed() throws SQLException {
      return count(completed);
    }

    private static long count(PreparedStatement statement) throws SQLException {
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }

    @Override
    String describe() {
      return "whether any job is pending or running, on a separate connection every "
          + POLL.toMillis()
          + " ms once every handler has returned";
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  /**
   * The in-memory store: its queue statistics, which count every job it holds. They do not tell a
   * job due tomorrow from one due now, so the jobs left are those not completed.
   */
  private static final class StatsCompletion extends Completion {
    private final JobClient client;
    private final long jobs;

    StatsCompletion(JobClient client, long jobs) {
      this.client = client;
      this.jobs = jobs;
    }

    @Override
    long left() {
      return jobs - count(JobState.COMPLETED);
    }

    @Override
    long completed() {
      return count(JobState.COMPLETED);
    }

    private long count(JobState state) {
      return client.stats().stream()
          .filter(stats -> stats.queue().equals(JobSpec.DEFAULT_QUEUE))
          .mapToLong(stats -> stats.count(state))
          .sum();
    }

    @Override
    String describe() {
      return "the store's queue statistics every " + POLL.toMillis() + " ms";
    }
  }

  // ---- Figures ------------------------------------------------------------------------------

  /**
   * Computes for {@code duration} of wall time on the calling thread: a virtual thread keeps its
   * carrier meanwhile, so this is CPU time unless the operating system takes the core away.
   */
  static void burn(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    long x = end;
    do {
      for (int i = 0; i < 256; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    } while (System.nanoTime() < end);
    // Published, so that the compiler cannot drop the arithmetic as unused.
    sink = x;
  }

  private static volatile long sink;

  /** This process's CPU time over all its threads, or -1 where the system does not say. */
  private static long processCpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private static double perSecond(long count, long nanos) {
    return Math.round(count / (nanos / 1e9) * 10) / 10.0;
  }

  private static double seconds(long nanos) {
    return round(nanos / 1e9);
  }

  private static double millis(long nanos) {
    return round(nanos / 1e6);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
