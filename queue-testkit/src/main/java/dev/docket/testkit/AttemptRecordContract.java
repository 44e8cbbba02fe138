package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.docket.domain.AttemptRecord;
import dev.docket.domain.AttemptRecord.Ending;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome.Cancelled;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Outcome.Failed;
import dev.docket.domain.Outcome.Released;
import dev.docket.domain.Outcome.Retried;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The record of every attempt that ended ({@link Job#attempts()}): whatever way an attempt ends, by
 * a worker's report, a rescue of its expired lease or a hand-back, the store keeps the record the
 * domain's transition appended, with the node that ran it, when it was due, started and ended, and
 * how it ended; changes that end no attempt keep the records as they are.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class AttemptRecordContract extends JobStorageFixture {
  @Nested
  class Attempts {

    @Test
    void aJobThatFailsOnce_andThenCompletes_hasTwoRecords_withNodesTimesAndEndings() {
      var inserted = insert(spec(QUEUE));
      Instant due = inserted.runAt();
      clock.advance(Duration.ofSeconds(1));
      Instant firstStart = now();
      var first = claimOnly(inserted, "node-a");
      clock.advance(Duration.ofMillis(2_500));
      Instant firstEnd = now();
      Instant retryAt = now().plus(RETRY_DELAY);
      var retried = new Retried(first.id(), fence(first), now(), error(first), retryAt);
      assertThat(reportAccepted(retried)).hasSameFieldsAs(retried.applyTo(first));
      clock.advance(RETRY_DELAY.plusSeconds(2));
      Instant secondStart = now();
      var second = claimOnly(inserted, "node-b");
      clock.advance(Duration.ofMillis(700));
      var completed = new Completed(second.id(), fence(second), now());

      var done = reportAccepted(completed);

      assertThat(done).hasState(JobState.COMPLETED).hasSameFieldsAs(completed.applyTo(second));
      assertThat(done.attempts())
          .containsExactly(
              new AttemptRecord(1, "node-a", due, firstStart, firstEnd, Ending.FAILED),
              new AttemptRecord(2, "node-b", retryAt, secondStart, now(), Ending.COMPLETED));
      assertThat(done.attempts().get(0).duration()).isEqualTo(Duration.ofMillis(2_500));
      assertThat(done.attempts().get(1).waited()).isEqualTo(Duration.ofSeconds(2));
      assertThat(done.errors()).extracting(e -> e.attempt()).containsExactly(1);
    }

    @Test
    void aRescue_recordsTheAttemptAsLeaseExpired_endedAtTheRescue() {
      var claimed = claimOnly(insert(spec(QUEUE)), "node-a", Duration.ofSeconds(5));
      clock.advance(Duration.ofSeconds(6));

      var rescued = rescue(10);

      assertThat(rescued).hasSize(1);
      var stored = stored(claimed.id());
      assertThat(stored).hasSameFieldsAs(rescued.getFirst());
      assertThat(stored.attempts())
          .containsExactly(
              new AttemptRecord(
                  1,
                  "node-a",
                  claimed.runAt(),
                  claimed.lease().orElseThrow().startedAt(),
                  now(),
                  Ending.LEASE_EXPIRED));
    }

    @Test
    void aRelease_recordsTheAttemptAsReleased_andTheNextClaimTakesItsNumberAgain() {
      var inserted = insert(spec(QUEUE));
      var claimed = claimOnly(inserted, "node-a");
      clock.advance(Duration.ofSeconds(1));
      var released = new Released(claimed.id(), fence(claimed), now());
      var afterRelease = reportAccepted(released);
      clock.advance(Duration.ofSeconds(1));
      var again = claimOnly(inserted, "node-b");
      clock.advance(Duration.ofSeconds(1));

      var done = reportAccepted(completedNow(again));

      assertThat(afterRelease).hasAttempt(0).hasSameFieldsAs(released.applyTo(claimed));
      assertThat(done.attempts())
          .extracting(AttemptRecord::attempt, AttemptRecord::node, AttemptRecord::ending)
          .containsExactly(
              tuple(1, "node-a", Ending.RELEASED), tuple(1, "node-b", Ending.COMPLETED));
    }

    @Test
    void aCancelAcknowledged_andAFailureAfterACancelRequest_areRecordedAsCancelled() {
      var acknowledged = claimNew(spec(QUEUE));
      var failing = claimNew(spec(QUEUE));
      storage.update(acknowledged.id(), job -> job.cancel(now()));
      storage.update(failing.id(), job -> job.cancel(now()));
      clock.advance(Duration.ofSeconds(1));

      var cancelled = reportAccepted(new Cancelled(acknowledged.id(), fence(acknowledged), now()));
      var failed = reportAccepted(new Failed(failing.id(), fence(failing), now(), error(failing)));

      assertThat(cancelled.attempts())
          .extracting(AttemptRecord::ending)
          .containsExactly(Ending.CANCELLED);
      assertThat(failed).hasState(JobState.CANCELLED);
      assertThat(failed.attempts())
          .extracting(AttemptRecord::ending)
          .containsExactly(Ending.CANCELLED);
      assertThat(failed.attempts().getFirst().endedAt()).isEqualTo(now());
    }

    @Test
    void outcomesOfSeveralKinds_inOneReport_eachRecordTheirAttempt() {
      var toComplete = claimNew(spec(QUEUE));
      var toRetry = claimNew(spec(QUEUE));
      var toFail = claimNew(spec(QUEUE));
      var toRelease = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      var outcomes =
          new dev.docket.domain.Outcome[] {
            completedNow(toComplete),
            new Retried(
                toRetry.id(), fence(toRetry), now(), error(toRetry), now().plus(RETRY_DELAY)),
            new Failed(toFail.id(), fence(toFail), now(), error(toFail)),
            new Released(toRelease.id(), fence(toRelease), now())
          };

      assertThat(report(outcomes)).isEmpty();

      var claimed = new Job[] {toComplete, toRetry, toFail, toRelease};
      for (int i = 0; i < outcomes.length; i++) {
        assertThat(stored(claimed[i].id())).hasSameFieldsAs(outcomes[i].applyTo(claimed[i]));
      }
      assertThat(stored(toRetry.id()).attempts())
          .extracting(AttemptRecord::ending)
          .containsExactly(Ending.FAILED);
      assertThat(stored(toRelease.id()).attempts())
          .extracting(AttemptRecord::ending)
          .containsExactly(Ending.RELEASED);
    }

    @Test
    void changesThatEndNoAttempt_keepTheRecords() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      var dead = reportAccepted(new Failed(claimed.id(), fence(claimed), now(), error(claimed)));
      clock.advance(Duration.ofSeconds(1));

      var requeued = storage.update(dead.id(), job -> job.requeue(now())).orElseThrow();

      assertThat(requeued.attempts()).isEqualTo(dead.attempts()).hasSize(1);
      assertThat(stored(dead.id())).hasSameFieldsAs(requeued);
    }

    @Test
    void aJobKeepsTheLast50Records() {
      var inserted = insert(spec(QUEUE));
      Job expected = inserted;
      for (int i = 0; i < Job.MAX_ATTEMPTS_KEPT + 2; i++) {
        var claimed = claimOnly(inserted, "node-" + i);
        clock.advance(Duration.ofMillis(1));
        var released = new Released(claimed.id(), fence(claimed), now());
        expected = released.applyTo(claimed);
        reportAccepted(released);
        clock.advance(Duration.ofMillis(1));
      }

      var stored = stored(inserted.id());

      assertThat(stored).hasSameFieldsAs(expected);
      assertThat(stored.attempts()).hasSize(Job.MAX_ATTEMPTS_KEPT);
      assertThat(stored.attempts().getFirst().node()).isEqualTo("node-2");
    }
  }
}
