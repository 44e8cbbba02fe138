package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.LocalHandoff;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.DocketStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A job submitted on a node with an idle handler goes to that handler stored already claimed,
 * without a claim's round trip (issue 14's latency), and keeps every guarantee of a claimed job: it
 * is leased to the node, a busy node leaves it for a claim, a stopping node takes none, and nodes
 * that submit and run side by side run every job once. A subclass supplies the store.
 */
@Timeout(60)
abstract class HandoffScenarios {
  record Work(String name) {}

  static final JobType<Work> BLOCK = JobType.of("handoff.block", Work.class);
  static final JobType<Work> WORK = JobType.of("handoff.work", Work.class);

  /** A fresh, empty store shared by the runtimes of one test; each call may open another. */
  abstract DocketStore store();

  /** Lets go of the stores, after the runtimes stopped. */
  void closeStores() {}

  private final List<DocketRuntime> runtimes = new ArrayList<>();
  private final CountDownLatch unblock = new CountDownLatch(1);
  private final CountDownLatch blocking = new CountDownLatch(1);

  /** How many times each job's handler ran. */
  private final Map<JobId, AtomicInteger> runs = new ConcurrentHashMap<>();

  @AfterEach
  void stopRuntimes() {
    unblock.countDown();
    runtimes.forEach(runtime -> runtime.stop(Duration.ofSeconds(5)));
    closeStores();
  }

  private DocketRuntime runtime(String owner, int concurrency) {
    var runtime =
        DocketRuntime.builder(store())
            .options(
                RuntimeOptions.builder()
                    .owner(owner)
                    .queue("default", concurrency)
                    .pollInterval(Duration.ofMillis(50))
                    .build())
            .handler(
                BLOCK,
                (work, context) -> {
                  runs.computeIfAbsent(context.jobId(), id -> new AtomicInteger())
                      .incrementAndGet();
                  blocking.countDown();
                  if (!unblock.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never unblocked");
                  }
                })
            .handler(
                WORK,
                (work, context) ->
                    runs.computeIfAbsent(context.jobId(), id -> new AtomicInteger())
                        .incrementAndGet())
            .closeStoreOnStop(false)
            .build();
    runtimes.add(runtime);
    runtime.start();
    return runtime;
  }

  private static JobRequest work(JobType<Work> type, String name) {
    return JobRequest.of(type, new Work(name)).build();
  }

