package dev.docket.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.json.JacksonPayloadCodec;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code docket bench}: what Docket does on this machine's store, with no-op handlers.
 *
 * <p>On PostgreSQL it works in a schema of its own, {@code docket_bench_<random>}, made at the
 * start and dropped at the end, so it never reads or writes anything else. Each workload runs a
 * fresh runtime, as {@code docket serve} would, and counts from its job events.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure throughput and latency on the in-memory store or a PostgreSQL database.",
      "Workloads: drain (bulk-enqueue N no-op jobs, then process them), latency (one job every"
          + " --interval to idle workers), backlog (drain with future and finished jobs in the"
          + " table), steady (producers and workers at once for --duration).",
      "On PostgreSQL it creates a schema docket_bench_<random> and drops it at the end."
    })
final class BenchCommand implements Callable<Integer> {
  static final JobType<Work> WORK = JobType.of("bench.noop", Work.class);
  private static final String QUEUE_PREFIX = "bench";

  /** A bench job: when it was handed to the client, in this JVM's nanoTime. */
  record Work(long sent) {}

  enum Store {
    memory,
    postgres
  }

  enum Workload {
    drain,
    latency,
    backlog,
    steady
  }

  @Spec CommandSpec spec;

  @CommandLine.Mixin Database database = new Database();

  @Option(
      names = "--store",
      description = "memory or postgres (default: postgres when a database URL is given).")
  Store store;

  @Option(
      names = "--workload",
      split = ",",
      defaultValue = "drain",
      description = "drain, latency, backlog, steady, or a comma list (default ${DEFAULT-VALUE}).")
  List<Workload> workloads;

  @Option(
      names = {"--jobs", "-n"},
      defaultValue = "20000",
      description = "Jobs to drain (default ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--concurrency",
      defaultValue = "1000",
      description =
          "Handlers at once per queue (default ${DEFAULT-VALUE}: virtual threads, and no-op"
              + " handlers, so the store sets the pace).")
  int concurrency;

  @Option(
      names = "--queues",
      defaultValue = "1",
      description = "Queues the jobs are spread over, each with --concurrency (default 1).")
  int queues;

  @Option(
      names = "--producers",
      defaultValue = "2",
      description = "Threads that enqueue (default ${DEFAULT-VALUE}).")
  int producers;

  @Option(
      names = "--batch",
      defaultValue = "1000",
      description = "Jobs per bulk enqueue call (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--future",
      defaultValue = "1000000",
      description = "backlog: future-scheduled jobs in the table (default ${DEFAULT-VALUE}).")
  int future;

  @Option(
      names = "--finished",
      defaultValue = "1000000",
      description = "backlog: finished jobs in the table (default ${DEFAULT-VALUE}).")
  int finished;

  @Option(
      names = "--duration",
      defaultValue = "PT10S",
      description = "latency and steady: how long (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--interval",
      defaultValue = "PT0.02S",
      description = "latency: time between enqueues (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--rate",
      defaultValue = "5000",
      description = "steady: jobs per second the producers aim for (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--warmup",
      defaultValue = "20000",
      description =
          "Jobs each workload first runs and does not count, so the JIT has compiled the hot"
              + " paths (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "3",
      description =
          "The warm-up repeats its jobs until this much time has passed: the in-memory store runs"
              + " 20,000 jobs in a tenth of a second, long before the JIT is done"
              + " (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--platform-threads",
      description = "Run handlers on platform threads instead of virtual threads.")
  boolean platformThreads;

  @Option(names = "--json", description = "Print one JSON object per workload and line.")
  boolean json;

