package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.RetryPolicy;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.NonRetryableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The fault-injection suite: three {@link FaultWorker} processes work through many jobs on one
 * PostgreSQL while this test kills one of them with SIGKILL every few seconds (and starts a
 * replacement), and once, mid-run, terminates every backend of Docket's with {@code
 * pg_terminate_backend}. At the end it checks the books: every job finished exactly as its payload
 * says it should, nothing is lost or stuck, and every execution beyond the first of a job is
 * explained by a kill, a planned failure or the connection termination.
 *
 * <p>It takes minutes, so it runs only when asked: {@code -Ddocket.fault=true}. {@code
 * -Ddocket.fault.jobs} sets the number of jobs (50,000 by default), {@code -Ddocket.fault.seed} the
 * seed of the kill schedule, {@code -Ddocket.fault.timeout} the limit in minutes (10). The summary
 * goes to standard output and to {@code target/fault-injection-summary.txt}; the workers' output to
 * {@code target/fault-worker-<schema>-<n>.log}. The suite works in a database of its own, created
 * on the server of the other PostgreSQL tests and dropped afterwards ({@code
 * -Ddocket.fault.keep=true} keeps it), so that the terminations reach only its own sessions and
 * {@code pg_stat_database.deadlocks}, which the summary reports and which must not grow, counts
 * only its own deadlocks. See docs/reliability.md.
 */
@Tag("fault")
@EnabledIfSystemProperty(named = "docket.fault", matches = "true")
class FaultInjectionTest {
  private static final int WORKERS = 3;
  private static final int MAX_ATTEMPTS = 5;
  private static final int CHUNK = 1000;
  private static final Duration RETRY_DELAY = Duration.ofMillis(200);

  /** How long after the connection termination its effects may still end attempts. */
  private static final Duration TERMINATION_WINDOW = FaultWorker.LEASE.multipliedBy(10);

  /** One row of {@code executions}: {@code owner} started attempt {@code attempt} of a job. */
  record Execution(UUID jobId, String owner, int attempt, Instant startedAt) {}

  /** One entry of a job's errors array. */
  record ErrorEntry(UUID jobId, int attempt, Instant at, String type, String message) {}

  /** One row of the job table, with its payload's number. */
  record JobRow(UUID id, int n, String state, int attempt, int errors) {}

  /** A worker process, its owner name and the file its output goes to. */
  record Worker(Process process, String owner, Path log) {
    /** Whether the worker got as far as serving its queue (see {@link FaultWorker#main}). */
    boolean served() throws IOException {
      return Files.readString(log, StandardCharsets.UTF_8)
          .contains("Worker " + owner + " serves queue");
    }
  }

  private static TestDatabase db;
  private static String schema;

  private final int jobs = Integer.getInteger("docket.fault.jobs", 50_000);
  private final long seed = Long.getLong("docket.fault.seed", System.nanoTime());
  private final Duration limit = Duration.ofMinutes(Long.getLong("docket.fault.timeout", 10));

  private final List<Worker> workers = new ArrayList<>();
  private final Set<String> killedOwners = ConcurrentHashMap.newKeySet();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger kills = new AtomicInteger();
  private final AtomicInteger restarts = new AtomicInteger();
  private final AtomicInteger unexpectedExits = new AtomicInteger();
  private final AtomicInteger startupFailures = new AtomicInteger();
  private final AtomicInteger terminatedBackends = new AtomicInteger(-1);
  private final AtomicReference<Instant> terminatedAt = new AtomicReference<>();

  /**
   * A database of its own: the deadlock count is kept per database, and the backend termination
   * must not reach other tests' sessions.
   */
  @BeforeAll
  static void createDatabase() {
    db = TestDatabase.get().createDatabase("fault");
    schema = db.freshSchema("fault");
  }

  @AfterAll
  static void dropDatabase() {
    if (db == null) {
      return;
    }
    if (Boolean.getBoolean("docket.fault.keep")) {
      System.out.println("Kept the database for inspection: " + db.url);
    } else {
      db.dropDatabase();
    }
  }