  private void awaitFinished(DocketRuntime runtime, JobId... ids) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (JobId id : ids) {
                if (!runtime.client().get(id).state().isFinished()) {
                  return false;
                }
              }
              return true;
            });
  }

  @Test
  void aJobSubmittedToANodeWithAnIdleHandler_isStoredClaimedForIt_andRuns() {
    DocketRuntime node = runtime("node-a", 2);

    Job submitted = node.client().submit(work(WORK, "first"));

    assertThat(submitted.state()).as("the job as submit returns it").isEqualTo(JobState.RUNNING);
    assertThat(submitted.attempt()).isEqualTo(1);
    assertThat(submitted.lease().orElseThrow().owner()).isEqualTo("node-a");
    awaitFinished(node, submitted.id());
    assertThat(node.client().get(submitted.id()).state()).isEqualTo(JobState.COMPLETED);
    assertThat(runs.get(submitted.id())).hasValue(1);
  }

  @Test
  void aJobSubmittedWhileEveryHandlerIsBusy_isStoredPending_andWaitsForAClaim() throws Exception {
    DocketRuntime node = runtime("node-a", 1);
    Job blocker = node.client().submit(work(BLOCK, "blocker"));
    assertThat(blocking.await(20, TimeUnit.SECONDS)).as("the blocker started").isTrue();

    Job waiting = node.client().submit(work(WORK, "waiting"));

    assertThat(waiting.state()).as("with no idle handler").isEqualTo(JobState.PENDING);
    assertThat(node.client().get(waiting.id()).lease()).isEmpty();
    unblock.countDown();
    awaitFinished(node, blocker.id(), waiting.id());
    assertThat(node.client().get(waiting.id()).attempt()).as("claimed once").isEqualTo(1);
    assertThat(runs.get(waiting.id())).hasValue(1);
  }

  @Test
  void aStoppedNode_takesNoJobBySubmit() {
    DocketRuntime node = runtime("node-a", 2);
    node.stop(Duration.ofSeconds(5));

    Job submitted = node.client().submit(work(WORK, "after the stop"));

    assertThat(submitted.state()).isEqualTo(JobState.PENDING);
    assertThat(node.client().get(submitted.id()).lease()).isEmpty();
  }

  @Test
  void aHandlerReservedBeforeAStop_givesItsJobBack_withoutUsingAnAttempt() {
    var handlers = new HandlerRegistry();
    handlers.register(WORK, (work, context) -> {});
    var processor =
        new JobProcessor(
            store().storage(),
            handlers,
            JacksonPayloadCodec.create(),
            Clock.systemUTC(),
            new SplittableRandom(2),
            new ProcessorOptions("node-a", Duration.ofSeconds(30)));
    var pool =
        new WorkerPool(
            "default",
            1,
            processor,
            RuntimeOptions.builder().queue("default", 1).build(),
            Clock.systemUTC(),
            new SplittableRandom(3),
            WorkerObserver.NONE);
    pool.start();
    LocalHandoff.Slot slot = pool.reserve().orElseThrow();
    assertThat(pool.reserve()).as("the only handler, reserved").isEmpty();
    var client =
        new JobClient(
            store().storage(),
            JacksonPayloadCodec.create(),
            Clock.systemUTC(),
            new SplittableRandom(1));
    Job claimed =
        store()
            .storage()
            .insertClaimed(client.prepare(List.of(work(WORK, "late"))).get(0), slot.claim());
    assertThat(claimed.state()).isEqualTo(JobState.RUNNING);

    pool.stop(Duration.ZERO);
    slot.take(claimed).run();

    Job stored = client.get(claimed.id());
    assertThat(stored.state()).isEqualTo(JobState.PENDING);
    assertThat(stored.attempt()).as("attempts used").isZero();
    assertThat(runs).as("handlers run").isEmpty();
  }

  @Test
  void nodesThatSubmitAndRunSideBySide_runEveryJobExactlyOnce() throws Exception {
    List<DocketRuntime> nodes =
        List.of(runtime("node-a", 4), runtime("node-b", 4), runtime("node-c", 4));
    int perSubmitter = 200;
    var handedOff = new AtomicInteger();
    var submitted = ConcurrentHashMap.<JobId>newKeySet();
    ExecutorService submitters = Executors.newFixedThreadPool(6);
    try {
      var start = new CountDownLatch(1);
      var futures = new ArrayList<Future<?>>();
      for (int s = 0; s < 6; s++) {
        DocketRuntime node = nodes.get(s % nodes.size());
        int submitter = s;
        futures.add(
            submitters.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perSubmitter; i++) {
                    Job job = node.client().submit(work(WORK, submitter + "-" + i));
                    submitted.add(job.id());
                    if (job.state() == JobState.RUNNING) {
                      handedOff.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      submitters.shutdownNow();
    }

    assertThat(submitted).hasSize(6 * perSubmitter);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == submitted.size());
    awaitFinished(nodes.get(0), submitted.toArray(JobId[]::new));
    assertThat(handedOff.get()).as("jobs that went straight to an idle handler").isPositive();
    assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(submitted);
    assertThat(runs.values()).as("runs per job").allSatisfy(count -> assertThat(count).hasValue(1));
    for (JobId id : submitted) {
      Job job = nodes.get(0).client().get(id);
      assertThat(job.state()).as("job %s", id).isEqualTo(JobState.COMPLETED);
      assertThat(job.attempt()).as("attempts of job %s", id).isEqualTo(1);
    }
  }
}
