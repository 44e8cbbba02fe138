package dev.docket.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import java.io.PrintStream;
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
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code docket bench}: what Docket does on this machine's store.
 *
 * <p>By default it measures as a user's first test does: each run is a new JVM ({@link FreshBench}
 * starts {@link BenchProcess}) on the library API, at the runtime's default concurrency, with its
 * start-up counted. With {@code --warm} the workloads run in this process after a warm-up, at a
 * concurrency of 1,000 virtual threads and with no-op handlers, so the store sets the pace: a tuned
 * node's figures, which a user does not see at first.
 *
 * <p>On PostgreSQL it works in a schema of its own, {@code docket_bench_<random>}, made at the
 * start and dropped at the end, so it never reads or writes anything else. Standard output carries
 * the results only; log lines, this process's and the runs', go to standard error.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure throughput and latency on the in-memory store or a PostgreSQL database.",
      "By default each run is a fresh JVM doing what a user's first test does: the library API,"
          + " the runtime's default concurrency (10), start-up counted. --warm measures in this"
          + " process after a warm-up, at concurrency 1000, as before. --java-option passes JVM"
          + " options to the fresh runs' processes.",
      "Workloads: drain (bulk-enqueue --jobs no-op jobs, then start the workers), latency (single"
          + " jobs every --interval to idle workers), backlog (drain with --future jobs due"
          + " tomorrow in the table), blocking (handlers sleep 5 ms), cpu (handlers compute for 1"
          + " ms); with --warm: drain, latency, backlog, steady.",
      "On PostgreSQL it creates a schema docket_bench_<random> and drops it at the end.",
      "Standard output carries results only; log lines go to standard error."
    })
final class BenchCommand implements Callable<Integer> {
  static final JobType<Work> WORK = JobType.of("bench.noop", Work.class);
  private static final String QUEUE_PREFIX = "bench";

  /** The warm procedure's concurrency per queue: the store, not the pool, sets the pace. */
  static final int WARM_CONCURRENCY = 1_000;

  static final int FRESH_FUTURE = 500_000;
  static final int WARM_FUTURE = 1_000_000;
  static final int WARM_FINISHED = 1_000_000;
  static final Duration FRESH_DURATION = Duration.ofSeconds(6);
  static final Duration WARM_DURATION = Duration.ofSeconds(10);

