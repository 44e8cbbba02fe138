package dev.docket.runtime;

import dev.docket.store.postgres.PostgresOptions;
import dev.docket.usecase.JobContext;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One of the worker processes that {@link FaultInjectionTest} starts and kills: a runtime on
 * PostgreSQL serving the queue {@value #QUEUE}, whose handler records each execution in the side
 * table {@code executions} of the test's schema, works for a few milliseconds, and fails on purpose
 * for a few jobs chosen by their payload (see {@link Work}).
 *
 * <p>Arguments: JDBC URL, user, password (empty for none), schema. The process halts by itself when
 * its standard input closes (the test JVM went away) or after {@link #MAX_LIFETIME}, so a test run
 * that dies never leaves it behind.
 */
final class FaultWorker {
  /**
   * The payload: job number {@code n}. One job in a hundred ({@code n % 100 == 0}) is poison and
   * fails permanently; one in a hundred ({@code n % 100 == 1}) fails its first attempt only.
   */
  record Work(int n) {
    boolean poison() {
      return n % 100 == 0;
    }

    boolean flaky() {
      return n % 100 == 1;
    }
  }

  static final JobType<Work> WORK = JobType.of("fault.work", Work.class);
  static final String QUEUE = "fault";
  static final int CONCURRENCY = 16;
  static final Duration LEASE = Duration.ofSeconds(3);
  static final Duration MAX_LIFETIME = Duration.ofMinutes(30);

  /** The application name of the handler's own connections, so the test can tell them apart. */
  static final String SIDE_APPLICATION_NAME = "docket-fault-handler";

  /** The message of the exception that poison jobs throw. */
  static final String POISON_MESSAGE = "Poison job; it never succeeds.";

  /** The message of the exception that flaky jobs throw on their first attempt. */
  static final String FLAKY_MESSAGE = "Flaky job; the first attempt fails.";

  private FaultWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("Usage: FaultWorker <jdbc-url> <user> <password> <schema>");
      System.exit(2);
    }
    String url = args[0];
    String user = args[1];
    String password = args[2];
    String schema = args[3];
    ChildWorker.haltWhenOrphaned("Worker", MAX_LIFETIME);

    var store = PostgresOptions.builder().url(url).user(user).schema(schema);
    if (!password.isEmpty()) {
      store.password(password);
    }
    String owner = owner(ProcessHandle.current().pid());
    var recorder = new ExecutionRecorder(url, user, password, schema, owner, 4);
    DocketRuntime docket =
        PostgresRuntimes.runtime(
            store.build(),
            RuntimeOptions.builder()
                .owner(owner)
                .queue(QUEUE, CONCURRENCY)
                .leaseDuration(LEASE)
                .pollInterval(Duration.ofMillis(200))
                .shutdownGrace(Duration.ofSeconds(2))
                .build(),
            HandlerBinding.of(WORK, (work, context) -> handle(work, context, recorder)));
    docket.start();
    System.out.println("Worker " + owner + " serves queue " + QUEUE + " on schema " + schema);
    new CountDownLatch(1).await();
  }

  /** The owner name of the worker with process id {@code pid}. */
  static String owner(long pid) {
    return "fault-" + pid;
  }

  private static void handle(Work work, JobContext context, ExecutionRecorder recorder)
      throws Exception {
    recorder.record(context);
    // The work itself: a few milliseconds.
    Thread.sleep(1 + ThreadLocalRandom.current().nextInt(5));
    if (work.poison()) {
      throw new NonRetryableException(POISON_MESSAGE);
    }
    if (work.flaky() && context.attempt() == 1) {
      throw new IllegalStateException(FLAKY_MESSAGE);
    }
  }

  /**
   * Inserts one row per execution into {@code executions}, over a few connections of its own kept
   * in a queue: a connection that fails is closed and replaced by a new one on next use, so the
   * handler survives {@code pg_terminate_backend} the way the runtime has to (the attempt fails and
   * is retried). Thread-safe.
   */
  private static final class ExecutionRecorder {
    private final String url;
    private final Properties properties = new Properties();
    private final String insertSql;
    private final String owner;
    private final Semaphore slots;
    private final Queue<Connection> idle = new ConcurrentLinkedQueue<>();

    ExecutionRecorder(
        String url, String user, String password, String schema, String owner, int size) {
      this.url = url;
      this.owner = owner;
      properties.setProperty("user", user);
      if (!password.isEmpty()) {
        properties.setProperty("password", password);
      }
      properties.setProperty("ApplicationName", SIDE_APPLICATION_NAME);
      this.insertSql =
          "INSERT INTO \"%s\".executions (job_id, owner, attempt) VALUES (?, ?, ?)"
              .formatted(schema);
      this.slots = new Semaphore(size);
    }

    void record(JobContext context) throws SQLException, InterruptedException {
      slots.acquire();
      try {
        Connection c = idle.poll();
        if (c == null) {
          c = DriverManager.getConnection(url, properties);
        }
        try (PreparedStatement insert = c.prepareStatement(insertSql)) {
          insert.setObject(1, context.jobId().value());
          insert.setString(2, owner);
          insert.setInt(3, context.attempt());
          insert.executeUpdate();
          idle.add(c);
        } catch (SQLException e) {
          closeQuietly(c);
          throw e;
        }
      } finally {
        slots.release();
      }
    }

    private static void closeQuietly(Connection c) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // It is broken already.
      }
    }
  }
}