  @Test
  void workersKilledAndConnectionsTerminated_everyJobFinishes_andEveryExtraExecutionIsExplained()
      throws Exception {
    System.out.printf(
        "Fault injection: %d jobs, %d workers, seed %d, schema %s on %s%n",
        jobs, WORKERS, seed, schema, db.url);
    long deadlocksBefore = db.deadlocksOnceIdle();
    Instant submitStart = Instant.now();
    submitJobs();
    Duration submitTime = Duration.between(submitStart, Instant.now());
    System.out.printf("Submitted %d jobs in %s%n", jobs, submitTime);

    var random = new Random(seed);
    ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();
    Instant runStart = Instant.now();
    try {
      for (int i = 0; i < WORKERS; i++) {
        workers.add(startWorker());
      }
      chaos.schedule(
          () -> killAndReplace(chaos, random), nextKillDelay(random), TimeUnit.MILLISECONDS);
      chaos.scheduleWithFixedDelay(this::watchProgress, 1, 1, TimeUnit.SECONDS);
      try {
        Awaitility.await("every job finishes")
            .atMost(limit)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> unfinished() == 0);
      } catch (ConditionTimeoutException e) {
        System.out.println("Not finished in time. Jobs by state: " + statesByCount());
        System.out.println("Unfinished jobs: " + unfinishedSample());
        throw e;
      }
    } finally {
      chaos.shutdownNow();
      chaos.awaitTermination(10, TimeUnit.SECONDS);
      stopWorkers();
    }
    Duration runTime = Duration.between(runStart, Instant.now());
    // Every session of the workers has ended (or ends now that they are stopped), so the count
    // includes each backend's own; see TestDatabase.deadlocksOnceIdle.
    long deadlocksAfter = db.deadlocksOnceIdle();

    List<JobRow> rows = jobRows();
    List<Execution> executions = executions();
    List<ErrorEntry> errors = errorEntries();
    Books books = new Books(rows, executions, errors, deadlocksBefore, deadlocksAfter);
    String summary = books.summary(submitTime, runTime);
    System.out.println(summary);
    Path out = Path.of("target", "fault-injection-summary.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, summary, StandardCharsets.UTF_8);

    books.check();
  }

  /** What the tables say after the run, and the checks on it. */
  private final class Books {
    final List<JobRow> rows;
    final Map<UUID, JobRow> byId;
    final Map<UUID, List<Execution>> executionsByJob;
    final Map<UUID, Map<Integer, ErrorEntry>> errorsByJob;
    final List<Execution> executions;
    final List<ErrorEntry> errors;
    final List<Execution> extra = new ArrayList<>();
    final List<Execution> extraPlanned = new ArrayList<>();
    final List<Execution> extraKilled = new ArrayList<>();
    final List<Execution> extraOther = new ArrayList<>();
    final long deadlocksBefore;
    final long deadlocksAfter;

    Books(
        List<JobRow> rows,
        List<Execution> executions,
        List<ErrorEntry> errors,
        long deadlocksBefore,
        long deadlocksAfter) {
      this.rows = rows;
      this.deadlocksBefore = deadlocksBefore;
      this.deadlocksAfter = deadlocksAfter;
      this.executions = executions;
      this.errors = errors;
      this.byId = rows.stream().collect(Collectors.toMap(JobRow::id, r -> r));
      this.executionsByJob = executions.stream().collect(Collectors.groupingBy(Execution::jobId));
      this.errorsByJob = new HashMap<>();
      for (ErrorEntry e : errors) {
        errorsByJob.computeIfAbsent(e.jobId(), k -> new HashMap<>()).put(e.attempt(), e);
      }
      // Every execution but the one of a job's final attempt is an extra one; sort them by cause.
      for (Execution e : executions) {
        JobRow job = byId.get(e.jobId());
        if (job == null || e.attempt() >= job.attempt()) {
          continue;
        }
        extra.add(e);
        ErrorEntry error = errorOf(e);
        if (new FaultWorker.Work(job.n()).flaky()
            && e.attempt() == 1
            && error != null
            && FaultWorker.FLAKY_MESSAGE.equals(error.message())) {
          extraPlanned.add(e);
        } else if (killedOwners.contains(e.owner())) {
          extraKilled.add(e);
        } else {
          extraOther.add(e);
        }
      }
    }

    ErrorEntry errorOf(Execution e) {
      return errorsByJob.getOrDefault(e.jobId(), Map.of()).get(e.attempt());
    }

    long count(String state) {
      return rows.stream().filter(r -> r.state().equals(state)).count();
    }

