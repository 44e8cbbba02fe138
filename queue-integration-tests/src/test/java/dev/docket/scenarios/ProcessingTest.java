package dev.docket.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.usecase.JobCancelledException;
import dev.docket.usecase.JobContext;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProcessingTest {
  record Resize(String image, int width) {}

  static final JobType<Resize> RESIZE = JobType.of("image.resize", Resize.class);

  @Test
  void unknownKind_isNotClaimed_usesNoAttempt_andRunsAtAttempt1_onceAWorkerKnowsIt() {
    var h = new Harness();
    h.handlers.register(JobType.of("other.kind", Resize.class), (resize, context) -> {});
    Job job = h.client.submit(RESIZE, new Resize("cat.png", 100));

    h.worker.processBatch("default", 1);

    Job waiting = h.client.get(job.id());
    assertThat(waiting.state()).isEqualTo(JobState.PENDING);
    assertThat(waiting.attempt()).isZero();
    assertThat(waiting.errors()).isEmpty();
    h.handlers.register(RESIZE, (resize, context) -> {});
    h.worker.processBatch("default", 1);
    Job done = h.client.get(job.id());
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.errors()).isEmpty();
  }

  @Test
  void payloadThatDoesNotFitTheHandlersType_sendsTheJobToTheDeadLetter_withTheReason() {
    var h = new Harness();
    var ran = new AtomicBoolean();
    h.handlers.register(RESIZE, (resize, context) -> ran.set(true));
    Job job =
        h.client.submit(
            JobRequest.ofJson("image.resize", "{\"image\":\"a.png\",\"width\":\"wide\"}").build());

    h.worker.processBatch("default", 1);

    Job dead = h.client.get(job.id());
    assertThat(ran).isFalse();
    assertThat(dead.state()).isEqualTo(JobState.FAILED);
    assertThat(dead.attempt()).isEqualTo(1);
    assertThat(dead.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("dev.docket.usecase.port.PayloadException");
              assertThat(e.message()).contains(Resize.class.getName());
            });
  }

  @Test
  void nonRetryableException_skipsTheRemainingAttempts() {
    var h = new Harness();
    h.handlers.register(
        RESIZE,
        (resize, context) -> {
          throw new NonRetryableException("image is corrupt");
        });
    Job job = h.client.submit(RESIZE, new Resize("a.png", 1));

    h.worker.processBatch("default", 1);

    assertThat(h.client.get(job.id()).state()).isEqualTo(JobState.FAILED);
  }

  @Test
  void handlerThrowingAnError_failsOnlyThatAttempt_andTheWorkerGoesOn() {
    var h = new Harness();
    var calls = new AtomicInteger();
    h.handlers.register(
        RESIZE,
        (resize, context) -> {
          if (calls.incrementAndGet() == 1) {
            throw new StackOverflowError("deep");
          }
        });
    Job first = h.client.submit(RESIZE, new Resize("a.png", 1));
    Job second = h.client.submit(RESIZE, new Resize("b.png", 1));

    List<Outcome> outcomes = h.worker.processBatch("default", 2);

    assertThat(outcomes).hasSize(2);
    assertThat(outcomes.get(0)).isInstanceOf(Outcome.Retried.class);
    assertThat(h.client.get(first.id()).errors().get(0).type())
        .isEqualTo("java.lang.StackOverflowError");
    assertThat(h.client.get(second.id()).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void registeringASecondHandlerForAKind_isAnError() {
    var h = new Harness();
    h.handlers.register(RESIZE, (resize, context) -> {});

    assertThatThrownBy(() -> h.handlers.register(RESIZE, (resize, context) -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'image.resize' has a handler already");
  }

  @Test
  @Timeout(10)
  void cancelOfARunningJob_reachesTheHandlerThroughTheHeartbeat_andTheJobEndsCancelled()
      throws Exception {
    var h = new Harness();
    Job job = h.client.submit(RESIZE, new Resize("a.png", 1));
    CompletableFuture<Outcome> running =
        runInBackground(
            h,
            context -> {
              while (true) {
                context.throwIfCancellationRequested();
                Thread.onSpinWait();
              }
            });

    Job asked = h.client.cancel(job.id());
    assertThat(asked.state()).isEqualTo(JobState.RUNNING);
    assertThat(asked.isCancelRequested()).isTrue();
    assertThat(h.worker.heartbeat()).isEqualTo(1);
    Outcome outcome = running.get(5, TimeUnit.SECONDS);
    h.worker.report(List.of(outcome));

    assertThat(outcome).isInstanceOf(Outcome.Cancelled.class);
    assertThat(h.client.get(job.id()).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  @Timeout(10)
  void localCancelSignal_reachesTheHandlerWithoutWaitingForAHeartbeat() throws Exception {
    var h = new Harness();
    Job job = h.client.submit(RESIZE, new Resize("a.png", 1));
    CompletableFuture<Outcome> running =
        runInBackground(
            h,
            context -> {
              while (!context.isCancellationRequested()) {
                Thread.onSpinWait();
              }
              throw new JobCancelledException(context.jobId());
            });

    assertThat(h.worker.inFlight()).containsExactly(job.id());
    assertThat(h.worker.signalCancel(job.id())).isTrue();

    Outcome outcome = running.get(5, TimeUnit.SECONDS);
    assertThat(outcome).isInstanceOf(Outcome.Cancelled.class);
    assertThat(h.worker.inFlight()).containsExactly(job.id());
    h.worker.report(List.of(outcome));
    assertThat(h.worker.inFlight()).isEmpty();
  }

  @Test
  void handler_canExtendItsLease_forWorkLongerThanTheLease() {
    var h = new Harness();
    var held = new AtomicBoolean();
    h.handlers.register(
        RESIZE,
        (resize, context) -> {
          h.clock.advance(Duration.ofSeconds(25));
          held.set(context.extendLease(Duration.ofMinutes(5)));
          h.clock.advance(Duration.ofSeconds(60));
          assertThat(h.maintenance.rescueExpiredLeases()).isZero();
        });
    Job job = h.client.submit(RESIZE, new Resize("a.png", 1));

    h.worker.processBatch("default", 1);

    assertThat(held).isTrue();
    assertThat(h.client.get(job.id()).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void staleWorker_whoseLeaseWasRescued_cannotOverwriteTheNewRunsOutcome() {
    var h = new Harness();
    var runs = new AtomicInteger();
    h.handlers.register(RESIZE, (resize, context) -> runs.incrementAndGet());
    Job job = h.client.submit(RESIZE, new Resize("a.png", 1));
    JobProcessor slow = h.processor("slow-worker");
    Job claimedBySlow = slow.claim("default", 1).get(0);

    h.clock.advance(Harness.LEASE);
    assertThat(h.maintenance.rescueExpiredLeases()).isEqualTo(1);
    h.clock.set(h.client.get(job.id()).runAt());
    JobProcessor fast = h.processor("fast-worker");
    assertThat(fast.processBatch("default", 1))
        .singleElement()
        .isInstanceOf(Outcome.Completed.class);

    Outcome late = slow.execute(claimedBySlow);
    List<Outcome> refused = slow.report(List.of(late));

    assertThat(refused).containsExactly(late);
    Job done = h.client.get(job.id());
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo("LeaseExpired"));
    assertThat(runs).hasValue(2);
  }

  @Test
  void jobsWaitingTheirTurnInABatch_andJobsNotYetReported_keepTheirLeases() {
    var h = new Harness();
    h.handlers.register(RESIZE, (resize, context) -> {});
    for (int i = 0; i < 3; i++) {
      h.client.submit(RESIZE, new Resize(i + ".png", 1));
    }
    List<Job> claimed = h.worker.claim("default", 3);
    Outcome first = h.worker.execute(claimed.get(0));

    h.clock.advance(Duration.ofSeconds(20));
    assertThat(h.worker.heartbeat()).isEqualTo(3);
    h.clock.advance(Duration.ofSeconds(20));
    assertThat(h.maintenance.rescueExpiredLeases()).isZero();

    var outcomes = new java.util.ArrayList<Outcome>(List.of(first));
    outcomes.add(h.worker.execute(claimed.get(1)));
    outcomes.add(h.worker.execute(claimed.get(2)));
    assertThat(h.worker.report(outcomes)).isEmpty();
    assertThat(h.worker.inFlight()).isEmpty();
    assertThat(h.worker.heartbeat()).isZero();
  }

  @Test
  void staleRunOfAJobClaimedAgainByTheSameWorker_leavesTheLiveRunHeld() {
    var h = new Harness();
    h.handlers.register(RESIZE, (resize, context) -> {});
    Job job = h.client.submit(RESIZE, new Resize("a.png", 1));
    Job staleRun = h.worker.claim("default", 1).get(0);
    h.clock.advance(Harness.LEASE);
    h.maintenance.rescueExpiredLeases();
    h.clock.set(h.client.get(job.id()).runAt());
    Job liveRun = h.worker.claim("default", 1).get(0);

    Outcome late = h.worker.execute(staleRun);
    assertThat(h.worker.report(List.of(late))).containsExactly(late);

    assertThat(h.worker.inFlight()).containsExactly(job.id());
    assertThat(h.worker.heartbeat()).isEqualTo(1);
    assertThat(h.worker.report(List.of(h.worker.execute(liveRun)))).isEmpty();
    assertThat(h.client.get(job.id()).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void jobRescuedWhileWaitingItsTurn_isNotRunByTheWorkerThatLostIt() {
    var h = new Harness();
    var runs = new AtomicInteger();
    h.handlers.register(RESIZE, (resize, context) -> runs.incrementAndGet());
    h.client.submit(RESIZE, new Resize("a.png", 1));
    Job claimed = h.worker.claim("default", 1).get(0);
    h.clock.advance(Harness.LEASE);
    h.maintenance.rescueExpiredLeases();
    h.worker.heartbeat();

    Outcome outcome = h.worker.execute(claimed);

    assertThat(runs).hasValue(0);
    assertThat(h.worker.report(List.of(outcome))).containsExactly(outcome);
  }

  @Test
  void interruptedHandler_releasesTheJob_withoutUsingAnAttempt_andKeepsTheInterrupt() {
    var h = new Harness();
    h.handlers.register(
        RESIZE,
        (resize, context) -> {
          throw new InterruptedException("shutting down");
        });
    Job job = h.client.submit(JobRequest.of(RESIZE, new Resize("a.png", 1)).maxAttempts(1).build());

    List<Outcome> outcomes = h.worker.processBatch("default", 1);
    boolean interrupted = Thread.interrupted();

    assertThat(interrupted).isTrue();
    assertThat(outcomes).singleElement().isInstanceOf(Outcome.Released.class);
    Job back = h.client.get(job.id());
    assertThat(back.state()).isEqualTo(JobState.PENDING);
    assertThat(back.attempt()).isZero();
  }

  @Test
  void cancelRequestedBeforeTheHandlerFails_endsTheJobCancelled_notRetried() {
    var h = new Harness();
    h.handlers.register(
        RESIZE,
        (resize, context) -> {
          throw new IllegalStateException("unrelated failure");
        });
    Job job = h.client.submit(RESIZE, new Resize("a.png", 1));
    Job claimed = h.worker.claim("default", 1).get(0);
    h.client.cancel(job.id());

    h.worker.report(List.of(h.worker.execute(claimed)));

    Job cancelled = h.client.get(job.id());
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(cancelled.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("unrelated failure"));
  }

  @Test
  void maintenance_purgesOnlyFinishedJobsPastTheirRetention() {
    var h = new Harness();
    h.handlers.register(RESIZE, (resize, context) -> {});
    Job old = h.client.submit(RESIZE, new Resize("old.png", 1));
    h.worker.processBatch("default", 1);
    h.clock.advance(Duration.ofDays(2));
    Job recent = h.client.submit(RESIZE, new Resize("new.png", 1));
    h.worker.processBatch("default", 1);
    Job pending = h.client.submit(RESIZE, new Resize("wait.png", 1));

    int purged = h.maintenance.purge(EnumSet.of(JobState.COMPLETED), Duration.ofDays(1));

    assertThat(purged).isEqualTo(1);
    assertThat(h.client.find(old.id())).isEmpty();
    assertThat(h.client.find(recent.id())).isPresent();
    assertThat(h.client.find(pending.id())).isPresent();
  }

  interface Body {
    void run(JobContext context) throws Exception;
  }

  /** Claims the queue's one job and runs it on another thread; returns once the handler started. */
  private static CompletableFuture<Outcome> runInBackground(Harness h, Body body)
      throws InterruptedException {
    var started = new CountDownLatch(1);
    h.handlers.register(
        RESIZE,
        (resize, context) -> {
          started.countDown();
          body.run(context);
        });
    Job claimed = h.worker.claim("default", 1).get(0);
    CompletableFuture<Outcome> running =
        CompletableFuture.supplyAsync(() -> h.worker.execute(claimed));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    return running;
  }
}