  /** The options only the warm procedure has. */
  private static final List<String> WARM_ONLY =
      List.of(
          "--queues",
          "--producers",
          "--batch",
          "--finished",
          "--rate",
          "--warmup",
          "--warmup-seconds",
          "--platform-threads");

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
    steady,
    blocking,
    cpu
  }

  @Spec CommandSpec spec;

  @CommandLine.Mixin Database database = new Database();

  @Option(
      names = "--store",
      description = "memory or postgres (default: postgres when a database URL is given).")
  Store store;

  @Option(
      names = "--warm",
      description =
          "Measure in this process after a warm-up, at --concurrency 1000 by default: a tuned"
              + " node's figures rather than a user's first run.")
  boolean warm;

  @Option(
      names = "--workload",
      split = ",",
      defaultValue = "drain",
      description =
          "drain, latency, backlog, blocking, cpu (steady with --warm), or a comma list"
              + " (default ${DEFAULT-VALUE}).")
  List<Workload> workloads;

  @Option(
      names = {"--jobs", "-n"},
      defaultValue = "20000",
      description = "Jobs to drain (default ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--concurrency",
      paramLabel = "<n>",
      description =
          "Handlers at once (default: the runtime's default, 10; with --warm 1000 per queue).")
  Integer concurrencyOption;

  @Option(
      names = "--runs",
      paramLabel = "<n>",
      defaultValue = "1",
      description =
          "Runs of each workload, each in a new process unless --warm; with more than one, a"
              + " median follows them (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--queues",
      defaultValue = "1",
      description = "--warm: queues the jobs are spread over, each with --concurrency (default 1).")
  int queues;

  @Option(
      names = "--producers",
      defaultValue = "2",
      description = "--warm: threads that enqueue (default ${DEFAULT-VALUE}).")
  int producers;

  @Option(
      names = "--batch",
      defaultValue = "1000",
      description = "--warm: jobs per bulk enqueue call (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--future",
      paramLabel = "<jobs>",
      description =
          "backlog: future jobs in the table (default 500000 due tomorrow; with --warm 1000000,"
              + " due over a day from an hour ahead).")
  Integer futureOption;

  @Option(
      names = "--finished",
      paramLabel = "<jobs>",
      description = "--warm backlog: finished jobs in the table (default 1000000).")
  Integer finishedOption;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      description =
          "latency (and steady with --warm): how long to submit (default PT6S, 300 jobs at the"
              + " default interval; with --warm PT10S).")
  Duration durationOption;

  @Option(
      names = "--interval",
      paramLabel = "<duration>",
      defaultValue = "PT0.02S",
      description = "latency: time between two submits (default ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--rate",
      defaultValue = "5000",
      description =
          "--warm steady: jobs per second the producers aim for (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--warmup",
      defaultValue = "20000",
      description =
          "--warm: jobs each workload first runs and does not count, so the JIT has compiled the"
              + " hot paths (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--warmup-seconds",
      defaultValue = "3",
      description =
          "--warm: the warm-up repeats its jobs until this much time has passed: the in-memory"
              + " store runs 20,000 jobs in a tenth of a second, long before the JIT is done"
              + " (default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(
      names = "--platform-threads",
      description = "--warm: run handlers on platform threads instead of virtual threads.")
  boolean platformThreads;

  @Option(
      names = "--json",
      description = "Print one JSON object per run and line, and nothing else, on standard output.")
  boolean json;

  @Option(
      names = "--subscriber",
      description =
          "Fresh drain and backlog: one subscriber on every change of every job, as an open"
              + " dashboard is, counting the finished jobs it hears of; the figures say how many"
              + " and whether it was dropped for falling behind.")
  boolean subscriber;

  @Option(
      names = "--awaits",
      paramLabel = "<n>",
      description =
          "Fresh drain and backlog: await the first <n> jobs (0 to 10000, default 0) from the"
              + " start, as web requests that submit and wait do; the figures say how many"
              + " finished.")
  int awaits;

  @Option(
      names = "--java-option",
      paramLabel = "<option>",
      description =
          "Fresh runs: a JVM option for each run's process, such as -XX:TieredStopAtLevel=1 or"
              + " -XX:AOTCache=app.aot; repeat it for more than one, and write"
              + " --java-option=<option> for one that looks like an option of bench (default:"
              + " none, as java -cp app.jar Main gets).")
  List<String> javaOptions = new ArrayList<>();

  @Option(names = "--no-progress", description = "No progress bar on standard error.")
  boolean noProgress;

  /** The values in effect: the options, or the procedure's defaults. */
  int concurrency;

  int future;
  int finished;
  Duration duration;

  /** The run being measured, from 1. */
  private int run;

  /** The bench's own schema on PostgreSQL, dropped at the end. */
  private String schema;

  private boolean checkpointRefused;

  @Override
  public Integer call() throws Exception {
    validate();
    Store chosen = store != null ? store : database.isGiven() ? Store.postgres : Store.memory;
    if (chosen == Store.postgres && !database.isGiven()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "docket bench --store postgres needs --database-url or DOCKET_DATABASE_URL.");
    }
    // Taken before System.out is redirected below, so results still reach standard output.
    PrintWriter out = spec.commandLine().getOut();
    // Standard output carries results only. Logback's console appender, like anything else that
    // prints to System.out, looks System.out up at each write: while bench runs, that is stderr.
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      List<Map<String, Object>> results = measure(chosen, out);
      if (!json) {
        if (warm) {
          printWarmTable(out, results);
        } else {
          printFreshTable(out, results);
        }
      }
    } finally {
      System.setOut(stdout);
    }
    out.flush();
    return 0;
  }

  private List<Map<String, Object>> measure(Store chosen, PrintWriter out) throws Exception {
    schema = "docket_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    var results = new ArrayList<Map<String, Object>>();
    try {
      if (chosen == Store.postgres) {
        try (var store =
            PostgresStore.start(
                database.options().schema(schema).migrateOnStart(true).listen(false).build())) {
          // made and migrated; each workload opens its own store on it
        }
      }
      for (Workload workload : workloads) {
        var measured = new ArrayList<Map<String, Object>>();
        Map<String, Object> backlog = Map.of();
        if (!warm && workload == Workload.backlog && chosen == Store.postgres) {
          backlog = fillFreshBacklog(schema);
        }
        for (run = 1; run <= runs; run++) {
          if (chosen == Store.postgres) {
            reset(schema, !warm && workload == Workload.backlog);
          }
          Map<String, Object> result =
              warm ? warm(chosen, schema, workload) : fresh(chosen, schema, workload, backlog);
          measured.add(result);
          emit(out, results, result);
        }
        if (runs > 1) {
          emit(out, results, median(measured));
        }
      }
    } finally {
      if (chosen == Store.postgres) {
        dropSchema(schema);
      }
    }
    return results;
  }

  private void emit(PrintWriter out, List<Map<String, Object>> results, Map<String, Object> r) {
    results.add(r);
    if (json) {
      out.println(DocketCommand.CODEC.encode(r));
      out.flush();
    }
  }

  private Map<String, Object> warm(Store chosen, String schema, Workload workload)
      throws Exception {
    return switch (workload) {
      case drain -> drain(chosen, schema, workload, 0, 0);
      case backlog -> drain(chosen, schema, workload, future, finished);
      case latency -> latency(chosen, schema);
      case steady -> steady(chosen, schema);
      case blocking, cpu -> throw new IllegalStateException("validated: fresh only");
    };
  }

  private void validate() {
    requireRange("--jobs", jobs, 1, 100_000_000);
    if (concurrencyOption != null) {
      requireRange("--concurrency", concurrencyOption, 1, RuntimeOptions.MAX_CONCURRENCY);
    }
    requireRange("--runs", runs, 1, 100);
    requireRange("--queues", queues, 1, 100);
    requireRange("--producers", producers, 1, 256);
    requireRange("--batch", batch, 1, 100_000);
    if (futureOption != null) {
      requireRange("--future", futureOption, 0, 100_000_000);
    }
    if (finishedOption != null) {
      requireRange("--finished", finishedOption, 0, 100_000_000);
    }
    requireRange("--rate", rate, 1, 10_000_000);
    requireRange("--warmup", warmup, 0, 100_000_000);
    requireRange("--warmup-seconds", warmupSeconds, 0, 3600);
    concurrency =
        concurrencyOption != null
            ? concurrencyOption
            : warm ? WARM_CONCURRENCY : RuntimeOptions.DEFAULT_CONCURRENCY;
    future = futureOption != null ? futureOption : warm ? WARM_FUTURE : FRESH_FUTURE;
    finished = finishedOption != null ? finishedOption : warm ? WARM_FINISHED : 0;
    duration = durationOption != null ? durationOption : warm ? WARM_DURATION : FRESH_DURATION;
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
    requireRange("--awaits", awaits, 0, 10_000);
    if (warm) {
      if (awaits > 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--awaits runs in fresh processes only: leave out --warm.");
      }
      if (subscriber) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--subscriber runs in fresh processes only: leave out --warm.");
      }
      if (!javaOptions.isEmpty()) {
        // The warm workloads run in this JVM, whose options are already set: give them to java.
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--java-option applies to the fresh processes only: with --warm, give JVM options"
                + " to the java that runs docket.");
      }
      for (Workload workload : workloads) {
        if (workload == Workload.blocking || workload == Workload.cpu) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--workload %s runs in fresh processes only: leave out --warm.".formatted(workload));
        }
      }
      return;
    }
    for (String option : javaOptions) {
      // Anything else would reach the java command line as its main class or an argument.
      if (!option.startsWith("-") || option.length() < 2) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--java-option '%s' is not a JVM option: each starts with '-', as %s does."
                .formatted(option, "-XX:TieredStopAtLevel=1"));
      }
      // These name what the JVM runs, which is the measured process's own class path and class.
      String name = option.split("=", 2)[0];
      if (List.of("-cp", "-classpath", "--class-path", "-jar", "-m", "--module").contains(name)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            ("--java-option '%s' would change what the run's JVM runs: bench gives it its own"
                    + " class path and class. Give the options that tune the JVM.")
                .formatted(option));
      }
    }
    if (workloads.contains(Workload.steady)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--workload steady runs with --warm only.");
    }
    var parsed = spec.commandLine().getParseResult();
    for (String option : WARM_ONLY) {
      if (parsed.hasMatchedOption(option)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "%s applies to --warm only.".formatted(option));
      }
    }
  }

  private void requireRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "%s %d is out of range: use %d to %d.".formatted(option, value, min, max));
    }
  }

  // ---- The fresh-process procedure ----------------------------------------------------------

  /** One run in a new process; the figures are the process's, the rest says how it was run. */
  private Map<String, Object> fresh(
      Store chosen, String schema, Workload workload, Map<String, Object> backlog)
      throws Exception {
    boolean memoryBacklog = workload == Workload.backlog && chosen == Store.memory;
    var plan =
        new BenchProcess.Plan(
            workload,
            chosen,
            database.url,
            blankToNull(database.user),
            database.password == null || database.password.isEmpty() ? null : database.password,
            schema,
            jobs,
            concurrencyOption,
            (int) Math.max(1, duration.toNanos() / interval.toNanos()),
            interval.toNanos(),
            memoryBacklog ? future : 0,
            subscriber,
            awaits);
    Map<String, Object> figures =
        new FreshBench(spec.commandLine().getErr(), javaOptions).run(plan);
    var result = header(workload, chosen);
    if (workload == Workload.backlog) {
      result.put("future_jobs", future);
      result.put(
          "backlog_fill",
          "submitAll, %,d jobs a call, due in %s, %s"
              .formatted(
                  BenchProcess.BACKLOG_CHUNK,
                  BenchProcess.BACKLOG_DELAY,
                  memoryBacklog
                      ? "by the measured process before it enqueued the drain's jobs"
                      : "by docket bench before the measured process started"));
      result.putAll(backlog);
    }
    result.putAll(figures);
    return result;
  }

  /**
   * PostgreSQL's backlog for the fresh runs, once for all of them: the rows outlive the processes,
   * and each run then deletes only what it drained.
   */
  private Map<String, Object> fillFreshBacklog(String schema) {
    if (!noProgress) {
      spec.commandLine()
          .getErr()
          .printf("docket bench: filling the backlog, %,d jobs due tomorrow...%n", future);
      spec.commandLine().getErr().flush();
    }
    long start = System.nanoTime();
    try (var store =
        PostgresStore.start(
            database.options().schema(schema).migrateOnStart(false).listen(false).build())) {
      var client =
          new JobClient(
              store.storage(),
              DocketCommand.CODEC,
              DocketCommand.CLOCK,
              ThreadLocalRandom.current());
      BenchProcess.fillBacklog(client, future);
    }
    long nanos = System.nanoTime() - start;
    return Map.of(
        "backlog_fill_s", seconds(nanos), "backlog_fill_jobs_s", perSecond(future, nanos));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  // ---- Workloads -------------------------------------------------------------------------
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

  /**
   * What every line starts with: the workload and store, and how it was measured, so that no figure
   * is read without its procedure, concurrency and warmth.
   */
  private Map<String, Object> header(Workload workload, Store chosen) {
    var result = new LinkedHashMap<String, Object>();
    result.put("system", "docket");
    result.put("version", "0.1.0");
    result.put("workload", workload.name());
    result.put("store", chosen.name());
    if (chosen == Store.postgres) {
      result.put("schema", schema);
    }
    result.put("procedure", warm ? "warm-in-process" : "fresh-process");
    result.put("warm", warm);
    result.put("concurrency", concurrency);
    result.put("concurrency_is_default", concurrencyOption == null);
    if (!warm) {
      result.put("java_options", List.copyOf(javaOptions));
    }
    result.put("result", "run");
    result.put("run", run);
    result.put("runs", runs);
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("at", Instant.now().toString());
    return result;
  }

  private Map<String, Object> result(Workload workload, Store chosen) {
    var result = header(workload, chosen);
    result.put("warmup_jobs", warmup);
    result.put("warmup_seconds", warmupSeconds);
    var settings = new LinkedHashMap<String, Object>();
    settings.put("concurrency", concurrency);
    settings.put("queues", queues);
    settings.put("producers", producers);
    settings.put("batch", batch);
    settings.put("threads", platformThreads ? "platform" : "virtual");
    settings.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("settings", settings);
    return result;
  }

  /**
   * The median of each figure over {@code runs}: numbers that every run has; other values when
   * every run has the same.
   */
  static Map<String, Object> median(List<Map<String, Object>> runs) {
    var median = new LinkedHashMap<String, Object>();
    for (var entry : runs.get(0).entrySet()) {
      String key = entry.getKey();
      if (key.equals("run") || key.equals("pid") || key.equals("at")) {
        continue;
      }
      var values = runs.stream().map(r -> r.get(key)).toList();
      if (values.stream().allMatch(v -> v instanceof Number)) {
        double[] sorted =
            values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray();
        int middle = sorted.length / 2;
        double value =
            sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        median.put(key, value == Math.rint(value) ? (Object) (long) value : (Object) round(value));
      } else if (values.stream().allMatch(v -> Objects.equals(v, values.get(0)))) {
        median.put(key, values.get(0));
      }
    }
    median.put("result", "median");
    return median;
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

  private void printWarmTable(PrintWriter out, List<Map<String, Object>> results) {
    printTable(
        out,
        "%-8s %-8s %6s %9s %14s %12s %8s %8s %8s %8s%n",
        List.of(
            "workload",
            "store",
            "run",
            "jobs",
            "enqueue jobs/s",
            "drain jobs/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms"),
        List.of("enqueue_jobs_s", "drain_jobs_s", "p50_ms", "p95_ms", "p99_ms", "max_ms"),
        results);
    out.printf(
        Locale.ROOT,
        "warm: in this process, after a warm-up of %d jobs (repeated for at least %d s);"
            + " concurrency %d x %d queue(s), %d producer(s), batches of %d, %d cores%n",
        warmup,
        warmupSeconds,
        concurrency,
        queues,
        producers,
        batch,
        Runtime.getRuntime().availableProcessors());
  }

  private void printFreshTable(PrintWriter out, List<Map<String, Object>> results) {
    printTable(
        out,
        "%-8s %-8s %6s %9s %10s %10s %11s %8s %8s %8s %8s%n",
        List.of(
            "workload",
            "store",
            "run",
            "jobs",
            "jobs/s",
            "startup ms",
            "1st job ms",
            "p50 ms",
            "p99 ms",
            "of ideal",
            "cpu"),
        List.of(
            "drain_jobs_s",
            "startup_ms",
            "first_job_ms",
            "p50_ms",
            "p99_ms",
            "of_ideal",
            "process_cpu"),
        results);
    out.printf(
        Locale.ROOT,
        "fresh process per run (not warm): the library API, start-up counted; concurrency %d%s,"
            + " %d cores; %s%n",
        concurrency,
        concurrencyOption == null ? " (the runtime's default)" : "",
        Runtime.getRuntime().availableProcessors(),
        javaOptions.isEmpty() ? "no JVM options" : "JVM options " + String.join(" ", javaOptions));
  }

  /**
   * One line of headers, then a line per result: its workload, store, run and jobs, then the
   * figures named by {@code figures}, a dash where a result has none.
   */
  private static void printTable(
      PrintWriter out,
      String row,
      List<String> headers,
      List<String> figures,
      List<Map<String, Object>> results) {
    out.printf(Locale.ROOT, row, headers.toArray());
    for (Map<String, Object> r : results) {
      var cells =
          new ArrayList<Object>(
              Arrays.asList(r.get("workload"), r.get("store"), runLabel(r), r.get("jobs")));
      figures.forEach(figure -> cells.add(dash(r.get(figure))));
      out.printf(Locale.ROOT, row, cells.toArray());
    }
  }

  private static Object runLabel(Map<String, Object> r) {
    return "median".equals(r.get("result")) ? "median" : r.get("run");
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

  /**
   * Empties the bench schema for the next run, but for the backlog's scheduled jobs when {@code
   * keepScheduled}, and checkpoints, so that no run inherits another's dead rows or dirty pages.
   */
  private void reset(String schema, boolean keepScheduled) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "TRUNCATE \"%s\".paused_queues, \"%s\".schedules, \"%s\".leader_leases, \"%s\".nodes"
              .formatted(schema, schema, schema, schema));
      s.execute(
          keepScheduled
              ? "DELETE FROM \"%s\".jobs WHERE state <> 'scheduled'".formatted(schema)
              : "TRUNCATE \"%s\".jobs".formatted(schema));
      s.execute("VACUUM ANALYZE \"%s\".jobs".formatted(schema));
      // Needs superuser or pg_checkpoint; without it runs go on, and may meet a checkpoint.
      try {
        s.execute("CHECKPOINT");
      } catch (SQLException e) {
        if (!checkpointRefused) {
          checkpointRefused = true;
          spec.commandLine()
              .getErr()
              .printf("docket bench: no CHECKPOINT before the runs (%s).%n", e.getMessage());
        }
      }
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
