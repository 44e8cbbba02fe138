package dev.docket.runtime;

import dev.docket.domain.JobId;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.usecase.JobType;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The worker process that {@link CrashRecoveryTest} kills: a runtime on PostgreSQL whose handler
 * records that it started a job, in the side table {@code executions} of the test's schema, then
 * blocks until the process dies.
 *
 * <p>Arguments: JDBC URL, user, password (empty for none), schema, and optionally {@code submit}:
 * the child then submits the job itself once it runs, so that it goes straight to the child's idle
 * handler, stored claimed, and prints the state {@code submit} returned. The process halts by
 * itself when its standard input closes (the test JVM went away) or after {@link #MAX_LIFETIME}, so
 * a test run that dies never leaves it behind.
 */
final class ChildWorker {
  /** The payload of the job the child starts and never finishes. */
  record Step(String name) {}

  static final JobType<Step> STEP = JobType.of("crash.step", Step.class);
  static final String QUEUE = "crash";
  static final Duration LEASE = Duration.ofSeconds(3);
  static final Duration MAX_LIFETIME = Duration.ofMinutes(2);

  private ChildWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4 && !(args.length == 5 && args[4].equals("submit"))) {
      System.err.println("Usage: ChildWorker <jdbc-url> <user> <password> <schema> [submit]");
      System.exit(2);
    }
    String url = args[0];
    String user = args[1];
    String password = args[2];
    String schema = args[3];
    haltWhenOrphaned("Child", MAX_LIFETIME);

    var store = PostgresOptions.builder().url(url).user(user).schema(schema);
    if (!password.isEmpty()) {
      store.password(password);
    }
    String owner = "child-" + ProcessHandle.current().pid();
    DocketRuntime docket =
        PostgresRuntimes.runtime(
            store.build(),
            options(owner),
            HandlerBinding.of(
                STEP,
                (step, context) -> {
                  recordExecution(url, user, password, schema, context.jobId(), owner);
                  System.out.println("Child " + owner + " started job " + context.jobId());
                  new CountDownLatch(1).await(); // until the process is killed
                }));
    docket.start();
    System.out.println("Child " + owner + " serves queue " + QUEUE + " on schema " + schema);
    if (args.length == 5) {
      var job =
          docket
              .client()
              .submit(
                  dev.docket.usecase.JobRequest.of(STEP, new Step("submitted by the child"))
                      .queue(QUEUE)
                      .maxAttempts(3)
                      .retryPolicy(dev.docket.domain.RetryPolicy.fixed(Duration.ofMillis(100)))
                      .build());
      System.out.println("Child " + owner + " submitted job " + job.id() + " as " + job.state());
    }
    new CountDownLatch(1).await();
  }

  /** The runtime options of the child and of the survivor that takes over from it. */
  static RuntimeOptions options(String owner) {
    return RuntimeOptions.builder()
        .owner(owner)
        .queue(QUEUE, 1)
        .leaseDuration(LEASE)
        .pollInterval(Duration.ofMillis(100))
        .shutdownGrace(Duration.ofSeconds(2))
        .build();
  }

  /** Adds a row to {@code executions}: {@code owner} started the job {@code id}, now. */
  static void recordExecution(
      String url, String user, String password, String schema, JobId id, String owner)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO \"%s\".executions (job_id, owner) VALUES (?, ?)".formatted(schema))) {
      insert.setObject(1, id.value());
      insert.setString(2, owner);
      insert.executeUpdate();
    }
  }

  /**
   * Halts this child process when its standard input closes (the test JVM went away) or after
   * {@code lifetime}, so a test run that dies never leaves a worker behind. Shared by the crash and
   * fault-injection workers.
   */
  static void haltWhenOrphaned(String who, java.time.Duration lifetime) {
    Thread.ofPlatform()
        .daemon()
        .name("orphan-watch")
        .start(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() != -1) {
                  // The parent never writes; end of input means it is gone.
                }
              } catch (IOException e) {
                // Same as end of input.
              }
              System.err.println(who + ": standard input closed; halting.");
              Runtime.getRuntime().halt(3);
            });
    Thread.ofPlatform()
        .daemon()
        .name("lifetime")
        .start(
            () -> {
              try {
                Thread.sleep(lifetime); // the cap on a child's life: the sleep is the point
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(who + ": lived " + lifetime + "; halting.");
              Runtime.getRuntime().halt(4);
            });
  }
}
