package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Outcome.Cancelled;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Outcome.Failed;
import dev.docket.domain.Outcome.Released;
import dev.docket.domain.Outcome.Retried;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.JobClaims;
import dev.docket.usecase.port.LeaseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link JobClaims#report}: each outcome takes effect exactly as the domain's {@link
 * dev.docket.domain.Outcome#applyTo} says, but only under the fence of the job's current lease; any
 * other outcome is refused and changes nothing, so a worker that lost its job is fenced out. A job
 * that was asked to cancel ends cancelled, unless its handler completed it.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class ReportContract extends JobStorageFixture {
  @Nested
  class Report {

    @Test
    void report_completed_finishesTheJob_andClearsItsLease() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(3));
      var outcome = new Completed(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id()))
          .hasState(JobState.COMPLETED)
          .hasFinishedAt(now())
          .hasUpdatedAt(now())
          .hasNoLease()
          .hasAttempt(1)
          .hasVersion(3)
          .hasSameFieldsAs(outcome.applyTo(claimed));
    }

    @Test
    void report_retried_returnsTheJobToPending_withItsError_notRunnableBeforeItsRunAt() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(2));
      var error =
          new AttemptError(
              1,
              now(),
              "java.net.SocketTimeoutException",
              "Read timed out after 2 s \u2014 \u00abGr\u00fc\u00dfe\u00bb \ud83d\ude80 'quoted' \"too\"",
              "java.net.SocketTimeoutException: Read timed out\n"
                  + "\tat com.example.Mailer.send(Mailer.java:42)\n"
                  + "\tat com.example.Worker.run(Worker.java:7)\n");
      var runAt = now().plus(RETRY_DELAY);
      var outcome = new Retried(claimed.id(), fence(claimed), now(), error, runAt);

      assertThat(report(outcome)).isEmpty();

      var retried = stored(claimed.id());
      assertThat(retried)
          .hasState(JobState.PENDING)
          .hasAttempt(1)
          .hasRunAt(runAt)
          .hasErrorCount(1)
          .hasNoLease()
          .hasNoFinishedAt()
          .hasSameFieldsAs(outcome.applyTo(claimed));
      assertThat(retried.errors()).containsExactly(error);

      clock.set(runAt.minusMillis(1));
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
      clock.set(runAt);
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(2).hasLeaseFence(4));
    }

    @Test
    void report_failed_movesTheJobToTheDeadLetter_keepingEveryError() {
      var first = claimNew(spec(QUEUE));
      var firstError = error(first);
      reportAccepted(new Retried(first.id(), fence(first), now(), firstError, now()));
      var second = claimOnly(stored(first.id()));
      clock.advance(Duration.ofSeconds(4));
      var secondError = error(second);
      var outcome = new Failed(second.id(), fence(second), now(), secondError);

      assertThat(report(outcome)).isEmpty();

      var failed = stored(second.id());
      assertThat(failed)
          .hasState(JobState.FAILED)
          .hasAttempt(2)
          .hasFinishedAt(now())
          .hasNoLease()
          .hasSameFieldsAs(outcome.applyTo(second));
      assertThat(failed.errors()).containsExactly(firstError, secondError);
    }

    @Test
    void report_cancelled_cancelsTheJobThatWasAskedToStop() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      var asked = storage.update(claimed.id(), job -> job.cancel(now())).orElseThrow();
      clock.advance(Duration.ofSeconds(1));
      var outcome = new Cancelled(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id()))
          .hasState(JobState.CANCELLED)
          .hasFinishedAt(now())
          .hasNoLease()
          .isNotCancelRequested()
          .hasSameFieldsAs(outcome.applyTo(asked));
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
    }

    @Test
    void report_released_returnsTheJobToPending_withoutCountingTheAttempt() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(6));
      var outcome = new Released(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id()))
          .hasState(JobState.PENDING)
          .hasAttempt(0)
          .hasRunAt(now())
          .hasNoLease()
          .hasErrorCount(0)
          .isRunnableAt(now())
          .hasSameFieldsAs(outcome.applyTo(claimed));
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(1).hasLeaseFence(4));
    }

    @Test
    void report_keepsLongAttemptErrorsInOrder_acrossRetries() {
      var job =
          insert(
              specBuilder(QUEUE)
                  .maxAttempts(5)
                  .retryPolicy(RetryPolicy.fixed(Duration.ZERO))
                  .build());
      var expected = new ArrayList<AttemptError>();
      for (int attempt = 1; attempt <= 5; attempt++) {
        var claimed = claimOnly(stored(job.id()));
        clock.advance(Duration.ofMillis(250));
        var error =
            new AttemptError(
                attempt,
                now(),
                "com.example.Failure" + attempt,
                "\u00e9\ud83d\udca5 ".repeat(attempt * 200),
                ("\tat com.example.Deep.frame(Deep.java:" + attempt + ")\n").repeat(400));
        expected.add(error);
        var outcome =
            attempt < 5
                ? new Retried(claimed.id(), fence(claimed), now(), error, now())
                : new Failed(claimed.id(), fence(claimed), now(), error);

        assertThat(report(outcome)).isEmpty();
        assertThat(stored(job.id())).hasSameFieldsAs(outcome.applyTo(claimed));
      }

      assertThat(stored(job.id()).errors()).containsExactlyElementsOf(expected);
    }

    @Test
    void report_refusesAnOutcome_forAJobThatWasNeverClaimed() {
      var pending = insert(spec(QUEUE));
      var outcome = new Completed(pending.id(), pending.version(), now());

      assertThat(report(outcome)).containsExactly(outcome);

      assertThat(stored(pending.id())).hasSameFieldsAs(pending);
    }

    @Test
    void report_refusesAnOutcome_forAnUnknownJob() {
      var outcome = new Completed(TestJobs.id(999_999), 2, now());

      assertThat(report(outcome)).containsExactly(outcome);

      assertThat(storage.find(outcome.jobId())).isEmpty();
    }

    @Test
    void report_refusesAnOutcome_underAFenceThatIsNotTheLeasesFence() {
      var claimed = claimNew(spec(QUEUE));
      var below = new Completed(claimed.id(), fence(claimed) - 1, now());
      var above = new Failed(claimed.id(), fence(claimed) + 1, now(), error(claimed));

      assertThat(report(below, above)).containsExactlyInAnyOrder(below, above);

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void report_refusesASecondOutcome_forAJobThatAlreadyFinished() {
      var claimed = claimNew(spec(QUEUE));
      var completed = reportAccepted(completedNow(claimed));
      clock.advance(Duration.ofSeconds(1));
      var late = new Failed(claimed.id(), fence(claimed), now(), error(claimed));

      assertThat(report(late)).containsExactly(late);

      assertThat(stored(claimed.id())).hasSameFieldsAs(completed);
    }

    @Test
    void report_appliesTheGoodOutcomes_andReturnsExactlyTheRefusedOnes() {
      var completing = claimNew(spec(QUEUE));
      var retrying = claimNew(spec(QUEUE));
      var failing = claimNew(spec(QUEUE));
      var pending = insert(spec(QUEUE));
      var finished = given(JobState.COMPLETED, specBuilder(OTHER_QUEUE));
      clock.advance(Duration.ofSeconds(9));
      var good =
          List.<Outcome>of(
              new Completed(completing.id(), fence(completing), now()),
              new Retried(
                  retrying.id(), fence(retrying), now(), error(retrying), now().plusSeconds(5)),
              new Failed(failing.id(), fence(failing), now(), error(failing)));
      var neverClaimed = new Completed(pending.id(), pending.version(), now());
      var unknown = new Completed(TestJobs.id(999_999), 2, now());
      var alreadyFinished = new Completed(finished.id(), finished.version() - 1, now());

      var refused =
          storage.report(
              List.of(
                  good.get(0), neverClaimed, good.get(1), unknown, good.get(2), alreadyFinished));

      assertThat(refused).containsExactlyInAnyOrder(neverClaimed, unknown, alreadyFinished);
      assertThat(stored(completing.id())).hasSameFieldsAs(good.get(0).applyTo(completing));
      assertThat(stored(retrying.id())).hasSameFieldsAs(good.get(1).applyTo(retrying));
      assertThat(stored(failing.id())).hasSameFieldsAs(good.get(2).applyTo(failing));
      assertThat(stored(pending.id())).hasSameFieldsAs(pending);
      assertThat(stored(finished.id())).hasSameFieldsAs(finished);
    }

    @Test
    void report_appliesOnlyOneOfTwoOutcomes_forTheSameLease_inOneCall() {
      var claimed = claimNew(spec(QUEUE));
      var completed = new Completed(claimed.id(), fence(claimed), now());
      var failed = new Failed(claimed.id(), fence(claimed), now(), error(claimed));

      var refused = report(completed, failed);

      assertThat(refused).hasSize(1).containsAnyOf(completed, failed);
      var applied = refused.getFirst().equals(completed) ? failed : completed;
      assertThat(stored(claimed.id())).hasSameFieldsAs(applied.applyTo(claimed));
    }

    @Test
    void report_ofNoOutcomes_refusesNothing() {
      var claimed = claimNew(spec(QUEUE));

      assertThat(storage.report(List.of())).isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }
  }

  @Nested
  class Fencing {

    @Test
    void aLateWorker_isFencedOut_afterItsJobWasRescuedAndClaimedAgain() {
      var job = insert(spec(QUEUE));
      var firstRun = claimOnly(job);
      assertThat(firstRun).isLeasedBy(OWNER).hasLeaseExpiringAt(now().plus(LEASE));

      clock.advance(LEASE.plusSeconds(1));
      var rescued = rescue(100);
      assertThat(rescued)
          .singleElement()
          .satisfies(
              it ->
                  assertThat(it)
                      .hasId(job.id())
                      .hasState(JobState.PENDING)
                      .hasLastErrorType("LeaseExpired")
                      .hasRunAt(now().plus(RETRY_DELAY)));
      assertThat(claim(QUEUE, 10)).as("claim before the backoff passed").isEmpty();

      clock.advance(RETRY_DELAY);
      var secondRun = claimOnly(job, "worker-2");
      assertThat(fence(secondRun)).isGreaterThan(fence(firstRun));

      var late = new Completed(job.id(), fence(firstRun), now());
      assertThat(report(late)).containsExactly(late);
      assertThat(storage.extendLeases(List.of(extension(firstRun, Duration.ofMinutes(1)))))
          .extracting(LeaseStatus::held)
          .containsExactly(false);
      assertThat(stored(job.id())).hasSameFieldsAs(secondRun).isLeasedBy("worker-2");

      clock.advance(Duration.ofSeconds(2));
      var current = new Completed(job.id(), fence(secondRun), now());
      assertThat(report(current)).isEmpty();
      assertThat(stored(job.id()))
          .hasState(JobState.COMPLETED)
          .hasAttempt(2)
          .hasErrorCount(1)
          .hasSameFieldsAs(current.applyTo(secondRun));
    }
  }

  @Nested
  class CancelRequestsAndGuards {

    /** A running job that an operator asked to cancel, as the store holds it now. */
    private Job runningAndAskedToCancel() {
      var claimed = claimNew(spec(QUEUE));
      return storage.update(claimed.id(), job -> job.cancel(now())).orElseThrow();
    }

    @Test
    void retriedOutcome_ofAJobAskedToCancel_endsItCancelled_exactlyAsTheDomainSays() {
      var asked = runningAndAskedToCancel();
      clock.advance(Duration.ofSeconds(1));
      var outcome =
          new Retried(asked.id(), fence(asked), now(), error(asked), now().plusSeconds(60));

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(asked.id())).isEqualTo(outcome.applyTo(asked));
      assertThat(stored(asked.id()).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void failedAndReleasedOutcomes_ofJobsAskedToCancel_endThemCancelled() {
      var failing = runningAndAskedToCancel();
      var releasing = runningAndAskedToCancel();
      clock.advance(Duration.ofSeconds(1));
      var failed = new Failed(failing.id(), fence(failing), now(), error(failing));
      var released = new Released(releasing.id(), fence(releasing), now());

      assertThat(report(failed, released)).isEmpty();

      assertThat(stored(failing.id())).isEqualTo(failed.applyTo(failing));
      assertThat(stored(releasing.id())).isEqualTo(released.applyTo(releasing));
      assertThat(stored(releasing.id()).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void completedOutcome_ofAJobAskedToCancel_stillCompletesIt() {
      var asked = runningAndAskedToCancel();

      assertThat(report(completedNow(asked))).isEmpty();

      assertThat(stored(asked.id()).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void report_ofAStaleThenAValidOutcomeForOneJob_inOneCall_appliesTheValidOne() {
      var claimed = claimNew(spec(QUEUE));
      var stale = new Completed(claimed.id(), fence(claimed) - 1, now());
      var valid = completedNow(claimed);

      assertThat(report(stale, valid)).containsExactly(stale);

      assertThat(stored(claimed.id()).state()).isEqualTo(JobState.COMPLETED);
    }
  }
}
