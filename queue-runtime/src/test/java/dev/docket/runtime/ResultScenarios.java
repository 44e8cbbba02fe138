package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.usecase.JobFailedException;
import dev.docket.usecase.JobFilter;
import dev.docket.usecase.JobNotFoundException;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobSubscriber;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import dev.docket.usecase.Subscription;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Results, progress, awaits and subscriptions across nodes: a job submitted on node A runs on node
 * B, and a caller on A awaits its result and hears its changes in order. A subclass supplies the
 * store; for PostgreSQL each node has a store of its own, so what A hears came through the
 * database.
 */
@Timeout(90)
abstract class ResultScenarios {
  record Resize(String image, int width) {}

  record Thumbnail(String url, int bytes) {}

  static final JobType<Resize> RESIZE = JobType.of("image.resize", Resize.class);
  static final JobType<Resize> PLAIN = JobType.of("image.plain", Resize.class);
  static final JobType<Resize> BROKEN = JobType.of("image.broken", Resize.class);
  static final JobType<Resize> HUGE = JobType.of("image.huge", Resize.class);
  static final JobType<Resize> SLOW = JobType.of("image.slow", Resize.class);
  static final JobType<Resize> CHATTY = JobType.of("image.chatty", Resize.class);

  /** A fresh, empty store shared by the runtimes of one test; each call may open another. */
  abstract DocketStore store();

  /** Lets go of the stores, after the runtimes stopped. */
  void closeStores() {}

  final List<DocketRuntime> runtimes = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch halfway = new CountDownLatch(1);

  @AfterEach
  void stopRuntimes() {
    release.countDown();
    runtimes.forEach(runtime -> runtime.stop(Duration.ofSeconds(5)));
    closeStores();
  }

  /** Node A: submits and awaits, and runs no handler of these kinds. */
  DocketRuntime caller() {
    var runtime =
        DocketRuntime.builder(store())
            .options(RuntimeOptions.builder().owner("node-a").queue("other", 1).build())
            .closeStoreOnStop(false)
            .build();
    runtimes.add(runtime);
    runtime.start();
    return runtime;
  }

