package dev.docket.domain;

import static dev.docket.domain.Fixtures.LEASE;
import static dev.docket.domain.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JobTest {

  @Test
  void submittedJob_isPendingAtAttemptZero_withVersionOne() {
    Job job = Fixtures.pending();

    assertThat(job.state()).isEqualTo(JobState.PENDING);
    assertThat(job.attempt()).isZero();
    assertThat(job.version()).isEqualTo(1);
    assertThat(job.lease()).isEmpty();
    assertThat(job.finishedAt()).isEmpty();
    assertThat(job.isRunnableAt(T0)).isTrue();
    assertThat(job.isRunnableAt(T0.minusMillis(1))).isFalse();
  }

  @Test
  void claim_countsTheAttempt_andFencesTheLeaseWithTheNewVersion() {
    Job claimed = Fixtures.pending().claim("worker-1", T0, LEASE);

    assertThat(claimed.attempt()).isEqualTo(1);
    assertThat(claimed.lease())
        .contains(new Lease("worker-1", claimed.version(), T0.plus(LEASE), T0));
  }

  @Test
  void claimAgain_afterARelease_startsTheLeaseAtTheNewClaim() {
    Job first = Fixtures.pending().claim("worker-1", T0, LEASE);
    Job released = first.release(first.lease().orElseThrow().fence(), T0.plusSeconds(5));

    Job again = released.claim("worker-2", T0.plusSeconds(7), LEASE);

    assertThat(again.lease().orElseThrow().startedAt()).isEqualTo(T0.plusSeconds(7));
  }

  @Test
  void claim_ofAJobNotYetDue_isRefused() {
    Job later = Job.submit(Fixtures.ID, Fixtures.specDueAt(T0.plusSeconds(10)), T0);

    assertThatThrownBy(() -> later.claim("w", T0.plusSeconds(9), LEASE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not due");
  }

  @Test
  void extendLease_keepsTheFence_soTheHolderCanStillReport() {
    Job claimed = Fixtures.running();
    long fence = claimed.lease().orElseThrow().fence();

    Job extended = claimed.extendLease(fence, T0.plusSeconds(90), T0.plusSeconds(20));

    assertThat(extended.lease().orElseThrow().fence()).isEqualTo(fence);
    assertThat(extended.lease().orElseThrow().startedAt())
        .as("the attempt's start")
        .isEqualTo(claimed.lease().orElseThrow().startedAt());
    assertThat(extended.lease().orElseThrow().expiresAt()).isEqualTo(T0.plusSeconds(90));
    assertThat(extended.complete(fence, T0.plusSeconds(30)).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void staleWorker_isFencedOut_afterTheJobWasRescuedAndClaimedAgain() {
    Job first = Fixtures.running();
    long staleFence = first.lease().orElseThrow().fence();
    Job rescued = first.expireLease(T0.plus(LEASE), new SplittableRandom(7));
    Job second = rescued.claim("worker-2", rescued.runAt(), LEASE);

    assertThatThrownBy(() -> second.complete(staleFence, rescued.runAt()))
        .isInstanceOfSatisfying(
            LeaseLostException.class,
            e -> {
              assertThat(e.jobId()).isEqualTo(first.id());
              assertThat(e.fence()).isEqualTo(staleFence);
            });
    long freshFence = second.lease().orElseThrow().fence();
    assertThat(freshFence).isGreaterThan(staleFence);
    assertThat(second.complete(freshFence, rescued.runAt()).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void expiredLease_onTheLastAttempt_deadLettersTheJob_withALeaseExpiredError() {
    Job job = Job.submit(Fixtures.ID, Fixtures.spec(1, RetryPolicy.exponential()), T0);
    Job running = job.claim("worker-1", T0, LEASE);

    Job dead = running.expireLease(T0.plus(LEASE), new SplittableRandom(1));

    assertThat(dead.state()).isEqualTo(JobState.FAILED);
    assertThat(dead.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("LeaseExpired");
              assertThat(e.message()).contains("worker-1");
            });
  }

  @Test
  void expiredLease_ofAJobAskedToCancel_cancelsItInsteadOfRetrying() {
    Job asked = Fixtures.running().cancel(T0.plusSeconds(1));

    Job rescued = asked.expireLease(T0.plus(LEASE), new SplittableRandom(1));

    assertThat(rescued.state()).isEqualTo(JobState.CANCELLED);
    assertThat(rescued.errors())
        .singleElement()
        .extracting(AttemptError::type)
        .isEqualTo("LeaseExpired");
  }

  @Test
  void cancelRequest_winsOverRetryReleaseAndDeadLetter_butNotOverCompletion() {
    Job asked = Fixtures.running().cancel(T0.plusSeconds(1));
    long fence = Fixtures.fence(asked);
    var error = AttemptError.reason(1, T0, "Boom", "");

    assertThat(asked.retry(fence, error, T0.plusSeconds(60), T0.plusSeconds(2)).state())
        .isEqualTo(JobState.CANCELLED);
    assertThat(asked.retry(fence, error, T0.plusSeconds(60), T0.plusSeconds(2)).errors())
        .containsExactly(error);
    assertThat(asked.deadLetter(fence, error, T0.plusSeconds(2)).state())
        .isEqualTo(JobState.CANCELLED);
    Job released = asked.release(fence, T0.plusSeconds(2));
    assertThat(released.state()).isEqualTo(JobState.CANCELLED);
    assertThat(released.attempt()).isEqualTo(1);
    assertThat(asked.complete(fence, T0.plusSeconds(2)).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void extendLease_neverShortensALeaseTheHolderAlreadyHasLonger() {
    Job running = Fixtures.running();
    long fence = Fixtures.fence(running);
    Job longer = running.extendLease(fence, T0.plusSeconds(600), T0.plusSeconds(5));

    Job heartbeat = longer.extendLease(fence, T0.plusSeconds(60), T0.plusSeconds(10));

    assertThat(heartbeat.lease().orElseThrow().expiresAt()).isEqualTo(T0.plusSeconds(600));
  }

  @Test
  void requeue_ofAJobThatUsedTheMostAttemptsAnyJobMayHave_isRefused() {
    Job dead = Fixtures.failed();
    Job atCap =
        Job.restore(
            dead.id(),
            Fixtures.spec(JobSpec.MAX_ATTEMPTS, RetryPolicy.exponential()),
            JobState.FAILED,
            JobSpec.MAX_ATTEMPTS,
            dead.createdAt(),
            dead.updatedAt(),
            dead.finishedAt(),
            dead.errors(),
            dead.attempts(),
            Optional.empty(),
            dead.version(),
            false,
            Optional.empty(),
            Optional.empty());

    assertThatThrownBy(() -> atCap.requeue(T0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("used all 1000 attempts");
  }

  @Test
  void times_areKeptToTheMicrosecond_asEveryStoreCanHoldThem() {
    var precise = T0.plusNanos(123_456_789);
    Job job = Job.submit(Fixtures.ID, Fixtures.specDueAt(precise), precise);

    assertThat(job.runAt()).isEqualTo(T0.plusNanos(123_456_000));
    assertThat(job.createdAt()).isEqualTo(T0.plusNanos(123_456_000));
    Job claimed = job.claim("w", precise.plusNanos(1_999), Duration.ofNanos(10_500));
    assertThat(claimed.updatedAt()).isEqualTo(T0.plusNanos(123_458_000));
    assertThat(claimed.lease().orElseThrow().expiresAt()).isEqualTo(T0.plusNanos(123_469_000));
  }

  @Test
  void expireLease_beforeTheLeaseRunsOut_isRefused() {
    Job running = Fixtures.running();

    assertThatThrownBy(() -> running.expireLease(T0.plusSeconds(29), new SplittableRandom(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has not expired");
  }

  @Test
  void release_givesTheAttemptBack_andMakesTheJobRunnableAtOnce() {
    Job running = Fixtures.running();

    Job released = running.release(Fixtures.fence(running), T0.plusSeconds(3));

    assertThat(released.state()).isEqualTo(JobState.PENDING);
    assertThat(released.attempt()).isZero();
    assertThat(released.runAt()).isEqualTo(T0.plusSeconds(3));
  }

  @Test
  void canRetry_isTrueWhileAttemptsRemain_andNeverWithTheNoRetryPolicy() {
    Job job = Job.submit(Fixtures.ID, Fixtures.spec(2, RetryPolicy.exponential()), T0);
    Job first = job.claim("w", T0, LEASE);
    assertThat(first.canRetry()).isTrue();

    Job again =
        first
            .retry(Fixtures.fence(first), AttemptError.reason(1, T0, "X", ""), T0, T0)
            .claim("w", T0, LEASE);
    assertThat(again.canRetry()).isFalse();

    Job never = Job.submit(Fixtures.ID, Fixtures.spec(5, RetryPolicy.none()), T0);
    assertThat(never.claim("w", T0, LEASE).canRetry()).isFalse();
  }

  @Test
  void retry_withNoAttemptsLeft_isRefused() {
    Job job = Job.submit(Fixtures.ID, Fixtures.spec(1, RetryPolicy.exponential()), T0);
    Job running = job.claim("w", T0, LEASE);

    assertThatThrownBy(
            () ->
                running.retry(Fixtures.fence(running), AttemptError.reason(1, T0, "X", ""), T0, T0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be retried");
  }

  @Test
  void cancel_ofARunningJob_onlyAsksItToStop_andAskingTwiceChangesNothing() {
    Job running = Fixtures.running();

    Job asked = running.cancel(T0.plusSeconds(1));

    assertThat(asked.state()).isEqualTo(JobState.RUNNING);
    assertThat(asked.isCancelRequested()).isTrue();
    assertThat(asked.cancel(T0.plusSeconds(2))).isSameAs(asked);
  }

  @Test
  void requeue_ofAJobThatUsedEveryAttempt_givesItOneMore_andKeepsItsErrors() {
    Job dead = Fixtures.failed();
    Job exhausted =
        Job.restore(
            dead.id(),
            Fixtures.spec(1, RetryPolicy.exponential()),
            JobState.FAILED,
            1,
            dead.createdAt(),
            dead.updatedAt(),
            dead.finishedAt(),
            dead.errors(),
            dead.attempts(),
            Optional.empty(),
            dead.version(),
            false,
            Optional.empty(),
            Optional.empty());

    Job requeued = exhausted.requeue(T0.plusSeconds(9));

    assertThat(requeued.state()).isEqualTo(JobState.PENDING);
    assertThat(requeued.maxAttempts()).isEqualTo(2);
    assertThat(requeued.errors()).isEqualTo(dead.errors());
    assertThat(requeued.runAt()).isEqualTo(T0.plusSeconds(9));
    assertThat(requeued.finishedAt()).isEmpty();
  }

  @Test
  void errors_keepOnlyTheMostRecent_whenAJobFailsMoreOftenThanTheLimit() {
    Job job =
        Job.submit(
            Fixtures.ID, Fixtures.spec(JobSpec.MAX_ATTEMPTS, RetryPolicy.fixed(Duration.ZERO)), T0);
    for (int attempt = 1; attempt <= Job.MAX_ERRORS_KEPT + 5; attempt++) {
      Job running = job.claim("w", T0, LEASE);
      job =
          running.retry(Fixtures.fence(running), AttemptError.reason(attempt, T0, "X", ""), T0, T0);
    }

    assertThat(job.errors()).hasSize(Job.MAX_ERRORS_KEPT);
    assertThat(job.errors().get(0).attempt()).isEqualTo(6);
    assertThat(job.errors().get(Job.MAX_ERRORS_KEPT - 1).attempt())
        .isEqualTo(Job.MAX_ERRORS_KEPT + 5);
  }

  @Test
  void raisePriority_stopsAtTheTop_andChangesNothingThere() {
    Job urgent = Fixtures.pending().raisePriority(1_000, T0);

    assertThat(urgent.priority()).isEqualTo(Priority.URGENT);
    assertThat(urgent.raisePriority(1, T0)).isSameAs(urgent);
  }

  @Test
  void successor_mustBeTheSameJobAtALaterVersion() {
    Job pending = Fixtures.pending();
    Job claimed = pending.claim("w", T0, LEASE);

    pending.requireSuccessor(claimed);
    assertThatThrownBy(() -> claimed.requireSuccessor(pending))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("raise its version 2");
    Job other =
        Job.submit(JobId.parse("01900000-0000-7000-8000-000000000002"), Fixtures.spec(), T0);
    assertThatThrownBy(() -> pending.requireSuccessor(other.raisePriority(5, T0)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void restore_refusesFieldsThatContradictEachOther() {
    Job running = Fixtures.running();

    assertThatThrownBy(
            () ->
                Job.restore(
                    running.id(),
                    running.spec(),
                    JobState.PENDING,
                    1,
                    T0,
                    T0,
                    Optional.empty(),
                    running.errors(),
                    running.attempts(),
                    running.lease(),
                    running.version(),
                    false,
                    Optional.empty(),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only running jobs have one");
    assertThatThrownBy(
            () ->
                Job.restore(
                    running.id(),
                    running.spec(),
                    JobState.COMPLETED,
                    1,
                    T0,
                    T0,
                    Optional.empty(),
                    running.errors(),
                    running.attempts(),
                    Optional.empty(),
                    running.version(),
                    false,
                    Optional.empty(),
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only finished jobs have one");
  }

  @Test
  void restore_ofAStoredSnapshot_equalsTheOriginal() {
    Job running = Fixtures.running().cancel(T0.plusSeconds(1));

    Job restored =
        Job.restore(
            running.id(),
            running.spec(),
            running.state(),
            running.attempt(),
            running.createdAt(),
            running.updatedAt(),
            running.finishedAt(),
            running.errors(),
            running.attempts(),
            running.lease(),
            running.version(),
            running.isCancelRequested(),
            Optional.empty(),
            Optional.empty());

    assertThat(restored).isEqualTo(running).hasSameHashCodeAs(running);
  }
}