    String summary(Duration submitTime, Duration runTime) {
      long duplicateJobs =
          executionsByJob.values().stream().filter(list -> list.size() > 1).count();
      long unplannedJobs =
          new HashSet<>(
                  extra.stream()
                      .filter(e -> !extraPlanned.contains(e))
                      .map(Execution::jobId)
                      .toList())
              .size();
      Map<String, Long> otherCauses = new TreeMap<>();
      for (Execution e : extraOther) {
        ErrorEntry error = errorOf(e);
        otherCauses.merge(error == null ? "(no error recorded)" : error.type(), 1L, Long::sum);
      }
      Map<String, Long> errorTypes =
          errors.stream()
              .collect(
                  Collectors.groupingBy(ErrorEntry::type, TreeMap::new, Collectors.counting()));
      Set<String> executed =
          executions.stream().map(e -> e.jobId() + "/" + e.attempt()).collect(Collectors.toSet());
      Map<String, Long> unexecuted =
          errors.stream()
              .filter(e -> !executed.contains(e.jobId() + "/" + e.attempt()))
              .collect(
                  Collectors.groupingBy(ErrorEntry::type, TreeMap::new, Collectors.counting()));
      double seconds = runTime.toMillis() / 1000.0;
      return String.join(
          System.lineSeparator(),
          "=== Docket fault-injection summary ===",
          "seed                       %d".formatted(seed),
          "jobs                       %d".formatted(rows.size()),
          "completed                  %d".formatted(count("completed")),
          "dead (failed)              %d".formatted(count("failed")),
          "workers started            %d (%d at first)".formatted(started.get(), WORKERS),
          "kills (SIGKILL)            %d".formatted(kills.get()),
          "restarts                   %d".formatted(restarts.get()),
          "unexpected worker exits    %d while serving, %d during startup"
              .formatted(unexpectedExits.get(), startupFailures.get()),
          "connection terminations    1 round, %d backends".formatted(terminatedBackends.get()),
          "executions                 %d".formatted(executions.size()),
          "duplicate executions       %d on %d jobs"
              .formatted(executions.size() - executionsByJob.size(), duplicateJobs),
          "  planned retries          %d (flaky jobs, first attempt)"
              .formatted(extraPlanned.size()),
          "  on killed workers        %d".formatted(extraKilled.size()),
          "  other                    %d %s".formatted(extraOther.size(), otherCauses),
          "  unplanned, jobs          %d".formatted(unplannedJobs),
          "attempt errors recorded    %d %s".formatted(errors.size(), errorTypes),
          "  without an execution     %d %s"
              .formatted(unexecuted.values().stream().mapToLong(Long::longValue).sum(), unexecuted),
          "deadlocks                  %d (pg_stat_database: %d before, %d after)"
              .formatted(deadlocksAfter - deadlocksBefore, deadlocksBefore, deadlocksAfter),
          "submit time                %.1f s".formatted(submitTime.toMillis() / 1000.0),
          "run time                   %.1f s".formatted(seconds),
          "throughput                 %.0f jobs/s".formatted(rows.size() / seconds),
          "");
    }

