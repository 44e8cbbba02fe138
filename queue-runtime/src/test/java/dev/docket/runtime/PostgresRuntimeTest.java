package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime on a real PostgreSQL: the end-to-end scenario of {@link RuntimeEndToEndTest}, a
 * graceful shutdown with jobs in flight, and two nodes draining one queue together. The tests share
 * one schema and keep to queues of their own; an observer store, open for the whole class, reads
 * the jobs after a runtime (and its store) has stopped.
 */
class PostgresRuntimeTest {
  record Work(String queue, String behaviour, int n, int priority) {}

  record Task(int n) {}

  static final JobType<Work> WORK = JobType.of("pg.work", Work.class);
  static final JobType<Task> TASK = JobType.of("pg.task", Task.class);
  static final Map<String, Integer> LIMITS = Map.of("alpha", 1, "beta", 2, "gamma", 4);

  private static TestDatabase db;
  private static String schema;
  private static PostgresStore observer;

  @BeforeAll
  static void createSchema() {
    db = TestDatabase.get();
    schema = db.freshSchema("pg_runtime");
    observer = PostgresStore.start(db.options(schema).listen(false).poolSize(2).build());
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

  private static Job stored(JobId id) {
    return observer.storage().find(id).orElseThrow();
  }

  private static long count(String queue, JobState state) {
    return observer.storage().stats(Instant.now()).stream()
        .filter(stats -> stats.queue().equals(queue))
        .mapToLong(stats -> stats.count(state))
        .sum();
  }

  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> executions = new ConcurrentHashMap<>();
  private final List<Integer> alphaFirstAttemptPriorities = new CopyOnWriteArrayList<>();

  @Test
  @Timeout(60)
  void threeQueues_completeEveryJob_retryFailures_deadLetterTheHopeless_neverExceedingLimits() {
    var options = RuntimeOptions.builder().pollInterval(Duration.ofMillis(50));
    LIMITS.forEach(options::queue);
    try (DocketRuntime docket =
        PostgresRuntimes.runtime(
            db.options(schema).build(),
            options.build(),
            HandlerBinding.of(WORK, (work, context) -> handle(work, context.attempt())))) {
      var works = new ArrayList<Work>();
      var requests = new ArrayList<JobRequest>();
      int n = 0;
      for (String queue : LIMITS.keySet()) {
        for (String behaviour : List.of("ok", "ok", "ok", "flaky", "doomed")) {
          for (int i = 0; i < 6; i++) {
            var work = new Work(queue, behaviour, n++, i * 20);
            works.add(work);
            requests.add(
                JobRequest.of(WORK, work)
                    .queue(queue)
                    .priority(Priority.of(i * 20))
                    .maxAttempts(3)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(20)))
                    .build());
          }
        }
      }
      // Submitted before the workers start, so every first attempt competes on priority alone.
      List<Job> submitted = docket.client().submitAll(requests);
      docket.start();

      Awaitility.await()
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  LIMITS.keySet().stream()
                          .mapToLong(q -> count(q, JobState.COMPLETED) + count(q, JobState.FAILED))
                          .sum()
                      == submitted.size());