  /** Node B: runs the handlers. */
  DocketRuntime worker() {
    var runtime =
        DocketRuntime.builder(store())
            .options(
                RuntimeOptions.builder()
                    .owner("node-b")
                    .queue("default", 4)
                    .pollInterval(Duration.ofMillis(100))
                    .build())
            .resultHandler(
                RESIZE,
                (resize, context) ->
                    new Thumbnail(
                        "https://cdn.example/" + resize.image() + "?w=" + resize.width(), 2048))
            .handler(PLAIN, (resize, context) -> {})
            .handler(
                BROKEN,
                (resize, context) -> {
                  throw new NonRetryableException("the image " + resize.image() + " is corrupt");
                })
            .resultHandler(HUGE, (resize, context) -> "x".repeat(Job.MAX_RESULT_LENGTH))
            .resultHandler(
                SLOW,
                (resize, context) -> {
                  context.progress(50, "resizing page 12 of 30");
                  halfway.countDown();
                  if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                  }
                  return new Thumbnail("slow", 1);
                })
            .handler(
                CHATTY,
                (resize, context) -> {
                  for (int i = 0; i < 10_000; i++) {
                    context.progress(i * 100 / 10_000, "step " + i);
                  }
                  context.progress(100, "done");
                })
            .closeStoreOnStop(false)
            .build();
    runtimes.add(runtime);
    runtime.start();
    return runtime;
  }

  static JobRequest request(JobType<Resize> type, String image) {
    return JobRequest.of(type, new Resize(image, 640)).build();
  }

  /** Collects a subscriber's changes. */
  static final class Recorder implements JobSubscriber {
    final LinkedBlockingQueue<JobChange> changes = new LinkedBlockingQueue<>();
    final CountDownLatch dropped = new CountDownLatch(1);

    @Override
    public void onChange(JobChange change) {
      changes.add(change);
    }

    @Override
    public void onDropped(String reason) {
      dropped.countDown();
    }

    List<JobChange> until(JobId id, JobState state) throws InterruptedException {
      var seen = new ArrayList<JobChange>();
      while (true) {
        JobChange change = changes.poll(30, TimeUnit.SECONDS);
        assertThat(change).as("a change of %s before it is %s", id, state).isNotNull();
        seen.add(change);
        if (change.jobId().equals(id) && change.state() == state) {
          return seen;
        }
      }
    }
  }

  @Test
  void aJobSubmittedOnOneNode_andRunOnAnother_givesItsResultToTheCallerOnTheFirst()
      throws Exception {
    DocketRuntime a = caller();
    worker();
    var recorder = new Recorder();
    try (Subscription subscription =
        a.client().subscribe(JobFilter.all().kinds(RESIZE.kind()), recorder)) {

      Job job = a.client().submit(request(RESIZE, "cat.png"));
      Thumbnail thumbnail =
          a.client().awaitResult(job.id(), Thumbnail.class, Duration.ofSeconds(30));

      assertThat(thumbnail).isEqualTo(new Thumbnail("https://cdn.example/cat.png?w=640", 2048));
      assertThat(recorder.until(job.id(), JobState.COMPLETED))
          .extracting(JobChange::jobId, JobChange::type, JobChange::state)
          .containsExactly(
              tuple(job.id(), JobChange.Type.CREATED, JobState.PENDING),
              tuple(job.id(), JobChange.Type.STATE, JobState.RUNNING),
              tuple(job.id(), JobChange.Type.STATE, JobState.COMPLETED));
      Job done = a.client().get(job.id());
      assertThat(done.result())
          .contains("{\"url\":\"https://cdn.example/cat.png?w=640\",\"bytes\":2048}");
      assertThat(done.lease()).isEmpty();
      assertThat(subscription.isOpen()).isTrue();
    }
  }

  @Test
  void aHandlerThatReturnsNothing_completesWithoutAResult() throws Exception {
    DocketRuntime a = caller();
    worker();

    Job job = a.client().submit(request(PLAIN, "dog.png"));

    assertThat(a.client().awaitResult(job.id(), Thumbnail.class, Duration.ofSeconds(30))).isNull();
    assertThat(a.client().get(job.id()).result()).isEmpty();
  }

  @Test
  void awaitingAJobThatFails_failsWithTheJob() {
    DocketRuntime a = caller();
    worker();

    Job job = a.client().submit(request(BROKEN, "corrupt.png"));

    assertThatThrownBy(
            () -> a.client().awaitResult(job.id(), Thumbnail.class, Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            JobFailedException.class,
            e -> {
              assertThat(e.job().id()).isEqualTo(job.id());
              assertThat(e.job().state()).isEqualTo(JobState.FAILED);
              assertThat(e).hasMessageContaining("the image corrupt.png is corrupt");
            });
  }

  @Test
  void awaitingAJobThatIsCancelled_failsWithTheJob() throws Exception {
    DocketRuntime a = caller();
    Job job = a.client().submit(request(PLAIN, "later.png"));
    CompletableFuture<Thumbnail> result = a.client().awaitResult(job.id(), Thumbnail.class);

    a.client().cancel(job.id());

    assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            JobFailedException.class,
            e -> assertThat(e.job().state()).isEqualTo(JobState.CANCELLED));
  }

  @Test
  void awaitingAJobThatDoesNotExist_failsAtOnce() {
    DocketRuntime a = caller();

    assertThatThrownBy(
            () ->
                a.client()
                    .awaitFinished(new JobId(java.util.UUID.randomUUID()))
                    .get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void awaitingAJobThatIsStillRunning_timesOut_andLeavesTheJobAlone() throws Exception {
    DocketRuntime a = caller();
    worker();
    Job job = a.client().submit(request(SLOW, "big.tiff"));
    assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(
            () -> a.client().awaitResult(job.id(), Thumbnail.class, Duration.ofMillis(200)))
        .isInstanceOf(TimeoutException.class);

    assertThat(a.client().get(job.id()).state()).isEqualTo(JobState.RUNNING);
    release.countDown();
    assertThat(a.client().awaitResult(job.id(), Thumbnail.class, Duration.ofSeconds(30)))
        .isEqualTo(new Thumbnail("slow", 1));
  }

  @Test
  void aResultTooLargeToKeep_failsTheJobForGood_saying_why() {
    DocketRuntime a = caller();
    worker();

    Job job = a.client().submit(request(HUGE, "huge.png"));

    assertThatThrownBy(() -> a.client().awaitResult(job.id(), String.class, Duration.ofSeconds(30)))
        .isInstanceOf(JobFailedException.class);
    Job failed = a.client().get(job.id());
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.attempt()).as("not retried: it would make the same result").isEqualTo(1);
    assertThat(failed.errors().getLast().type()).isEqualTo("ResultTooLarge");
    assertThat(failed.errors().getLast().message()).contains("at most 262,144");
    assertThat(failed.result()).isEmpty();
  }

  @Test
  void progress_isStored_andHeardOnTheOtherNode_whileTheJobRuns() throws Exception {
    DocketRuntime a = caller();
    worker();
    var recorder = new Recorder();
    a.client().subscribe(JobFilter.all().kinds(SLOW.kind()), recorder);

    Job job = a.client().submit(request(SLOW, "big.tiff"));

    List<JobChange> seen = new ArrayList<>();
    while (seen.stream().noneMatch(c -> c.type() == JobChange.Type.PROGRESS)) {
      JobChange change = recorder.changes.poll(30, TimeUnit.SECONDS);
      assertThat(change).as("a progress change").isNotNull();
      seen.add(change);
    }
    JobChange progress = seen.getLast();
    assertThat(progress.state()).isEqualTo(JobState.RUNNING);
    assertThat(progress.progress().orElseThrow().percent()).isEqualTo(50);
    assertThat(progress.progress().orElseThrow().message()).isEqualTo("resizing page 12 of 30");
    assertThat(a.client().get(job.id()).progress().orElseThrow().percent()).isEqualTo(50);
    release.countDown();
    a.client().awaitFinished(job.id()).get(30, TimeUnit.SECONDS);
    assertThat(a.client().get(job.id()).progress().orElseThrow().percent())
        .as("a finished job keeps its last progress")
        .isEqualTo(50);
  }

  @Test
  void progressReportedInATightLoop_writesTheStoreAFewTimes_andKeepsTheLast() throws Exception {
    DocketRuntime a = caller();
    worker();
    var recorder = new Recorder();
    a.client().subscribe(JobFilter.all().kinds(CHATTY.kind()), recorder);

    Job job = a.client().submit(request(CHATTY, "pages.pdf"));

    List<JobChange> seen = recorder.until(job.id(), JobState.COMPLETED);
    long writes = seen.stream().filter(c -> c.type() == JobChange.Type.PROGRESS).count();
    assertThat(writes).as("progress writes for 10,001 reports").isBetween(1L, 40L);
    assertThat(a.client().get(job.id()).progress().orElseThrow())
        .satisfies(
            last -> {
              assertThat(last.percent()).isEqualTo(100);
              assertThat(last.message()).isEqualTo("done");
            });
  }

  @Test
  void manyCallers_awaitingAtOnce_allGetTheirResults() throws Exception {
    DocketRuntime a = caller();
    worker();
    var futures = new ArrayList<CompletableFuture<Thumbnail>>();
    var jobs =
        a.client()
            .submitAll(
                java.util.stream.IntStream.range(0, 1_000)
                    .mapToObj(i -> request(RESIZE, "img" + i))
                    .toList());

    for (Job job : jobs) {
      futures.add(a.client().awaitResult(job.id(), Thumbnail.class));
    }

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i).join().url()).endsWith("img" + i + "?w=640");
    }
  }

  @Test
  void aSubscriberThatFallsBehind_isDropped_andTheWorkersGoOn() throws Exception {
    DocketRuntime a = caller();
    worker();
    var stuck = new CountDownLatch(1);
    var dropped = new CountDownLatch(1);
    Subscription subscription =
        a.client()
            .subscribe(
                JobFilter.all(),
                new JobSubscriber() {
                  @Override
                  public void onChange(JobChange change) {
                    try {
                      stuck.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }

                  @Override
                  public void onDropped(String reason) {
                    dropped.countDown();
                  }
                });
    List<Job> jobs =
        a.client()
            .submitAll(
                java.util.stream.IntStream.range(0, 4_000)
                    .mapToObj(i -> request(PLAIN, "p" + i))
                    .toList());

    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> a.client().get(jobs.getLast().id()).state() == JobState.COMPLETED);
    assertThat(subscription.isOpen()).isFalse();
    stuck.countDown();
    assertThat(dropped.await(30, TimeUnit.SECONDS)).as("told it was dropped").isTrue();
    for (Job job : jobs) {
      assertThat(a.client().get(job.id()).state()).isEqualTo(JobState.COMPLETED);
    }
  }
}