    void check() {
      assertThat(rows).as("jobs in the table").hasSize(jobs);
      assertThat(rows.stream().map(JobRow::state).distinct())
          .as("states at the end: nothing pending, scheduled, running or cancelled")
          .allMatch(s -> s.equals("completed") || s.equals("failed"));
      assertThat(rows.stream().filter(r -> r.state().equals("failed")))
          .as("dead jobs: the poison ones, each with its errors recorded")
          .allSatisfy(
              r -> {
                assertThat(new FaultWorker.Work(r.n()).poison()).as("poison job %s", r).isTrue();
                assertThat(r.errors()).as("errors of %s", r).isPositive();
                ErrorEntry last = errorsByJob.get(r.id()).get(r.attempt());
                assertThat(last).as("error of the final attempt of %s", r).isNotNull();
                assertThat(last.type()).isEqualTo(NonRetryableException.class.getName());
                assertThat(last.message()).isEqualTo(FaultWorker.POISON_MESSAGE);
              });
      assertThat(count("failed"))
          .as("every poison job is dead")
          .isEqualTo(rows.stream().filter(r -> new FaultWorker.Work(r.n()).poison()).count());
      assertThat(executions)
          .as("executions of jobs that do not exist")
          .allMatch(e -> byId.containsKey(e.jobId()));
      assertThat(rows)
          .as("each finished job ran its final attempt, and no attempt ran twice")
          .allSatisfy(
              r -> {
                List<Execution> runs = executionsByJob.getOrDefault(r.id(), List.of());
                assertThat(runs).as("executions of %s", r).isNotEmpty();
                assertThat(runs.size())
                    .as("executions of %s, at most one per attempt", r)
                    .isLessThanOrEqualTo(r.attempt());
                assertThat(runs.stream().map(Execution::attempt))
                    .as("attempts executed of %s", r)
                    .doesNotHaveDuplicates()
                    .allMatch(a -> a >= 1 && a <= r.attempt())
                    .contains(r.attempt());
              });
      assertThat(rows.stream().filter(r -> new FaultWorker.Work(r.n()).flaky()))
          .as("flaky jobs complete after their failed first attempt")
          .allSatisfy(
              r -> {
                assertThat(r.state()).as("state of %s", r).isEqualTo("completed");
                assertThat(r.attempt()).as("attempt of %s", r).isGreaterThanOrEqualTo(2);
              });
      assertThat(extra)
          .as("every execution before a job's final attempt has its attempt's error recorded")
          .allMatch(e -> errorOf(e) != null);
      Instant terminated = terminatedAt.get();
      assertThat(terminated).as("the connection termination happened").isNotNull();
      assertThat(extraOther)
          .as(
              "extra executions neither planned nor on a killed worker end within %s of the"
                  + " connection termination at %s",
              TERMINATION_WINDOW, terminated)
          .allSatisfy(
              e ->
                  assertThat(errorOf(e).at())
                      .as("end of %s: %s", e, errorOf(e))
                      .isBetween(terminated, terminated.plus(TERMINATION_WINDOW)));
      // A worker starting while its connections are terminated may fail its start and exit (it is
      // replaced, as a supervisor would); one that served its queue must ride it out.
      assertThat(unexpectedExits.get())
          .as("workers that exited by themselves after they began to serve")
          .isZero();
      assertThat(deadlocksAfter - deadlocksBefore)
          .as("deadlocks PostgreSQL detected in the suite's database during the run")
          .isZero();
    }
  }

  private void submitJobs() {
    try (PostgresStore store =
        PostgresStore.start(db.options(schema).listen(false).poolSize(2).build())) {
      db.execute(
          ("CREATE TABLE \"%s\".executions (job_id uuid NOT NULL, owner text NOT NULL,"
                  + " attempt integer NOT NULL,"
                  + " started_at timestamptz NOT NULL DEFAULT clock_timestamp())")
              .formatted(schema));
      JobClient client = PostgresRuntimes.client(store.storage());
      for (int from = 0; from < jobs; from += CHUNK) {
        var requests = new ArrayList<JobRequest>(CHUNK);
        for (int n = from; n < Math.min(jobs, from + CHUNK); n++) {
          requests.add(
              JobRequest.of(FaultWorker.WORK, new FaultWorker.Work(n))
                  .queue(FaultWorker.QUEUE)
                  .maxAttempts(MAX_ATTEMPTS)
                  .retryPolicy(RetryPolicy.fixed(RETRY_DELAY))
                  .build());
        }
        List<Job> submitted = client.submitAll(requests);
        assertThat(submitted).as("jobs submitted from %d", from).hasSize(requests.size());
      }
    }
  }

  private static long nextKillDelay(Random random) {
    return 2000 + random.nextInt(2001);
  }

  /** Kills one random worker with SIGKILL, starts a replacement, and schedules the next kill. */
  private void killAndReplace(ScheduledExecutorService chaos, Random random) {
    try {
      Worker victim = workers.remove(random.nextInt(workers.size()));
      killedOwners.add(victim.owner());
      victim.process().destroyForcibly();
      if (!victim.process().waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("Worker " + victim.owner() + " outlived SIGKILL.");
      }
      kills.incrementAndGet();
      workers.add(startWorker());
      restarts.incrementAndGet();
      System.out.printf(
          "Killed %s (exit %d); started a replacement%n",
          victim.owner(), victim.process().exitValue());
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.out.println("Kill round failed: " + e);
    }
    if (!chaos.isShutdown()) {
      chaos.schedule(
          () -> killAndReplace(chaos, random), nextKillDelay(random), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Replaces workers that exited by themselves (counted: none should), prints the progress, and
   * once half the jobs are finished terminates every backend of Docket's.
   */
  private void watchProgress() {
    try {
      for (int i = 0; i < workers.size(); i++) {
        Worker w = workers.get(i);
        if (!w.process().isAlive()) {
          boolean served = w.served();
          (served ? unexpectedExits : startupFailures).incrementAndGet();
          System.out.printf(
              "Worker %s exited by itself with %d %s; replacing it (see %s)%n",
              w.owner(),
              w.process().exitValue(),
              served ? "while serving" : "before it served",
              w.log());
          workers.set(i, startWorker());
        }
      }
      long unfinished = unfinished();
      System.out.printf("Progress: %d of %d jobs unfinished%n", unfinished, jobs);
      if (terminatedAt.get() == null && unfinished <= jobs / 2) {
        terminateBackends();
      }
    } catch (IOException | SQLException | RuntimeException e) {
      System.out.println("Progress check failed: " + e);
    }
  }

  private void terminateBackends() throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    + " AND application_name LIKE 'docket%'")) {
      rs.next();
      terminatedAt.set(Instant.now());
      terminatedBackends.set(rs.getInt(1));
      System.out.printf(
          "Terminated %d backends of Docket's at %s%n", rs.getInt(1), terminatedAt.get());
    }
  }