      for (int i = 0; i < submitted.size(); i++) {
        Work work = works.get(i);
        Job done = stored(submitted.get(i).id());
        int ran = executions.get(work.n()).get();
        switch (work.behaviour()) {
          case "doomed" -> {
            assertThat(done.state()).as("doomed job %s", work).isEqualTo(JobState.FAILED);
            assertThat(done.attempt()).isEqualTo(3);
            assertThat(done.errors())
                .extracting(AttemptError::attempt, AttemptError::type, AttemptError::message)
                .containsExactly(
                    tuple(1, IllegalStateException.class.getName(), "doomed on attempt 1"),
                    tuple(2, IllegalStateException.class.getName(), "doomed on attempt 2"),
                    tuple(3, IllegalStateException.class.getName(), "doomed on attempt 3"));
            assertThat(ran).as("executions of %s", work).isEqualTo(3);
          }
          case "flaky" -> {
            assertThat(done.state()).as("flaky job %s", work).isEqualTo(JobState.COMPLETED);
            assertThat(done.attempt()).isEqualTo(2);
            assertThat(done.errors())
                .extracting(AttemptError::attempt, AttemptError::message)
                .containsExactly(tuple(1, "flaky on attempt 1"));
            assertThat(ran).as("executions of %s", work).isEqualTo(2);
          }
          default -> {
            assertThat(done.state()).as("ok job %s", work).isEqualTo(JobState.COMPLETED);
            assertThat(done.attempt()).isEqualTo(1);
            assertThat(done.errors()).isEmpty();
            assertThat(ran).as("executions of %s", work).isEqualTo(1);
          }
        }
      }
      for (String queue : LIMITS.keySet()) {
        assertThat(count(queue, JobState.PENDING) + count(queue, JobState.RUNNING))
            .as("jobs left in %s", queue)
            .isZero();
      }
      LIMITS.forEach(
          (queue, limit) ->
              assertThat(peak.get(queue).get())
                  .as("peak concurrency of %s", queue)
                  .isBetween(1, limit));
      assertThat(peak.get("gamma").get()).as("gamma runs jobs in parallel").isGreaterThan(1);
      assertThat(alphaFirstAttemptPriorities)
          .as("first attempts on alpha, one at a time, go by priority")
          .hasSize(30)
          .isSortedAccordingTo(Comparator.reverseOrder());
    }
  }

  private void handle(Work work, int attempt) throws InterruptedException {
    int now = running.computeIfAbsent(work.queue(), q -> new AtomicInteger()).incrementAndGet();
    peak.computeIfAbsent(work.queue(), q -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    try {
      executions.computeIfAbsent(work.n(), k -> new AtomicInteger()).incrementAndGet();
      if (work.queue().equals("alpha") && attempt == 1) {
        alphaFirstAttemptPriorities.add(work.priority());
      }
      // Long enough for the handlers of one queue to overlap when the limit allows it.
      Thread.sleep(15);
      if (work.behaviour().equals("doomed") || (work.behaviour().equals("flaky") && attempt == 1)) {
        throw new IllegalStateException(work.behaviour() + " on attempt " + attempt);
      }
    } finally {
      running.get(work.queue()).decrementAndGet();
    }
  }

  @Test
  @Timeout(30)
  void shutdownWithJobsInFlight_losesNothing_andUsesNoAttempt() throws Exception {
    var started = new CountDownLatch(3);
    var interrupted = new CountDownLatch(3);
    var never = new CountDownLatch(1);
    DocketRuntime docket =
        PostgresRuntimes.runtime(
            db.options(schema).build(),
            RuntimeOptions.builder()
                .queue("shutdown", 3)
                .pollInterval(Duration.ofMillis(50))
                .shutdownGrace(Duration.ofMillis(200))
                .build(),
            HandlerBinding.of(
                TASK,
                (task, context) -> {
                  started.countDown();
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                  }
                }));
    List<Job> jobs;
    try {
      docket.start();
      var requests = new ArrayList<JobRequest>();
      for (int i = 0; i < 5; i++) {
        requests.add(JobRequest.of(TASK, new Task(i)).queue("shutdown").build());
      }
      jobs = docket.client().submitAll(requests);
      assertThat(started.await(10, TimeUnit.SECONDS)).as("three handlers started").isTrue();
      assertThat(count("shutdown", JobState.RUNNING)).isEqualTo(3);
    } finally {
      docket.close();
    }

    assertThat(interrupted.getCount()).as("handlers left to interrupt").isZero();
    for (Job job : jobs) {
      Job after = stored(job.id());
      assertThat(after.state()).as("job %s", job.id()).isEqualTo(JobState.PENDING);
      assertThat(after.attempt()).isZero();
      assertThat(after.errors()).isEmpty();
      assertThat(after.lease()).isEmpty();
    }
    assertThat(docket.busy()).containsEntry("shutdown", 0);
  }

  @Test
  @Timeout(60)
  void twoRuntimesOnOneSchema_drainTwoThousandJobs_runningEachExactlyOnce() {
    int total = 2_000;
    Map<JobId, AtomicInteger> runs = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> ranBy = new ConcurrentHashMap<>();
    RuntimeOptions.Builder options =
        RuntimeOptions.builder().queue("drain", 8).pollInterval(Duration.ofMillis(50));
    DocketRuntime first =
        PostgresRuntimes.runtime(
            db.options(schema).build(),
            options.owner("node-one").build(),
            HandlerBinding.of(
                TASK,
                (task, context) -> {
                  runs.computeIfAbsent(context.jobId(), id -> new AtomicInteger())
                      .incrementAndGet();
                  ranBy.computeIfAbsent("node-one", id -> new AtomicInteger()).incrementAndGet();
                }));
    DocketRuntime second =
        PostgresRuntimes.runtime(
            db.options(schema).build(),
            options.owner("node-two").build(),
            HandlerBinding.of(
                TASK,
                (task, context) -> {
                  runs.computeIfAbsent(context.jobId(), id -> new AtomicInteger())
                      .incrementAndGet();
                  ranBy.computeIfAbsent("node-two", id -> new AtomicInteger()).incrementAndGet();
                }));
    List<Job> submitted;
    try {
      submitted =
          first
              .client()
              .submitAll(
                  IntStream.range(0, total)
                      .mapToObj(i -> JobRequest.of(TASK, new Task(i)).queue("drain").build())
                      .toList());
      first.start();
      second.start();

      Awaitility.await()
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> count("drain", JobState.COMPLETED) == total);
    } finally {
      first.close();
      second.close();
    }

    // Counted after both runtimes stopped, so a late second run would show.
    assertThat(submitted).hasSize(total);
    assertThat(runs).hasSize(total);
    assertThat(runs.keySet())
        .containsExactlyInAnyOrderElementsOf(submitted.stream().map(Job::id).toList());
    assertThat(runs.entrySet())
        .filteredOn(entry -> entry.getValue().get() != 1)
        .as("jobs run other than exactly once")
        .isEmpty();
    assertThat(ranBy.get("node-one").get() + ranBy.get("node-two").get()).isEqualTo(total);
    assertThat(ranBy.get("node-one").get()).as("jobs run by node one").isPositive();
    assertThat(ranBy.get("node-two").get()).as("jobs run by node two").isPositive();
    QueueStats drain =
        observer.storage().stats(Instant.now()).stream()
            .filter(stats -> stats.queue().equals("drain"))
            .findFirst()
            .orElseThrow();
    for (JobState state : JobState.values()) {
      assertThat(drain.count(state))
          .as("%s jobs in drain", state)
          .isEqualTo(state == JobState.COMPLETED ? total : 0);
    }
  }
}
