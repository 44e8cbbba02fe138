package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import dev.docket.domain.Outcome;
import dev.docket.domain.Progress;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.ProgressReport;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The change feed across nodes: this class's store listens; changes are made through a second store
 * on the same schema, with a pool of its own and no listener, as another node makes them.
 */
class ChangeFeedTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static PgFixture pg;
  private static JobStorage otherNode;
  private static final Recorder recorder = new Recorder();

  @BeforeAll
  static void start() {
    pg = new PgFixture("changes", o -> o.listen(true));
    otherNode = pg.open(o -> o.listen(false)).storage();
    pg.store.changes().subscribe(recorder);
    Awaitility.await().atMost(WAIT).until(pg.store::isListening);
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @BeforeEach
  void clear() throws InterruptedException {
    // Let the previous test's last notifications arrive before starting afresh.
    insert("drain", 1);
    awaitChanges(c -> c.queue().equals("drain"), 1);
    recorder.changes.clear();
  }

  @Test
  void aJobsChanges_byAnotherNode_arriveInOrder() throws Exception {
    Job job = insert("order", 1).get(0);
    Job claimed = claim("order", 1).get(0);
    long fence = claimed.lease().orElseThrow().fence();
    var progress = new Progress(60, "über 60 %", pg.clock.instant());
    assertThat(otherNode.reportProgress(new ProgressReport(job.id(), fence, progress))).isTrue();
    Job withProgress = claimed.reportProgress(fence, progress);
    var done = new Outcome.Completed(job.id(), fence, pg.clock.instant(), Optional.of("{\"n\":1}"));
    otherNode.report(List.of(done));
    Job completed = done.applyTo(withProgress);

    List<JobChange> changes = awaitChanges(c -> c.jobId().equals(job.id()), 4);

    assertThat(changes)
        .containsExactly(
            JobChange.of(JobChange.Type.CREATED, job),
            JobChange.of(JobChange.Type.STATE, claimed),
            JobChange.of(JobChange.Type.PROGRESS, withProgress),
            JobChange.of(JobChange.Type.STATE, completed));
  }

  @Test
  void retriesAndRescues_areStateChanges_ofPendingJobs() throws Exception {
    Job claimed = claim(insert("retry", 1), "retry").get(0);
    long fence = claimed.lease().orElseThrow().fence();
    var error = new dev.docket.domain.AttemptError(1, pg.clock.instant(), "Boom", "boom", "");
    var retried =
        new Outcome.Retried(
            claimed.id(), fence, pg.clock.instant(), error, pg.clock.instant().plusSeconds(60));
    otherNode.report(List.of(retried));

    List<JobChange> changes = awaitChanges(c -> c.jobId().equals(claimed.id()), 3);

    assertThat(changes.get(2))
        .as("a retry stored as 'scheduled' is pending to the domain")
        .isEqualTo(JobChange.of(JobChange.Type.STATE, retried.applyTo(claimed)));
  }

  @Test
  void aRolledBackEnqueue_sendsNothing() throws Exception {
    List<Job> jobs = pg.prepare(3, "rolledback");
    try (Connection c = PgFixture.DB.connect()) {
      c.setAutoCommit(false);
      pg.store.enqueue(c, jobs);
      c.rollback();
    }
    insert("committed", 1);

    awaitChanges(c -> c.queue().equals("committed"), 1);

    assertThat(recorder.changes).extracting(JobChange::queue).doesNotContain("rolledback");
  }

  @Test
  void leaseExtensions_agingAndCancelRequests_sendNothing() throws Exception {
    Job running = claim(insert("quiet", 1), "quiet").get(0);
    long fence = running.lease().orElseThrow().fence();
    Job waiting = insert("quiet-waiting", 1).get(0);
    awaitChanges(c -> c.queue().startsWith("quiet"), 3);
    recorder.changes.clear();

    var later = pg.clock.instant().plus(Duration.ofMinutes(10));
    assertThat(
            otherNode.extendLeases(
                List.of(new LeaseExtension(running.id(), fence, later, pg.clock.instant()))))
        .allMatch(status -> status.held());
    assertThat(otherNode.agePriorities(new AgingRequest(later, later, 1_000)))
        .as("jobs aged")
        .isPositive();
    otherNode.update(running.id(), j -> j.cancel(pg.clock.instant()));
    insert("marker", 1);

    List<JobChange> changes = awaitChanges(c -> c.queue().equals("marker"), 1);

    assertThat(changes).hasSize(1);
    assertThat(recorder.changes)
        .as("nothing but the marker")
        .extracting(JobChange::queue)
        .containsOnly("marker");
    assertThat(otherNode.find(waiting.id()).orElseThrow().priority())
        .isNotEqualTo(waiting.priority());
  }

  /**
   * The largest rows the domain allows, in a batch of 500: the longest queue and kind, the most and
   * longest tags, and a progress message of 200 characters of which most take three bytes or more
   * in UTF-8, or two as JSON.
   */
  @Test
  void largestRows_inBatchesOf500_fitEachNotificationUnderTheLimit_andAllArrive() throws Exception {
    String queue = "q".repeat(Names.MAX_QUEUE_LENGTH);
    String kind = "k".repeat(Names.MAX_KIND_LENGTH);
    List<String> tags =
        IntStream.range(0, dev.docket.domain.JobSpec.MAX_TAGS)
            .mapToObj(i -> (char) ('a' + i) + "t".repeat(Names.MAX_TAG_LENGTH - 1))
            .toList();
    String message = ("€ü\"\\😀" + "中").repeat(Progress.MAX_MESSAGE_LENGTH / 7);
    message = message + "中".repeat(Progress.MAX_MESSAGE_LENGTH - message.length());
    assertThat(message).hasSize(Progress.MAX_MESSAGE_LENGTH);
    int count = 500;
    var raw = new RawListener(pg.store.listenStatements().get(1));
    try {
      var requests = new ArrayList<JobRequest>();
      for (int i = 0; i < count; i++) {
        requests.add(JobRequest.ofJson(kind, "{}").queue(queue).tags(tags).build());
      }
      otherNode.insert(pg.client.prepare(requests));
      List<Job> claimed = claim(queue, count);
      var progress = new Progress(99, message, pg.clock.instant());
      for (Job job : claimed) {
        otherNode.reportProgress(
            new ProgressReport(job.id(), job.lease().orElseThrow().fence(), progress));
      }
      var outcomes = new ArrayList<Outcome>();
      for (Job job : claimed) {
        outcomes.add(
            new Outcome.Completed(job.id(), job.lease().orElseThrow().fence(), pg.clock.instant()));
      }
      assertThat(otherNode.report(outcomes)).isEmpty();

      List<JobChange> changes = awaitChanges(c -> c.queue().equals(queue), 4 * count);

      assertThat(changes).filteredOn(c -> c.type() == JobChange.Type.CREATED).hasSize(count);
      assertThat(changes)
          .filteredOn(c -> c.type() == JobChange.Type.STATE && c.state() == JobState.RUNNING)
          .hasSize(count);
      assertThat(changes)
          .filteredOn(c -> c.type() == JobChange.Type.PROGRESS)
          .hasSize(count)
          .allSatisfy(c -> assertThat(c.progress()).contains(progress))
          .allSatisfy(c -> assertThat(c.tags()).isEqualTo(tags));
      assertThat(changes)
          .filteredOn(c -> c.type() == JobChange.Type.STATE && c.state() == JobState.COMPLETED)
          .hasSize(count)
          .allSatisfy(c -> assertThat(c.progress()).contains(progress));
      List<String> payloads = raw.payloads(WAIT, 4 * count);
      List<Integer> bytes =
          payloads.stream().map(p -> p.getBytes(StandardCharsets.UTF_8).length).toList();
      List<Integer> rows = payloads.stream().map(p -> p.split("\n", -1).length).toList();
      System.out.printf(
          "Largest rows: %d notifications, the largest %d bytes, at most %d rows in one%n",
          payloads.size(),
          bytes.stream().mapToInt(Integer::intValue).max().orElse(0),
          rows.stream().mapToInt(Integer::intValue).max().orElse(0));
      assertThat(bytes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(7_500));
      assertThat(rows.stream().mapToInt(Integer::intValue).sum()).isEqualTo(4 * count);
      assertThat(rows)
          .as("several rows share a notification")
          .anySatisfy(n -> assertThat(n).isGreaterThan(1));
    } finally {
      raw.close();
    }
  }

  @Test
  void aKilledListenerConnection_isReported_asMissedChanges_andTheFeedGoesOn() throws Exception {
    var missed = new CountDownLatch(1);
    var after = new LinkedBlockingQueue<JobChange>();
    try (var subscription =
        pg.store
            .changes()
            .subscribe(
                new JobChanges.Sink() {
                  @Override
                  public void changed(List<JobChange> changes) {
                    after.addAll(changes);
                  }

                  @Override
                  public void missed() {
                    missed.countDown();
                  }
                })) {
      pg.killListener(pg.store);

      assertThat(missed.await(15, TimeUnit.SECONDS)).isTrue();
      Awaitility.await().atMost(WAIT).until(pg.store::isListening);
      Job job = insert("afterwards", 1).get(0);
      JobChange change = after.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      while (change != null && !change.jobId().equals(job.id())) {
        change = after.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      assertThat(change).isEqualTo(JobChange.of(JobChange.Type.CREATED, job));
    }
  }

  @Test
  void strangersNotifications_andAFailingSink_stopNoChange() throws Exception {
    var failing =
        pg.store
            .changes()
            .subscribe(
                new JobChanges.Sink() {
                  @Override
                  public void changed(List<JobChange> changes) {
                    throw new IllegalStateException("a sink's own bug");
                  }

                  @Override
                  public void missed() {}
                });
    try {
      String channel = "docket_" + pg.schema + ".changes";
      for (String payload :
          List.of(
              "hello",
              "",
              "[\"C\"]",
              "{\"a\":1}",
              "[\"X\",\"00000000-0000-0000-0000-000000000001\",\"q\",\"k\",[],\"pending\",0,1,"
                  + "null,null,null,0]",
              "[\"C\",\"not-a-uuid\",\"q\",\"k\",[],\"pending\",0,1,null,null,null,0]",
              "[\"C\",\"00000000-0000-0000-0000-000000000001\",\"bad queue!\",\"k\",[],"
                  + "\"pending\",0,1,null,null,null,0] trailing")) {
        try (Connection c = PgFixture.DB.connect();
            var s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
          s.setString(1, channel);
          s.setString(2, payload);
          s.execute();
        }
      }
      Job job = insert("after-strangers", 1).get(0);

      assertThat(awaitChanges(c -> c.queue().equals("after-strangers"), 1))
          .containsExactly(JobChange.of(JobChange.Type.CREATED, job));
      assertThat(recorder.changes).extracting(JobChange::queue).containsOnly("after-strangers");
    } finally {
      failing.close();
    }
  }

  private static List<Job> insert(String queue, int count) {
    return otherNode.insert(pg.prepare(count, queue));
  }

  private static List<Job> claim(List<Job> inserted, String queue) {
    return claim(queue, inserted.size());
  }

  private static List<Job> claim(String queue, int count) {
    List<Job> claimed =
        otherNode.claim(
            new ClaimRequest(queue, count, "worker", Duration.ofSeconds(30), pg.clock.instant()));
    assertThat(claimed).hasSize(count);
    return claimed;
  }

  /** Waits for {@code count} changes that match, and returns them in the order they came. */
  private static List<JobChange> awaitChanges(
      java.util.function.Predicate<JobChange> matching, int count) {
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> recorder.changes.stream().filter(matching).count() >= count);
    return recorder.changes.stream().filter(matching).toList();
  }

  /** Records every change in the order the sink heard of them. */
  private static final class Recorder implements JobChanges.Sink {
    final List<JobChange> changes = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void changed(List<JobChange> batch) {
      changes.addAll(batch);
    }

    @Override
    public void missed() {}
  }

  /** A plain JDBC connection that listens on the changes channel, to see the payloads' sizes. */
  private static final class RawListener implements AutoCloseable {
    private final Connection connection;

    RawListener(String listen) throws Exception {
      connection = PgFixture.DB.connect();
      try (var s = connection.createStatement()) {
        s.execute(listen);
      }
    }

    /** The payloads received until they hold {@code rows} rows, or {@code wait} is up. */
    List<String> payloads(Duration wait, int rows) throws Exception {
      var payloads = new ArrayList<String>();
      int received = 0;
      PGConnection pgc = connection.unwrap(PGConnection.class);
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        PGNotification[] got = pgc.getNotifications(500);
        for (PGNotification n : got == null ? new PGNotification[0] : got) {
          payloads.add(n.getParameter());
          received += n.getParameter().split("\n", -1).length;
        }
        if (received >= rows) {
          break;
        }
      }
      return payloads;
    }

    @Override
    public void close() throws Exception {
      connection.close();
    }
  }
}
