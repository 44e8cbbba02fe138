package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.usecase.BulkResult;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Operators acting on many jobs at once: by ids and by a filter a page at a time, skipping with a
 * reason what an action does not apply to, safe to repeat, and exact when several operators on
 * several nodes act on the same dead letter at once. A subclass supplies the store.
 */
@Timeout(90)
abstract class BulkActionScenarios {
  record Work(String name) {}

  static final JobType<Work> FLAKY = JobType.of("bulk.flaky", Work.class);
  static final JobType<Work> BROKEN = JobType.of("bulk.broken", Work.class);
  static final JobType<Work> FINE = JobType.of("bulk.fine", Work.class);
  static final JobType<Work> BLOCK = JobType.of("bulk.block", Work.class);

  /** A fresh, empty store shared by the runtimes of one test; each call may open another. */
  abstract DocketStore store();

  /** Lets go of the stores, after the runtimes stopped. */
  void closeStores() {}

  private final List<DocketRuntime> runtimes = new ArrayList<>();
  private final CountDownLatch unblock = new CountDownLatch(1);
  private final CountDownLatch blocking = new CountDownLatch(1);

  @AfterEach
  void stopRuntimes() {
    unblock.countDown();
    runtimes.forEach(runtime -> runtime.stop(Duration.ofSeconds(5)));
    closeStores();
  }

  /** A node whose flaky jobs fail their first attempt, broken ones every attempt. */
  private DocketRuntime node(String owner) {
    var runtime =
        DocketRuntime.builder(store())
            .options(
                RuntimeOptions.builder()
                    .owner(owner)
                    .queue("default", 4)
                    .pollInterval(Duration.ofMillis(50))
                    .build())
            .handler(
                FLAKY,
                (work, context) -> {
                  if (context.attempt() == 1) {
                    throw new NonRetryableException("the first attempt of " + work.name());
                  }
                })
            .handler(
                BROKEN,
                (work, context) -> {
                  throw new NonRetryableException("always broken: " + work.name());
                })
            .handler(FINE, (work, context) -> {})
            .handler(
                BLOCK,
                (work, context) -> {
                  blocking.countDown();
                  if (!unblock.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never unblocked");
                  }
                })
            .closeStoreOnStop(false)
            .build();
    runtimes.add(runtime);
    return runtime;
  }

  private static List<JobRequest> jobs(JobType<Work> type, int count) {
    var requests = new ArrayList<JobRequest>();
    for (int i = 0; i < count; i++) {
      requests.add(JobRequest.of(type, new Work(type.kind() + "-" + i)).maxAttempts(1).build());
    }
    return requests;
  }

  private static long count(JobClient client, JobQuery query) {
    return client.count(query, 100_000);
  }

  private static JobQuery failed(JobType<Work> type) {
    return JobQuery.builder().state(JobState.FAILED).kind(type.kind()).build();
  }

