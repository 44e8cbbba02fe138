package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome.Released;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.JobMaintenance;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.RescueRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link JobMaintenance#rescueExpired} and {@link JobMaintenance#purge}: a rescue
 * takes running jobs whose lease has expired back to pending for a retry, or to the dead letter,
 * exactly as {@link dev.docket.domain.Job#expireLease} says; a purge deletes finished jobs of the
 * given states, oldest finish first, and never a pending or running one. {@link
 * JobMaintenance#agePriorities} is covered by {@link ControlContract}.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class MaintenanceContract extends JobStorageFixture {
  @Nested
  class RescueExpired {

    @Test
    void rescueExpired_returnsAnExpiredJobToPending_withALeaseExpiredError() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.plusSeconds(1));
      var expected = claimed.expireLease(now(), new SplittableRandom(SEED));

      var rescued = rescue(100);

      assertThat(stored(claimed.id()))
          .hasState(JobState.PENDING)
          .hasAttempt(1)
          .hasNoLease()
          .hasRunAt(now().plus(RETRY_DELAY))
          .hasErrorCount(1)
          .hasLastErrorType("LeaseExpired")
          .hasLastErrorAttempt(1)
          .hasSameFieldsAs(expected);
      assertThat(rescued).as("rescued jobs").containsExactly(expected);
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
      clock.advance(RETRY_DELAY);
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(2));
    }

    @Test
    void rescueExpired_takesALeaseExpiringExactlyNow_butNotOneExpiringLater() {
      var expiring = claimNew(spec(QUEUE));
      var lasting = claimOnly(insert(spec(QUEUE)), OWNER, LEASE.plusMillis(1));

      clock.advance(LEASE);
      var rescued = rescue(100);

      assertThat(rescued).as("rescued jobs").extracting(Job::id).containsExactly(expiring.id());
      assertThat(stored(lasting.id())).hasSameFieldsAs(lasting);
    }

    @Test
    void rescueExpired_leavesValidLeasesAlone() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.minusMillis(1));

      assertThat(rescue(100)).as("jobs rescued").isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void rescueExpired_takesNoMoreThanTheLimit() {
      var claimed = new ArrayList<Job>();
      for (int i = 0; i < 5; i++) {
        insert(spec(i % 2 == 0 ? QUEUE : OTHER_QUEUE));
      }
      claimed.addAll(claim(QUEUE, 10));
      claimed.addAll(claim(OTHER_QUEUE, 10));
      assertThat(claimed).hasSize(5);
      clock.advance(LEASE);

      var rescued = new ArrayList<Job>();
      for (int expectedSize : new int[] {2, 2, 1, 0}) {
        var batch = rescue(2);
        assertThat(batch).as("jobs rescued with limit 2").hasSize(expectedSize);
        rescued.addAll(batch);
      }

      assertThat(rescued).extracting(Job::id).containsExactlyInAnyOrderElementsOf(ids(claimed));
      for (var job : rescued) {
        assertThat(stored(job.id())).hasSameFieldsAs(job).hasState(JobState.PENDING);
      }
    }

    @Test
    void rescueExpired_movesAJobWithNoAttemptsLeft_toTheDeadLetter() {
      var claimed = claimNew(specBuilder(QUEUE).maxAttempts(1).build());
      clock.advance(LEASE.plusSeconds(1));

      var rescued = rescue(100);

      assertThat(rescued)
          .as("rescued jobs")
          .containsExactly(claimed.expireLease(now(), new SplittableRandom(SEED)));
      assertThat(stored(claimed.id()))
          .hasState(JobState.FAILED)
          .hasFinishedAt(now())
          .hasNoLease()
          .hasAttempt(1)
          .hasErrorCount(1)
          .hasLastErrorType("LeaseExpired")
          .hasSameFieldsAs(rescued.getFirst());
    }

    @Test
    void rescueExpired_movesAJobWhosePolicyNeverRetries_toTheDeadLetter() {
      var claimed =
          claimNew(specBuilder(QUEUE).maxAttempts(5).retryPolicy(RetryPolicy.none()).build());
      clock.advance(LEASE);

      var rescued = rescue(100);

      assertThat(rescued)
          .as("rescued jobs")
          .singleElement()
          .satisfies(it -> assertThat(it).hasState(JobState.FAILED));
      assertThat(stored(claimed.id()))
          .hasSameFieldsAs(claimed.expireLease(now(), new SplittableRandom(SEED)));
    }

    @Test
    void rescueExpired_ignoresJobsThatAreNotRunning() {
      var jobs = new ArrayList<Job>();
      for (var state :
          List.of(JobState.PENDING, JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED)) {
        jobs.add(given(state, specBuilder(QUEUE).runAt(now().minus(Duration.ofHours(1)))));
      }
      clock.advance(Duration.ofDays(1));

      assertThat(rescue(100)).as("jobs rescued").isEmpty();

      for (var job : jobs) {
        assertThat(stored(job.id())).hasSameFieldsAs(job);
      }
    }

    @Test
    void rescueExpired_drawsTheBackoffJitter_fromTheRequestsRandomSource() {
      var policy = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(10));
      var claimed = claimNew(specBuilder(QUEUE).retryPolicy(policy).build());
      clock.advance(LEASE);
      var midpoint = new TestJobs.MidpointRandom();

      var rescued = storage.rescueExpired(new RescueRequest(now(), 100, midpoint));

      // Attempt 1 of base 1 s draws from [0, 2 s]; the midpoint source picks 1 s.
      assertThat(rescued).containsExactly(claimed.expireLease(now(), midpoint));
      assertThat(stored(claimed.id())).hasRunAt(now().plusSeconds(1));
    }

    @Test
    void rescueExpired_returnsNothing_whenNoLeaseExpired() {
      clock.advance(Duration.ofDays(1));

      assertThat(rescue(100)).as("jobs rescued").isEmpty();
    }
  }

  @Nested
  class Purge {

    @Test
    void purge_deletesFinishedJobs_thatFinishedStrictlyBeforeTheCutoff() {
      var early = given(JobState.COMPLETED, specBuilder(QUEUE));
      clock.advance(Duration.ofMinutes(1));
      var atCutoff = given(JobState.COMPLETED, specBuilder(QUEUE));
      var cutoff = now();
      clock.advance(Duration.ofMinutes(1));
      var late = given(JobState.COMPLETED, specBuilder(QUEUE));

      var deleted = storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), cutoff, 100));

      assertThat(deleted).isEqualTo(1);
      assertThat(storage.find(early.id())).isEmpty();
      assertThat(stored(atCutoff.id())).hasSameFieldsAs(atCutoff);
      assertThat(stored(late.id())).hasSameFieldsAs(late);
    }

    @Test
    void purge_deletesOnlyJobsInTheGivenStates() {
      var completed = given(JobState.COMPLETED, specBuilder(QUEUE));
      var failed = given(JobState.FAILED, specBuilder(QUEUE));
      var cancelled = given(JobState.CANCELLED, specBuilder(QUEUE));
      clock.advance(Duration.ofMinutes(1));

      var deleted =
          storage.purge(
              new PurgeRequest(EnumSet.of(JobState.FAILED, JobState.CANCELLED), now(), 100));

      assertThat(deleted).isEqualTo(2);
      assertThat(stored(completed.id())).hasSameFieldsAs(completed);
      assertThat(storage.find(failed.id())).isEmpty();
      assertThat(storage.find(cancelled.id())).isEmpty();
    }

    @Test
    void purge_deletesTheOldestFinishesFirst_upToTheLimit() {
      for (int i = 0; i < 5; i++) {
        insert(spec(QUEUE));
      }
      var claimed = claim(QUEUE, 10);
      assertThat(claimed).hasSize(5);
      var finishOrder = new ArrayList<JobId>();
      for (var job : claimed.reversed()) {
        clock.advance(Duration.ofSeconds(1));
        reportAccepted(completedNow(job));
        finishOrder.add(job.id());
      }
      var cutoff = now().plusSeconds(1);

      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), cutoff, 2)))
          .isEqualTo(2);

      for (var id : finishOrder.subList(0, 2)) {
        assertThat(storage.find(id)).as("job %s, among the two oldest finishes", id).isEmpty();
      }
      for (var id : finishOrder.subList(2, 5)) {
        assertThat(storage.find(id)).as("job %s, among the newer finishes", id).isPresent();
      }
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), cutoff, 10)))
          .isEqualTo(3);
    }

    @Test
    void purge_neverDeletesPendingOrRunningJobs() {
      var pending = given(JobState.PENDING, specBuilder(QUEUE));
      var running = given(JobState.RUNNING, specBuilder(QUEUE));
      var released = given(JobState.RUNNING, specBuilder(QUEUE));
      var pendingAgain = reportAccepted(new Released(released.id(), fence(released), now()));
      clock.advance(Duration.ofDays(365));

      var deleted =
          storage.purge(
              new PurgeRequest(
                  EnumSet.of(JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED),
                  JobSpec.MAX_RUN_AT,
                  PurgeRequest.MAX_LIMIT));

      assertThat(deleted).isZero();
      assertThat(stored(pending.id())).hasSameFieldsAs(pending);
      assertThat(stored(running.id())).hasSameFieldsAs(running);
      assertThat(stored(released.id())).hasSameFieldsAs(pendingAgain);
    }

    @Test
    void purge_removesJobsFromFindListAndStats() {
      var completed = given(JobState.COMPLETED, specBuilder(QUEUE));
      var failed = given(JobState.FAILED, specBuilder(QUEUE));
      var kept = given(JobState.PENDING, specBuilder(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      assertThat(
              storage.purge(
                  new PurgeRequest(EnumSet.of(JobState.COMPLETED, JobState.FAILED), now(), 10)))
          .isEqualTo(2);

      assertThat(storage.find(completed.id())).isEmpty();
      assertThat(storage.find(failed.id())).isEmpty();
      assertThat(storage.list(JobQuery.all()).jobs()).containsExactly(kept);
      assertThat(storage.list(JobQuery.builder().state(JobState.COMPLETED).build()).jobs())
          .isEmpty();
      assertThat(stats(now(), QUEUE).counts())
          .containsEntry(JobState.COMPLETED, 0L)
          .containsEntry(JobState.FAILED, 0L)
          .containsEntry(JobState.PENDING, 1L);
    }

    @Test
    void purge_returnsZero_whenNothingMatches() {
      given(JobState.COMPLETED, specBuilder(QUEUE));

      assertThat(
              storage.purge(
                  new PurgeRequest(EnumSet.of(JobState.COMPLETED), now().minusMillis(1), 10)))
          .isZero();
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.FAILED), now(), 10))).isZero();
    }
  }
}