  private Worker startWorker() throws IOException {
    int index = started.incrementAndGet();
    Path log = Path.of("target", "fault-worker-" + schema + "-" + index + ".log");
    Files.createDirectories(log.getParent());
    var command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            FaultWorker.class.getName(),
            db.url,
            db.user,
            db.password,
            schema);
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Worker(process, FaultWorker.owner(process.pid()), log);
  }

  /** Stops the workers that remain: closing their standard input makes them halt. */
  private void stopWorkers() throws InterruptedException {
    for (Worker w : workers) {
      try {
        w.process().getOutputStream().close();
      } catch (IOException e) {
        w.process().destroyForcibly();
      }
    }
    for (Worker w : workers) {
      if (!w.process().waitFor(10, TimeUnit.SECONDS)) {
        w.process().destroyForcibly();
        w.process().waitFor(10, TimeUnit.SECONDS);
      }
    }
    workers.clear();
  }

  private long unfinished() throws SQLException {
    return queryLong(
        "SELECT count(*) FROM \"%s\".jobs WHERE state NOT IN ('completed', 'failed', 'cancelled')"
            .formatted(schema));
  }

  private Map<String, Long> statesByCount() throws SQLException {
    var counts = new TreeMap<String, Long>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT state, count(*) FROM \"%s\".jobs GROUP BY state".formatted(schema))) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  private List<String> unfinishedSample() throws SQLException {
    var sample = new ArrayList<String>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                ("SELECT id, state, attempt, lease_owner, lease_expires_at, run_at, errors"
                        + " FROM \"%s\".jobs WHERE state NOT IN ('completed', 'failed',"
                        + " 'cancelled') LIMIT 20")
                    .formatted(schema))) {
      while (rs.next()) {
        sample.add(
            "%s %s attempt %d lease %s until %s run_at %s errors %s"
                .formatted(
                    rs.getObject(1),
                    rs.getString(2),
                    rs.getInt(3),
                    rs.getString(4),
                    rs.getObject(5),
                    rs.getObject(6),
                    rs.getString(7)));
      }
    }
    return sample;
  }

  private static long queryLong(String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<JobRow> jobRows() throws SQLException {
    var rows = new ArrayList<JobRow>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                ("SELECT id, (payload->>'n')::int, state, attempt, jsonb_array_length(errors)"
                        + " FROM \"%s\".jobs")
                    .formatted(schema))) {
      while (rs.next()) {
        rows.add(
            new JobRow(
                rs.getObject(1, UUID.class),
                rs.getInt(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getInt(5)));
      }
    }
    return rows;
  }

  private static List<Execution> executions() throws SQLException {
    var rows = new ArrayList<Execution>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT job_id, owner, attempt, started_at FROM \"%s\".executions"
                    .formatted(schema))) {
      while (rs.next()) {
        rows.add(
            new Execution(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getInt(3),
                rs.getObject(4, java.time.OffsetDateTime.class).toInstant()));
      }
    }
    return rows;
  }

  private static List<ErrorEntry> errorEntries() throws SQLException {
    var rows = new ArrayList<ErrorEntry>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                ("SELECT j.id, (e->>'attempt')::int, (e->>'at')::timestamptz, e->>'type',"
                        + " e->>'message' FROM \"%s\".jobs j, jsonb_array_elements(j.errors) e")
                    .formatted(schema))) {
      while (rs.next()) {
        rows.add(
            new ErrorEntry(
                rs.getObject(1, UUID.class),
                rs.getInt(2),
                rs.getObject(3, java.time.OffsetDateTime.class).toInstant(),
                rs.getString(4),
                rs.getString(5)));
      }
    }
    return rows;
  }
}