  private static void awaitCount(JobClient client, JobQuery query, long expected) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(count(client, query)).isEqualTo(expected));
  }

  /** Every match of {@code query}, page by page, as an operator's "all N matching" does. */
  private static List<BulkResult> actOnAll(
      JobClient client, BulkResult.Action action, JobQuery query) {
    var results = new ArrayList<BulkResult>();
    JobQuery page = query;
    while (true) {
      BulkResult result = client.act(action, page);
      results.add(result);
      if (result.nextAfterId().isEmpty()) {
        return results;
      }
      page = page.after(result.nextAfterId().get());
    }
  }

  private static List<JobId> changed(List<BulkResult> results) {
    return results.stream().flatMap(r -> r.changed().stream()).toList();
  }

  @Test
  void retryingAFilteredDeadLetter_retriesEveryMatch_pageByPage_andNothingElse() {
    DocketRuntime node = node("node-a");
    JobClient client = node.client();
    client.submitAll(jobs(FLAKY, 25));
    client.submitAll(jobs(BROKEN, 5));
    client.submitAll(jobs(FINE, 3));
    node.start();
    awaitCount(client, failed(FLAKY), 25);
    awaitCount(client, failed(BROKEN), 5);

    List<BulkResult> results =
        actOnAll(client, BulkResult.Action.RETRY, failed(FLAKY).withLimit(10));

    assertThat(results).as("pages of 10 over 25 matches").hasSizeBetween(3, 4);
    assertThat(changed(results)).hasSize(25).doesNotHaveDuplicates();
    assertThat(results).allSatisfy(r -> assertThat(r.skipped()).isEmpty());
    awaitCount(client, JobQuery.builder().state(JobState.COMPLETED).kind(FLAKY.kind()).build(), 25);
    assertThat(count(client, failed(BROKEN))).as("another kind's dead jobs").isEqualTo(5);
    assertThat(count(client, failed(FLAKY))).isZero();
  }

  @Test
  void actingOnIds_changesWhatItCan_skipsTheRestWithReasons_andIsSafeToRepeat() {
    DocketRuntime node = node("node-a");
    JobClient client = node.client();
    Job broken = client.submit(jobs(BROKEN, 1).getFirst());
    Job fine = client.submit(jobs(FINE, 1).getFirst());
    node.start();
    awaitCount(client, failed(BROKEN), 1);
    awaitCount(client, JobQuery.builder().state(JobState.COMPLETED).build(), 1);
    node.stop(Duration.ofSeconds(5));
    JobId missing = JobId.parse("01890000-0000-7000-8000-000000000000");

    BulkResult first =
        client.act(BulkResult.Action.RETRY, List.of(broken.id(), fine.id(), missing, broken.id()));

    assertThat(first.changed()).containsExactly(broken.id());
    assertThat(first.skipped())
        .extracting(BulkResult.Skipped::id)
        .containsExactly(fine.id(), missing);
    assertThat(first.skipped().get(0).reason()).containsIgnoringCase("completed");
    assertThat(first.skipped().get(1).reason()).contains("no job");
    assertThat(first.nextAfterId()).isEmpty();
    assertThat(client.get(broken.id()).state()).isEqualTo(JobState.PENDING);

    BulkResult again = client.act(BulkResult.Action.RETRY, List.of(broken.id(), fine.id()));

    assertThat(again.changed()).as("repeated: the job was retried already").isEmpty();
    assertThat(again.skipped().getFirst().reason()).containsIgnoringCase("pending");
    assertThat(client.get(broken.id()).attempt()).as("no attempt used by the repeat").isEqualTo(1);
  }

  @Test
  void cancellingInBulk_cancelsPendingJobs_asksRunningOnesToStop_once() throws Exception {
    DocketRuntime node = node("node-a");
    JobClient client = node.client();
    node.start();
    Job running = client.submit(JobRequest.of(BLOCK, new Work("long")).build());
    assertThat(blocking.await(30, TimeUnit.SECONDS)).as("the long job started").isTrue();
    node.pause("default");
    List<Job> waiting = client.submitAll(jobs(FINE, 6));
    var ids = new ArrayList<JobId>(waiting.stream().map(Job::id).toList());
    ids.add(running.id());

    BulkResult first = client.act(BulkResult.Action.CANCEL, ids);
    BulkResult again = client.act(BulkResult.Action.CANCEL, ids);

    assertThat(first.changed()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(again.changed()).isEmpty();
    assertThat(again.skipped()).hasSize(7);
    assertThat(again.skipped())
        .filteredOn(s -> s.id().equals(running.id()))
        .singleElement()
        .satisfies(s -> assertThat(s.reason()).contains("asked to stop already"));
    assertThat(count(client, JobQuery.builder().state(JobState.CANCELLED).build())).isEqualTo(6);
    assertThat(client.get(running.id()).isCancelRequested()).isTrue();
  }

  @Test
  void deletingByFilter_deletesFinishedJobs_andSkipsARunningOne() throws Exception {
    DocketRuntime node = node("node-a");
    JobClient client = node.client();
    client.submitAll(jobs(FINE, 12));
    node.start();
    awaitCount(client, JobQuery.builder().state(JobState.COMPLETED).build(), 12);
    Job running = client.submit(JobRequest.of(BLOCK, new Work("long")).build());
    assertThat(blocking.await(30, TimeUnit.SECONDS)).isTrue();

    List<BulkResult> results =
        actOnAll(client, BulkResult.Action.DELETE, JobQuery.builder().limit(5).build());

    assertThat(changed(results)).hasSize(12);
    assertThat(results.stream().flatMap(r -> r.skipped().stream()))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.id()).isEqualTo(running.id());
              assertThat(s.reason()).containsIgnoringCase("running");
            });
    assertThat(count(client, JobQuery.all())).as("only the running job is left").isEqualTo(1);
  }

  @Test
  void tooManyIds_areRefused_beforeAnyIsChanged() {
    JobClient client = node("node-a").client();
    var ids = new ArrayList<JobId>();
    for (int i = 0; i <= JobClient.MAX_BULK; i++) {
      ids.add(JobId.parse("01890000-0000-7000-8000-%012d".formatted(i)));
    }

    assertThatThrownBy(() -> client.act(BulkResult.Action.DELETE, ids))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 1000");
  }

  @Test
  void operatorsOnThreeNodes_retryingTheSameDeadLetterAtOnce_retryEachJobExactlyOnce()
      throws Exception {
    DocketRuntime worker = node("worker");
    worker.client().submitAll(jobs(BROKEN, 300));
    worker.start();
    awaitCount(worker.client(), failed(BROKEN), 300);
    worker.stop(Duration.ofSeconds(5)); // the retried jobs stay pending, so each is seen once
    var operators = List.of(node("op-1"), node("op-2"), node("op-3"));
    var start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      var futures = new ArrayList<Future<List<BulkResult>>>();
      for (int i = 0; i < 6; i++) {
        JobClient client = operators.get(i % 3).client();
        Callable<List<BulkResult>> operator =
            () -> {
              start.await();
              return actOnAll(client, BulkResult.Action.RETRY, failed(BROKEN).withLimit(40));
            };
        futures.add(pool.submit(operator));
      }
      start.countDown();
      var all = new ArrayList<JobId>();
      var skipped = Collections.synchronizedList(new ArrayList<BulkResult.Skipped>());
      for (var future : futures) {
        List<BulkResult> results = future.get(60, TimeUnit.SECONDS);
        all.addAll(changed(results));
        results.forEach(r -> skipped.addAll(r.skipped()));
      }

      assertThat(all).as("each dead job retried by exactly one operator").hasSize(300);
      assertThat(new HashSet<>(all)).hasSize(300);
      assertThat(skipped).allSatisfy(s -> assertThat(s.reason()).containsIgnoringCase("pending"));
      JobClient client = operators.getFirst().client();
      assertThat(count(client, failed(BROKEN))).isZero();
      assertThat(count(client, JobQuery.builder().state(JobState.PENDING).build())).isEqualTo(300);
      assertThat(client.list(JobQuery.builder().limit(1000).build()).jobs())
          .allSatisfy(job -> assertThat(job.attempt()).isEqualTo(1));
    } finally {
      pool.shutdownNow();
    }
  }
}