  @Option(names = "--no-progress", description = "No progress bar on standard error.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    validate();
    Store chosen = store != null ? store : database.isGiven() ? Store.postgres : Store.memory;
    if (chosen == Store.postgres && !database.isGiven()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "docket bench --store postgres needs --database-url or DOCKET_DATABASE_URL.");
    }
    PrintWriter out = spec.commandLine().getOut();
    String schema =
        "docket_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    var results = new ArrayList<Map<String, Object>>();
    try {
      if (chosen == Store.postgres) {
        try (var store =
            dev.docket.store.postgres.PostgresStore.start(
                database.options().schema(schema).migrateOnStart(true).listen(false).build())) {
          // made and migrated; each workload opens its own store on it
        }
      }
      for (Workload workload : workloads) {
        if (chosen == Store.postgres) {
          truncate(schema);
        }
        Map<String, Object> result =
            switch (workload) {
              case drain -> drain(chosen, schema, workload, 0, 0);
              case backlog -> drain(chosen, schema, workload, future, finished);
              case latency -> latency(chosen, schema);
              case steady -> steady(chosen, schema);
            };
        results.add(result);
        if (json) {
          out.println(JacksonPayloadCodec.create().encode(result));
          out.flush();
        }
      }
    } finally {
      if (chosen == Store.postgres) {
        dropSchema(schema);
      }
    }
    if (!json) {
      printTable(out, results);
    }
    out.flush();
    return 0;
  }

  private void validate() {
    requireRange("--jobs", jobs, 1, 100_000_000);
    requireRange("--concurrency", concurrency, 1, RuntimeOptions.MAX_CONCURRENCY);
    requireRange("--queues", queues, 1, 100);
    requireRange("--producers", producers, 1, 256);
    requireRange("--batch", batch, 1, 100_000);
    requireRange("--future", future, 0, 100_000_000);
    requireRange("--finished", finished, 0, 100_000_000);
    requireRange("--rate", rate, 1, 10_000_000);
    requireRange("--warmup", warmup, 0, 100_000_000);
    requireRange("--warmup-seconds", warmupSeconds, 0, 3600);
    if (duration.isNegative()
        || duration.isZero()
        || duration.compareTo(Duration.ofHours(24)) > 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--duration %s is out of range: use PT1S to P1D.".formatted(duration));
    }
    if (interval.toMillis() < 1 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--interval %s is out of range: use PT0.001S to PT1M.".formatted(interval));
    }
  }

  private void requireRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "%s %d is out of range: use %d to %d.".formatted(option, value, min, max));
    }
  }

  // ---- Workloads -------------------------------------------------------------------------

  private Map<String, Object> drain(
      Store chosen, String schema, Workload workload, int futureJobs, int finishedJobs)
      throws Exception {
    var counter = new Counter(false);
    try (var node = node(chosen, schema, counter)) {
      if (futureJobs > 0 || finishedJobs > 0) {
        try (var bar = progress("backlog", () -> 0, 0)) {
          fillBacklog(chosen, schema, node.docket, futureJobs, finishedJobs);
        }
      }
      node.start();
      warmUp(node, counter);
      // Workers stay out of the way while the jobs go in: the queue is paused, as an operator
      // would, and resumed to start the drain.
      node.docket.pause(QUEUE_PREFIX + "0");
      for (int q = 1; q < queues; q++) {
        node.docket.pause(QUEUE_PREFIX + q);
      }
      var sent = new AtomicLong();
      long start = System.nanoTime();
      try (var bar = progress("enqueue", sent::get, jobs)) {
        enqueue(node.docket, jobs, sent);
      }
      long enqueued = System.nanoTime() - start;
      counter.expect(jobs);
      var claimsBefore = node.roundTrips.claimTotals();
      var reportsBefore = node.roundTrips.reportTotals();
      long drainStart = System.nanoTime();
      try (var bar = progress("drain", counter::completed, jobs)) {
        for (int q = 0; q < queues; q++) {
          node.docket.resume(QUEUE_PREFIX + q);
        }
        counter.await(Duration.ofMinutes(30));
      }
      long drained = System.nanoTime() - drainStart;
      var result = result(workload, chosen);
      result.put("jobs", jobs);
      result.put("future_jobs", futureJobs);
      result.put("finished_jobs", finishedJobs);
      result.put("enqueue_jobs_s", perSecond(jobs, enqueued));
      result.put("drain_jobs_s", perSecond(jobs, drained));
      result.put("enqueue_s", seconds(enqueued));
      result.put("drain_s", seconds(drained));
      putRoundTrips(result, "claim", claimsBefore, node.roundTrips.claimTotals(), jobs);
      putRoundTrips(result, "report", reportsBefore, node.roundTrips.reportTotals(), jobs);
      return result;
    }
  }

  private Map<String, Object> latency(Store chosen, String schema) throws Exception {
    var counter = new Counter(true);
    try (var node = node(chosen, schema, counter)) {
      node.start();
      warmUp(node, counter);
      long count = Math.max(1, duration.toNanos() / interval.toNanos());
      counter.expect(count);
      var claimsBefore = node.roundTrips.claimTotals();
      var sent = new AtomicLong();
      long[] submits = new long[(int) count];
      try (var bar = progress("latency", sent::get, count)) {
        long next = System.nanoTime();
        for (long i = 0; i < count; i++) {
          next += interval.toNanos();
          long before = System.nanoTime();
          node.docket.client().submit(request(0, (int) (i % queues)));
          submits[(int) i] = System.nanoTime() - before;
          sent.incrementAndGet();
          long wait = next - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        counter.await(Duration.ofMinutes(5));
      }
      var result = result(Workload.latency, chosen);
      result.put("jobs", count);
      result.put("interval_ms", interval.toNanos() / 1e6);
      putLatencies(result, counter.latencies());
      Arrays.sort(submits);
      // The enqueue call alone, which the enqueue-to-start latency above includes.
      result.put("enqueue_p50_ms", percentile(submits, 0.50));
      result.put("enqueue_p99_ms", percentile(submits, 0.99));
      putRoundTrips(result, "claim", claimsBefore, node.roundTrips.claimTotals(), count);
      return result;
    }
  }

  private Map<String, Object> steady(Store chosen, String schema) throws Exception {
    var counter = new Counter(true);
    try (var node = node(chosen, schema, counter)) {
      node.start();
      warmUp(node, counter);
      var sent = new AtomicLong();
      long end = System.nanoTime() + duration.toNanos();
      long perProducer = Math.max(1, rate / producers);
      // Small batches, as an application's requests would send them.
      int chunk = (int) Math.max(1, Math.min(100, perProducer / 100));
      long pause = TimeUnit.SECONDS.toNanos(1) * chunk / perProducer;
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(producers);
      try (var bar =
          progress("steady", () -> (System.nanoTime() - start) / 1_000_000, duration.toMillis())) {
        var futures = new ArrayList<Future<?>>();
        for (int p = 0; p < producers; p++) {
          int producer = p;
          futures.add(
              pool.submit(
                  () -> {
                    long next = System.nanoTime();
                    while (System.nanoTime() < end) {
                      var requests = new ArrayList<JobRequest>(chunk);
                      for (int i = 0; i < chunk; i++) {
                        requests.add(request(0, (int) ((producer + i) % queues)));
                      }
                      node.docket.client().submitAll(requests);
                      sent.addAndGet(chunk);
                      next += pause;
                      long wait = next - System.nanoTime();
                      if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                      }
                    }
                    return null;
                  }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      long produced = System.nanoTime() - start;
      long completedAtEnd = counter.completed();
      counter.expect(sent.get());
      counter.await(Duration.ofMinutes(10));
      long all = System.nanoTime() - start;
      var result = result(Workload.steady, chosen);
      result.put("jobs", sent.get());
      result.put("target_jobs_s", rate);
      result.put("enqueue_jobs_s", perSecond(sent.get(), produced));
      result.put("completed_during_s", perSecond(completedAtEnd, produced));
      result.put("drain_jobs_s", perSecond(sent.get(), all));
      result.put("backlog_at_end", sent.get() - completedAtEnd);
      putLatencies(result, counter.latencies());
      return result;
    }
  }

  /**
   * Runs {@code --warmup} jobs through a started node, half in bulk and half one by one, and waits
   * for them: the JIT compiles the paths the workload then measures.
   */
  private void warmUp(Node node, Counter counter) throws Exception {
    if (warmup == 0) {
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(warmupSeconds).toNanos();
    try (var bar = progress("warm-up", counter::completed, warmup)) {
      do {
        int bulk = warmup / 2;
        enqueue(node.docket, bulk, new AtomicLong());
        for (int i = bulk; i < warmup; i++) {
          node.docket.client().submit(request(0, i % queues));
        }
        counter.expect(warmup);
        counter.await(Duration.ofMinutes(10));
        counter.reset();
      } while (System.nanoTime() < deadline);
    }
  }

  private void enqueue(DocketRuntime docket, int count, AtomicLong sent) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try {
      var futures = new ArrayList<Future<?>>();
      var next = new AtomicLong();
      for (int p = 0; p < producers; p++) {
        futures.add(
            pool.submit(
                () -> {
                  long from;
                  while ((from = next.getAndAdd(batch)) < count) {
                    int size = (int) Math.min(batch, count - from);
                    var requests = new ArrayList<JobRequest>(size);
                    for (int i = 0; i < size; i++) {
                      requests.add(request(0, (int) ((from + i) % queues)));
                    }
                    docket.client().submitAll(requests);
                    sent.addAndGet(size);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static JobRequest request(long delayMillis, int queue) {
    var builder = JobRequest.of(WORK, new Work(System.nanoTime())).queue(QUEUE_PREFIX + queue);
    if (delayMillis > 0) {
      builder.delay(Duration.ofMillis(delayMillis));
    }
    return builder.build();
  }

  private void fillBacklog(
      Store chosen, String schema, DocketRuntime docket, int futureJobs, int finishedJobs)
      throws SQLException {
    if (chosen == Store.postgres) {
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        String table = "\"" + schema + "\".jobs";
        String columns =
            "(id, queue, kind, payload, priority, state, attempt, max_attempts, retry_kind,"
                + " retry_base_ns, retry_cap_ns, run_at, created_at, updated_at, finished_at,"
                + " version)";
        // Future jobs at every priority, many above the runnable ones, spread over a day.
        s.execute(
            ("INSERT INTO %s %s SELECT gen_random_uuid(), '%s' || (g %% %d), 'bench.noop',"
                    + " '{\"sent\":0}', g %% 101, 'scheduled', 0, 25, 'exponential', 1000000000,"
                    + " 3600000000000, now() + interval '1 hour' + g * interval '50 ms',"
                    + " now(), now(), NULL, 1 FROM generate_series(1, %d) g")
                .formatted(table, columns, QUEUE_PREFIX, queues, futureJobs));
        s.execute(
            ("INSERT INTO %s %s SELECT gen_random_uuid(), '%s' || (g %% %d), 'bench.noop',"
                    + " '{\"sent\":0}', 50, 'completed', 1, 25, 'exponential', 1000000000,"
                    + " 3600000000000, now() - interval '2 hours', now() - interval '2 hours',"
                    + " now() - interval '1 hour', now() - interval '1 hour', 3"
                    + " FROM generate_series(1, %d) g")
                .formatted(table, columns, QUEUE_PREFIX, queues, finishedJobs));
        s.execute("ANALYZE " + table);
        // Two million rows are a gigabyte of WAL: without a checkpoint now, the one they trigger
        // lands in the measured drain and stalls every commit behind its writes (a 50x slower run
        // was seen). A backlog built up over days has no such burst. Needs superuser or, from
        // PostgreSQL 15, pg_checkpoint; without either the run goes on, and may show the stall.
        try {
          s.execute("CHECKPOINT");
        } catch (SQLException e) {
          System.err.println(
              "docket bench: no CHECKPOINT after the backlog (" + e.getMessage() + ").");
        }
      }
      return;
    }
    var storage = docket.storage();
    var client = docket.client();
    for (int done = 0; done < futureJobs; done += 10_000) {
      var requests = new ArrayList<JobRequest>();
      for (int i = done; i < Math.min(futureJobs, done + 10_000); i++) {
        requests.add(request(3_600_000 + i, i % queues));
      }
      client.submitAll(requests);
    }
    // Finished jobs: submitted to a queue no pool serves, then claimed and completed directly.
    String parked = "bench-finished";
    for (int done = 0; done < finishedJobs; done += 1_000) {
      int size = Math.min(1_000, finishedJobs - done);
      var requests = new ArrayList<JobRequest>();
      for (int i = 0; i < size; i++) {
        requests.add(JobRequest.of(WORK, new Work(0)).queue(parked).build());
      }
      client.submitAll(requests);
      Instant now = Instant.now();
      var claimed =
          storage.claim(
              new dev.docket.usecase.port.ClaimRequest(
                  parked, size, "bench", Duration.ofMinutes(5), now));
      storage.report(
          claimed.stream()
              .map(
                  job ->
                      (dev.docket.domain.Outcome)
                          new dev.docket.domain.Outcome.Completed(
                              job.id(), job.lease().orElseThrow().fence(), now))
              .toList());
    }
  }

  // ---- A node ----------------------------------------------------------------------------

  /** One runtime on the chosen store, with a no-op handler and the event counter. */
  private Node node(Store chosen, String schema, Counter counter) {
    var options =
        RuntimeOptions.builder()
            .owner("bench-" + UUID.randomUUID().toString().substring(0, 8))
            .noPriorityAging()
            .virtualThreads(!platformThreads)
            .shutdownGrace(Duration.ofSeconds(5));
    for (int q = 0; q < queues; q++) {
      options.queue(QUEUE_PREFIX + q, concurrency);
    }
    var storeModule =
        chosen == Store.postgres
            ? new PostgresStoreModule(
                database
                    .options()
                    .schema(schema)
                    .migrateOnStart(false)
                    .listen(true)
                    .poolSize(Math.min(PostgresOptions.MAX_POOL_SIZE, 4 + queues * 2 + producers))
                    .build())
            : new MemoryStoreModule();
    var roundTrips = new RoundTrips();
    var injector =
        Guice.createInjector(
            storeModule,
            new DocketModule(options.build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(HandlerBinding.of(WORK, (work, context) -> counter.started(work)));
                DocketModule.listeners(binder()).addBinding().toInstance(counter);
                DocketModule.observers(binder()).addBinding().toInstance(roundTrips);
              }
            });
    return new Node(injector.getInstance(DocketRuntime.class), roundTrips);
  }

  private static final class Node implements AutoCloseable {
    final DocketRuntime docket;
    final RoundTrips roundTrips;

    Node(DocketRuntime docket, RoundTrips roundTrips) {
      this.docket = docket;
      this.roundTrips = roundTrips;
    }

    void start() {
      docket.start();
    }

    @Override
    public void close() {
      docket.stop(Duration.ofSeconds(5));
    }
  }

  /** Counts completions and keeps enqueue-to-start latencies. Thread-safe. */
  static final class Counter implements JobListener {
    private final AtomicLong completed = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private volatile long expected = Long.MAX_VALUE;
    private volatile CountDownLatch done = new CountDownLatch(1);
    private final boolean keepLatencies;

    /**
     * A counter; {@code keepLatencies} for the workloads that report them, since a million kept
     * latencies are a million objects for the collector to copy in the middle of a drain.
     */
    Counter(boolean keepLatencies) {
      this.keepLatencies = keepLatencies;
    }

    void started(Work work) {
      if (keepLatencies && work.sent() > 0) {
        latencies.add(System.nanoTime() - work.sent());
      }
    }

    @Override
    public void on(JobEvent event) {
      if (event.type() == JobEvent.Type.COMPLETED
          && event.queue().startsWith(QUEUE_PREFIX)
          && completed.incrementAndGet() >= expected) {
        done.countDown();
      }
    }

    void reset() {
      completed.set(0);
      latencies.clear();
      expected = Long.MAX_VALUE;
      done = new CountDownLatch(1);
    }

    void expect(long count) {
      expected = count;
      if (completed.get() >= count) {
        done.countDown();
      }
    }

    long completed() {
      return completed.get();
    }

    void await(Duration limit) throws InterruptedException {
      if (!done.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "Only %d of %d jobs completed within %s.".formatted(completed.get(), expected, limit));
      }
    }

    long[] latencies() {
      long[] all = latencies.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(all);
      return all;
    }
  }

  // ---- Output ----------------------------------------------------------------------------

  private Map<String, Object> result(Workload workload, Store chosen) {
    var result = new LinkedHashMap<String, Object>();
    result.put("system", "docket");
    result.put("version", "0.1.0");
    result.put("workload", workload.name());
    result.put("store", chosen.name());
    var settings = new LinkedHashMap<String, Object>();
    settings.put("concurrency", concurrency);
    settings.put("queues", queues);
    settings.put("producers", producers);
    settings.put("batch", batch);
    settings.put("threads", platformThreads ? "platform" : "virtual");
    settings.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("settings", settings);
    result.put("at", Instant.now().toString());
    return result;
  }

  /** How many round trips a phase took, their mean time, and jobs per round trip. */
  private static void putRoundTrips(
      Map<String, Object> result,
      String what,
      RoundTrips.Totals before,
      RoundTrips.Totals after,
      long jobs) {
    long count = after.count() - before.count();
    result.put(what + "s", count);
    result.put(
        what + "_mean_ms",
        count == 0 ? null : round((after.seconds() - before.seconds()) * 1000 / count));
    result.put("jobs_per_" + what, count == 0 ? null : round((double) jobs / count));
  }

  private static void putLatencies(Map<String, Object> result, long[] sorted) {
    result.put("latency_samples", sorted.length);
    result.put("p50_ms", percentile(sorted, 0.50));
    result.put("p95_ms", percentile(sorted, 0.95));
    result.put("p99_ms", percentile(sorted, 0.99));
    result.put("max_ms", sorted.length == 0 ? null : round(sorted[sorted.length - 1] / 1e6));
  }

  /** The {@code q} quantile of sorted nanoseconds, in milliseconds. */
  static Double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return null;
    }
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return round(sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6);
  }

  private static double perSecond(long count, long nanos) {
    return Math.round(count / (nanos / 1e9) * 10) / 10.0;
  }

  private static double seconds(long nanos) {
    return round(nanos / 1e9);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private void printTable(PrintWriter out, List<Map<String, Object>> results) {
    out.printf(
        Locale.ROOT,
        "%-8s %-8s %9s %14s %12s %8s %8s %8s %8s%n",
        "workload",
        "store",
        "jobs",
        "enqueue jobs/s",
        "drain jobs/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms");
    for (Map<String, Object> r : results) {
      out.printf(
          Locale.ROOT,
          "%-8s %-8s %9s %14s %12s %8s %8s %8s %8s%n",
          r.get("workload"),
          r.get("store"),
          r.get("jobs"),
          dash(r.get("enqueue_jobs_s")),
          dash(r.get("drain_jobs_s")),
          dash(r.get("p50_ms")),
          dash(r.get("p95_ms")),
          dash(r.get("p99_ms")),
          dash(r.get("max_ms")));
    }
    out.printf(
        Locale.ROOT,
        "concurrency %d x %d queue(s), %d producer(s), batches of %d, %d cores%n",
        concurrency,
        queues,
        producers,
        batch,
        Runtime.getRuntime().availableProcessors());
  }

  private static String dash(Object value) {
    return value == null ? "-" : String.valueOf(value);
  }

  /** A progress bar on standard error, shown once a phase has run for two seconds. */
  private Progress progress(String phase, LongSupplier done, long total) {
    return new Progress(phase, done, total, !noProgress, spec.commandLine().getErr());
  }

  private static final class Progress implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean shown;
    private final PrintWriter err;

    Progress(String phase, LongSupplier done, long total, boolean enabled, PrintWriter err) {
      this.err = err;
      long start = System.nanoTime();
      this.thread =
          Thread.ofPlatform()
              .daemon()
              .name("docket-bench-progress")
              .unstarted(
                  () -> {
                    while (running) {
                      try {
                        Thread.sleep(250);
                      } catch (InterruptedException e) {
                        return;
                      }
                      double elapsed = (System.nanoTime() - start) / 1e9;
                      if (!running || elapsed < 2) {
                        continue;
                      }
                      shown = true;
                      long now = done.getAsLong();
                      int width = 30;
                      int filled = total <= 0 ? 0 : (int) Math.min(width, now * width / total);
                      err.print(
                          "\r%-8s [%s%s] %s %.1f s "
                              .formatted(
                                  phase,
                                  "#".repeat(filled),
                                  " ".repeat(width - filled),
                                  total <= 0 ? "" : "%d/%d".formatted(now, total),
                                  elapsed));
                      err.flush();
                    }
                  });
      if (enabled) {
        thread.start();
      }
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (shown) {
        err.print("\r" + " ".repeat(70) + "\r");
        err.flush();
      }
    }
  }

  // ---- The bench schema ------------------------------------------------------------------

  private Connection connect() throws SQLException {
    var properties = new Properties();
    if (database.user != null && !database.user.isBlank()) {
      properties.setProperty("user", database.user);
    }
    if (database.password != null && !database.password.isEmpty()) {
      properties.setProperty("password", database.password);
    }
    return DriverManager.getConnection(database.url, properties);
  }

  private void truncate(String schema) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "TRUNCATE \"%s\".jobs, \"%s\".paused_queues, \"%s\".schedules, \"%s\".leader_leases"
              .formatted(schema, schema, schema, schema));
      s.execute("VACUUM ANALYZE \"%s\".jobs".formatted(schema));
    }
  }

  private void dropSchema(String schema) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"%s\" CASCADE".formatted(schema));
    } catch (SQLException e) {
      spec.commandLine()
          .getErr()
          .printf("docket: could not drop the bench schema %s: %s%n", schema, e.getMessage());
    }
  }
}
