package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Lease;
import dev.docket.domain.RetryPolicy;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.JobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker JVM killed with SIGKILL in the middle of a job: nothing in it gets to say goodbye, so
 * the job stays running until its lease expires; then another node rescues it and runs it again.
 * The child is {@link ChildWorker}; its output goes to {@code target/crash-child-<schema>.log}.
 */
class CrashRecoveryTest {
  /** One row of the side table: who started which job, when (by the database's clock). */
  record Execution(UUID jobId, String owner, Instant startedAt) {}

  private static TestDatabase db;
  private static String schema;
  private static PostgresStore observer;

  @BeforeAll
  static void createSchema() {
    db = TestDatabase.get();
    schema = db.freshSchema("crash");
    observer = PostgresStore.start(db.options(schema).listen(false).poolSize(2).build());
    db.execute(
        ("CREATE TABLE \"%s\".executions (job_id uuid NOT NULL, owner text NOT NULL,"
                + " started_at timestamptz NOT NULL DEFAULT clock_timestamp())")
            .formatted(schema));
  }

  @AfterAll
  static void dropSchema() {
    if (observer != null) {
      observer.close();
    }
    if (db != null) {
      db.dropSchema(schema);
    }
  }

  @Test
  @Timeout(60)
  void workerKilledMidJob_jobIsRescuedAfterItsLease_andCompletesOnceOnTheSurvivor()
      throws Exception {
    Job job =
        PostgresRuntimes.client(observer.storage())
            .submit(
                JobRequest.of(ChildWorker.STEP, new ChildWorker.Step("survive a crash"))
                    .queue(ChildWorker.QUEUE)
                    .maxAttempts(3)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(100)))
                    .build());
    killTheChildMidJob_thenTheSurvivorCompletesIt(job.id(), false);
  }

  @Test
  @Timeout(60)
  void workerKilledMidAJobItHandedToItsOwnIdleHandler_jobIsRescued_andCompletesOnTheSurvivor()
      throws Exception {
    killTheChildMidJob_thenTheSurvivorCompletesIt(null, true);
  }

  /**
   * Starts the child, lets it start a job (the one with id {@code knownId}, or the one it submits
   * itself), kills it with SIGKILL, and checks that a survivor rescues the job after its lease and
   * completes it once.
   */
  private void killTheChildMidJob_thenTheSurvivorCompletesIt(JobId knownId, boolean childSubmits)
      throws Exception {
    Path log = Path.of("target", "crash-child-" + schema + ".log");
    var survivorRuns = new AtomicInteger();
    Process child = null;
    DocketRuntime survivor = null;
    Lease childLease;
    JobId jobId;
    try {
      child = startChild(log, childSubmits);
      Process started = child;
      Awaitility.await("the child starts the job")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .failFast("The child exited early; see " + log, () -> !started.isAlive())
          .until(() -> !executions(knownId).isEmpty());
      Job job = stored(new JobId(executions(knownId).get(0).jobId()));
      jobId = job.id();
      String childOwner = "child-" + child.pid();
      if (childSubmits) {
        assertThat(Files.readString(log))
            .as("what the child's submit returned: the job stored claimed for its idle handler")
            .contains("submitted job " + job.id() + " as RUNNING");
      }
      assertThat(executions(job.id())).extracting(Execution::owner).containsExactly(childOwner);
      Job running = stored(job.id());
      assertThat(running.state()).isEqualTo(JobState.RUNNING);
      assertThat(running.attempt()).isEqualTo(1);
      childLease = running.lease().orElseThrow();
      assertThat(childLease.owner()).isEqualTo(childOwner);

      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).as("the child died").isTrue();
      assertThat(child.isAlive()).isFalse();
      assertThat(child.exitValue()).as("exit status of a process killed by SIGKILL").isEqualTo(137);
      assertThat(stored(job.id()).state())
          .as("nobody has rescued the job yet: its lease still counts")
          .isEqualTo(JobState.RUNNING);

      survivor =
          PostgresRuntimes.runtime(
              db.options(schema).build(),
              ChildWorker.options("survivor"),
              HandlerBinding.of(
                  ChildWorker.STEP,
                  (step, context) -> {
                    ChildWorker.recordExecution(
                        db.url, db.user, db.password, schema, context.jobId(), "survivor");
                    survivorRuns.incrementAndGet();
                  }));
      survivor.start();
      Awaitility.await("the survivor completes the job")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> stored(job.id()).state().isFinished());
    } finally {
      if (child != null) {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      if (survivor != null) {
        survivor.close();
      }
    }

    Job done = stored(jobId);
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.finishedAt()).isPresent();
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.lease()).isEmpty();
    assertThat(done.errors()).hasSize(1);
    AttemptError expired = done.errors().get(0);
    assertThat(expired.type()).isEqualTo("LeaseExpired");
    assertThat(expired.attempt()).isEqualTo(1);
    assertThat(expired.message()).contains(childLease.owner());
    assertThat(expired.at())
        .as("rescued no earlier than the lease the child last held")
        .isAfterOrEqualTo(childLease.expiresAt());
    assertThat(survivorRuns.get()).as("runs on the survivor").isEqualTo(1);
    assertThat(executions(jobId))
        .as("at least once: the dead child's run, then the survivor's")
        .extracting(Execution::owner)
        .containsExactly(childLease.owner(), "survivor");
  }

  private static Process startChild(Path log, boolean childSubmits) throws IOException {
    Files.createDirectories(log.getParent());
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            ChildWorker.class.getName(),
            db.url,
            db.user,
            db.password,
            schema);
    if (childSubmits) {
      command = new ArrayList<>(command);
      command.add("submit");
    }
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static Job stored(JobId id) {
    return observer.storage().find(id).orElseThrow();
  }

  private static List<Execution> executions(JobId id) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT job_id, owner, started_at FROM \"%s\".executions".formatted(schema)
                    + " WHERE job_id = ? OR ?::uuid IS NULL ORDER BY started_at")) {
      select.setObject(1, id == null ? null : id.value());
      select.setObject(2, id == null ? null : id.value());
      var rows = new ArrayList<Execution>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Execution(
                  rs.getObject(1, UUID.class),
                  rs.getString(2),
                  rs.getObject(3, java.time.OffsetDateTime.class).toInstant()));
        }
      }
      return rows;
    }
  }
}
