package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Outcome.Released;
import dev.docket.usecase.port.JobClaims;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link JobClaims#extendLeases}: a lease still held is extended under the same fence
 * and never shortened; a lease that was lost (a stale fence, a finished, released or unknown job)
 * is answered as lost and changes nothing; a cancel request reaches the worker with the answer.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class LeaseContract extends JobStorageFixture {
  @Nested
  class ExtendLeases {

    @Test
    void extendLeases_extendsAHeldLease_andKeepsItsFenceAndStart() {
      var claimed = claimNew(spec(QUEUE));
      Instant claimedAt = now();
      clock.advance(Duration.ofSeconds(20));
      var extension = extension(claimed, LEASE);

      assertThat(storage.extendLeases(List.of(extension)))
          .containsExactly(new LeaseStatus(claimed.id(), true, false));

      assertThat(stored(claimed.id()))
          .hasState(JobState.RUNNING)
          .hasLeaseExpiringAt(now().plus(LEASE))
          .hasLeaseFence(fence(claimed))
          .hasLeaseStartedAt(claimedAt)
          .isLeasedBy(OWNER)
          .hasUpdatedAt(now())
          .hasSameFieldsAs(claimed.extendLease(fence(claimed), now().plus(LEASE), now()));
    }

    @Test
    void report_isAccepted_underTheSameFence_afterTheLeaseWasExtended() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(20));
      storage.extendLeases(List.of(extension(claimed, LEASE)));
      var extended = stored(claimed.id());
      clock.advance(Duration.ofSeconds(20));
      var outcome = new Completed(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(outcome.applyTo(extended));
    }

    @Test
    void extendLeases_reportsALostLease_forAStaleFence() {
      var claimed = claimNew(spec(QUEUE));
      var stale =
          new LeaseExtension(
              claimed.id(), fence(claimed) - 1, now().plus(Duration.ofMinutes(5)), now());

      assertThat(storage.extendLeases(List.of(stale)))
          .extracting(LeaseStatus::jobId, LeaseStatus::held)
          .containsExactly(tuple(claimed.id(), false));

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void extendLeases_reportsALostLease_forAFinishedJob() {
      var claimed = claimNew(spec(QUEUE));
      var completed = reportAccepted(completedNow(claimed));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .extracting(LeaseStatus::held)
          .containsExactly(false);

      assertThat(stored(claimed.id())).hasSameFieldsAs(completed);
    }

    @Test
    void extendLeases_reportsALostLease_forAJobThatWasReleased() {
      var claimed = claimNew(spec(QUEUE));
      var released = reportAccepted(new Released(claimed.id(), fence(claimed), now()));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .extracting(LeaseStatus::held)
          .containsExactly(false);

      assertThat(stored(claimed.id())).hasSameFieldsAs(released);
    }

    @Test
    void extendLeases_reportsALostLease_forAnUnknownJob() {
      var unknown = TestJobs.id(999_999);

      assertThat(
              storage.extendLeases(
                  List.of(new LeaseExtension(unknown, 2, now().plus(LEASE), now()))))
          .extracting(LeaseStatus::jobId, LeaseStatus::held)
          .containsExactly(tuple(unknown, false));

      assertThat(storage.find(unknown)).isEmpty();
    }

    @Test
    void extendLeases_reportsACancelRequest_onAHeldLease() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      storage.update(claimed.id(), job -> job.cancel(now())).orElseThrow();
      clock.advance(Duration.ofSeconds(10));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .containsExactly(new LeaseStatus(claimed.id(), true, true));

      assertThat(stored(claimed.id()))
          .hasState(JobState.RUNNING)
          .isCancelRequested()
          .hasLeaseExpiringAt(now().plus(LEASE));
    }

    @Test
    void extendLeases_answersEveryExtension_inOrder() {
      var held = claimNew(spec(QUEUE));
      var cancelling = claimNew(spec(QUEUE));
      var stale = claimNew(spec(QUEUE));
      storage.update(cancelling.id(), job -> job.cancel(now())).orElseThrow();
      var unknown = TestJobs.id(999_999);
      clock.advance(Duration.ofSeconds(5));

      var statuses =
          storage.extendLeases(
              List.of(
                  extension(held, LEASE),
                  new LeaseExtension(unknown, 2, now().plus(LEASE), now()),
                  extension(cancelling, LEASE),
                  new LeaseExtension(stale.id(), fence(stale) + 1, now().plus(LEASE), now())));

      assertThat(statuses)
          .extracting(LeaseStatus::jobId, LeaseStatus::held)
          .containsExactly(
              tuple(held.id(), true),
              tuple(unknown, false),
              tuple(cancelling.id(), true),
              tuple(stale.id(), false));
      assertThat(statuses.get(0).cancelRequested()).isFalse();
      assertThat(statuses.get(2).cancelRequested()).isTrue();
      assertThat(stored(held.id())).hasLeaseExpiringAt(now().plus(LEASE));
      assertThat(stored(cancelling.id())).hasLeaseExpiringAt(now().plus(LEASE));
      assertThat(stored(stale.id())).hasSameFieldsAs(stale);
    }

    @Test
    void extendLeases_keepsALeaseThatExpired_butWasNotRescued() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.plusSeconds(5));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .containsExactly(new LeaseStatus(claimed.id(), true, false));

      assertThat(stored(claimed.id())).hasLeaseExpiringAt(now().plus(LEASE));
      assertThat(rescue(100)).as("jobs rescued").isEmpty();
    }

    @Test
    void anExtendedLease_isNotRescued_beforeItsNewExpiry() {
      var claimed = claimNew(spec(QUEUE));
      var start = now();
      clock.advance(Duration.ofSeconds(20));
      var newExpiry = start.plus(Duration.ofSeconds(90));
      storage.extendLeases(
          List.of(new LeaseExtension(claimed.id(), fence(claimed), newExpiry, now())));

      clock.set(start.plus(Duration.ofSeconds(60)));
      assertThat(rescue(100)).as("rescue past the old expiry").isEmpty();
      assertThat(stored(claimed.id())).hasState(JobState.RUNNING);

      clock.set(newExpiry);
      assertThat(rescue(100)).extracting(Job::id).containsExactly(claimed.id());
    }

    @Test
    void extendLeases_ofNoExtensions_answersNothing() {
      claimNew(spec(QUEUE));

      assertThat(storage.extendLeases(List.of())).isEmpty();
    }

    @Test
    void extendLeases_neverShortensALeaseAlreadyHeldLonger() {
      var claimed = claimNew(spec(QUEUE));
      storage.extendLeases(List.of(extension(claimed, Duration.ofMinutes(10))));
      Instant longExpiry = stored(claimed.id()).lease().orElseThrow().expiresAt();

      storage.extendLeases(List.of(extension(claimed, Duration.ofSeconds(5))));

      assertThat(stored(claimed.id()).lease().orElseThrow().expiresAt()).isEqualTo(longExpiry);
    }
  }
}
