package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome.Released;
import dev.docket.domain.Outcome.Retried;
import dev.docket.domain.Priority;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobClaims;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules of {@link JobClaims#claim}: a claim takes only due pending jobs of its queue and kinds,
 * highest priority first, then earliest run-at, then lowest id, no more than its limit, and moves
 * each to running under a new lease whose fence is the job's new version. Some tests set a job up
 * by reporting an outcome for it, so {@link ReportContract} comes right after this part.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class ClaimContract extends JobStorageFixture {
  /** The order claims take jobs in: priority high to low, then run-at, then id. */
  private static final Comparator<Job> CLAIM_ORDER =
      Comparator.comparing(Job::priority)
          .reversed()
          .thenComparing(Job::runAt)
          .thenComparing(Job::id);

  @Nested
  class Claim {

    @Test
    void claim_returnsNothing_fromAnEmptyQueue() {
      insert(spec(OTHER_QUEUE));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
    }

    @Test
    void claim_takesOnlyPendingJobsThatAreDue() {
      var overdue = insert(spec(QUEUE, Priority.NORMAL, now().minus(Duration.ofHours(1))));
      var dueNow = insert(spec(QUEUE, Priority.NORMAL, now()));
      var later = insert(spec(QUEUE, Priority.URGENT, now().plusMillis(1)));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(overdue.id(), dueNow.id());

      assertThat(stored(later.id())).hasSameFieldsAs(later);
    }

    @Test
    void claim_takesAScheduledJob_exactlyAtItsRunAt_andNotBefore() {
      var runAt = now().plusSeconds(10);
      var scheduled = insert(spec(QUEUE, Priority.NORMAL, runAt));

      clock.set(runAt.minusMillis(1));
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      clock.set(runAt);
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(scheduled.id());
    }

    @Test
    void claim_prefersAHigherPriority_overAnEarlierRunAt() {
      var early = insert(spec(QUEUE, Priority.LOW, now().minus(Duration.ofHours(1))));
      var urgent = insert(spec(QUEUE, Priority.URGENT, now()));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(urgent.id(), early.id());
    }

    @Test
    void claim_comparesPriorities_asNumbers() {
      var nine = insert(spec(QUEUE, Priority.of(9), now()));
      var hundred = insert(spec(QUEUE, Priority.of(100), now()));
      var ten = insert(spec(QUEUE, Priority.of(10), now()));

      assertThat(claim(QUEUE, 10))
          .extracting(Job::id)
          .containsExactly(hundred.id(), ten.id(), nine.id());
    }

    @Test
    void claim_prefersAnEarlierRunAt_overALowerId() {
      var lowerId = insert(spec(QUEUE, Priority.NORMAL, now()));
      var earlier = insert(spec(QUEUE, Priority.NORMAL, now().minusSeconds(1)));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(earlier.id(), lowerId.id());
    }

    @Test
    void claim_takesTheLowestIdFirst_amongEqualPriorityAndRunAt() {
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 5; i++) {
        jobs.add(submit(spec(QUEUE)));
      }
      for (var job : jobs.reversed()) {
        assertThat(storage.insert(List.of(job))).containsExactly(job);
      }

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactlyElementsOf(ids(jobs));
    }

    @Test
    void claim_comparesIds_asUnsignedNumbers() {
      // Unsigned, as JobId and PostgreSQL order them: 0x0190.. < 0xf190.., 0x00.. < 0x80..
      var ascending = unsignedOrderIds();
      var jobs = new ArrayList<Job>();
      for (var id : ascending.reversed()) {
        jobs.add(Job.submit(id, spec(QUEUE), now()));
      }
      insertAll(jobs);

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactlyElementsOf(ascending);
    }

    @Test
    void claim_returnsHighestPriorityFirst_thenEarliestRunAt_thenLowestId() {
      var priorities = new int[] {0, 9, 10, 50, 75, 100};
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 120; i++) {
        var priority = Priority.of(priorities[random.nextInt(priorities.length)]);
        var runAt = now().minus(Duration.ofMinutes(random.nextInt(4)));
        jobs.add(submit(spec(QUEUE, priority, runAt)));
      }
      var shuffled = new ArrayList<>(jobs);
      Collections.shuffle(shuffled, random);
      insertAll(shuffled);

      var claimed = new ArrayList<JobId>();
      for (int round = 0; round <= jobs.size(); round++) {
        var batch = claim(QUEUE, 1 + random.nextInt(9));
        if (batch.isEmpty()) {
          break;
        }
        batch.forEach(job -> claimed.add(job.id()));
      }

      assertThat(claimed).containsExactlyElementsOf(ids(jobs.stream().sorted(CLAIM_ORDER)));
    }

    @Test
    void claim_takesADueRetryOfHigherPriority_beforeLowerPriorityRetriesThatCameDueEarlier() {
      var start = now();
      assertThat(claim(QUEUE, 10)).as("a first claim, which may tidy the queue").isEmpty();
      var lows = new ArrayList<Job>();
      for (int i = 0; i < 4; i++) {
        lows.add(insert(spec(QUEUE, Priority.LOW, start)));
      }
      var urgent = insert(spec(QUEUE, Priority.URGENT, start));
      var claimed = claim(QUEUE, 10);
      assertThat(claimed).hasSize(5);
      // Each low-priority retry comes due before the urgent one; all are due at the claims below,
      // which come less than a second after the first claim.
      for (var job : claimed) {
        long delayMillis = job.id().equals(urgent.id()) ? 500 : 100 + 50 * lows.indexOf(job);
        var runAt = start.plusMillis(delayMillis);
        assertThat(report(new Retried(job.id(), fence(job), now(), error(job), runAt))).isEmpty();
      }
      clock.set(start.plusMillis(600));

      assertThat(claim(QUEUE, 2))
          .extracting(Job::id)
          .containsExactly(urgent.id(), lows.getFirst().id());
    }

    @Test
    void claim_takesDueRetriesAndNewJobs_inOnePriorityOrder_inSmallBatches() {
      var start = now();
      assertThat(claim(QUEUE, 10)).as("a first claim, which may tidy the queue").isEmpty();
      var priorities = new int[] {0, 10, 50, 75, 100};
      var first = new ArrayList<Job>();
      for (int i = 0; i < 40; i++) {
        var priority = Priority.of(priorities[random.nextInt(priorities.length)]);
        first.add(submit(spec(QUEUE, priority, start)));
      }
      insertAll(first);
      var claimed = new ArrayList<Job>();
      List<Job> batch;
      while (!(batch = claim(QUEUE, 7)).isEmpty()) {
        claimed.addAll(batch);
      }
      assertThat(claimed).hasSize(first.size());
      for (var job : claimed) {
        var runAt = start.plusMillis(1 + random.nextInt(800));
        assertThat(report(new Retried(job.id(), fence(job), now(), error(job), runAt))).isEmpty();
      }
      var fresh = new ArrayList<Job>();
      for (int i = 0; i < 40; i++) {
        var priority = Priority.of(priorities[random.nextInt(priorities.length)]);
        fresh.add(submit(spec(QUEUE, priority, start.minusMillis(random.nextInt(60_000)))));
      }
      insertAll(fresh);
      clock.set(start.plusMillis(900));
      var expected = new ArrayList<Job>();
      claimed.forEach(job -> expected.add(stored(job.id())));
      expected.addAll(fresh);
      expected.sort(CLAIM_ORDER);

      var order = new ArrayList<JobId>();
      while (!(batch = claim(QUEUE, 1 + random.nextInt(3))).isEmpty()) {
        batch.forEach(job -> order.add(job.id()));
      }

      assertThat(order).containsExactlyElementsOf(ids(expected));
    }

    @Test
    void claim_takesOnlyTheKindsItNames_andLeavesTheOthersUntouched() {
      var mail = insert(specBuilder(QUEUE).kind("mail.send").build());
      var report =
          insert(specBuilder(QUEUE).kind("report.build").priority(Priority.URGENT).build());
      var moreMail = insert(specBuilder(QUEUE).kind("mail.send").build());

      assertThat(claimKinds(QUEUE, 10, Set.of("mail.send", "sms.send")))
          .extracting(Job::id)
          .containsExactly(mail.id(), moreMail.id());
      assertThat(stored(report.id())).hasSameFieldsAs(report);

      assertThat(claimKinds(QUEUE, 10, Set.of("report.build")))
          .singleElement()
          .satisfies(job -> assertThat(job).hasAttempt(1).hasState(JobState.RUNNING));
    }

    @Test
    void claim_ofSomeKinds_keepsClaimOrder_andReachesPastJobsOfOtherKinds() {
      var kinds = List.of("a.run", "b.run", "c.run");
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 90; i++) {
        var spec =
            specBuilder(QUEUE)
                .kind(kinds.get(random.nextInt(kinds.size())))
                .priority(Priority.of(random.nextInt(101)))
                .runAt(now().minusMillis(random.nextInt(10_000)))
                .build();
        jobs.add(submit(spec));
      }
      insertAll(jobs);
      var wanted = Set.of("a.run", "c.run");

      var order = new ArrayList<JobId>();
      List<Job> batch;
      while (!(batch = claimKinds(QUEUE, 1 + random.nextInt(5), wanted)).isEmpty()) {
        batch.forEach(job -> order.add(job.id()));
      }

      assertThat(order)
          .containsExactlyElementsOf(
              ids(jobs.stream().filter(job -> wanted.contains(job.kind())).sorted(CLAIM_ORDER)));
      for (var job : jobs) {
        if (!wanted.contains(job.kind())) {
          assertThat(stored(job.id())).hasSameFieldsAs(job);
        }
      }
    }

    @Test
    void claim_ofSomeKinds_takesAScheduledJobOfThoseKinds_onceItIsDue() {
      var runAt = now().plusSeconds(5);
      var other = insert(specBuilder(QUEUE).kind("other.run").runAt(runAt).build());
      var mine = insert(specBuilder(QUEUE).kind("mine.run").runAt(runAt).build());
      clock.set(runAt);

      assertThat(claimKinds(QUEUE, 10, Set.of("mine.run")))
          .extracting(Job::id)
          .containsExactly(mine.id());
      assertThat(claimKinds(QUEUE, 10, Set.of("mine.run"))).isEmpty();
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(other.id());
    }

    @Test
    void claim_takesNoMoreThanTheLimit() {
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 5; i++) {
        jobs.add(insert(spec(QUEUE)));
      }

      assertThat(claim(QUEUE, 3))
          .extracting(Job::id)
          .containsExactlyElementsOf(ids(jobs.subList(0, 3)));
      assertThat(claim(QUEUE, 3))
          .extracting(Job::id)
          .containsExactlyElementsOf(ids(jobs.subList(3, 5)));
      assertThat(claim(QUEUE, 3)).isEmpty();
    }

    @Test
    void claim_takesOnlyFromTheRequestedQueue() {
      var mail = insert(spec(QUEUE, Priority.LOW, now()));
      var report = insert(spec(OTHER_QUEUE, Priority.URGENT, now().minusSeconds(5)));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(mail.id());

      assertThat(stored(report.id())).hasSameFieldsAs(report);
      assertThat(claim(OTHER_QUEUE, 10)).extracting(Job::id).containsExactly(report.id());
    }

    @Test
    void claim_movesEachJobToRunning_underANewLeaseWhoseFenceIsTheNewVersion() {
      var jobs = List.of(insert(spec(QUEUE)), insert(spec(QUEUE)), insert(spec(QUEUE)));
      clock.set(now().plusSeconds(5));
      var owner = "worker-7@host-3";
      var lease = Duration.ofSeconds(45);

      var claimed = claim(QUEUE, 10, owner, lease);

      assertThat(claimed).extracting(Job::id).containsExactlyElementsOf(ids(jobs));
      for (int i = 0; i < jobs.size(); i++) {
        var job = claimed.get(i);
        assertThat(job)
            .hasState(JobState.RUNNING)
            .hasAttempt(1)
            .hasVersion(2)
            .isLeasedBy(owner)
            .hasLeaseFence(2)
            .hasLeaseExpiringAt(now().plus(lease))
            .hasLeaseStartedAt(now())
            .hasUpdatedAt(now())
            .hasNoFinishedAt()
            .hasSameFieldsAs(jobs.get(i).claim(owner, now(), lease));
        assertThat(stored(job.id())).hasSameFieldsAs(job);
      }
    }

    @Test
    void claim_doesNotTakeAClaimedJobAgain() {
      var job = insert(spec(QUEUE));
      var claimed = claimOnly(job);
      clock.advance(Duration.ofSeconds(1));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      assertThat(stored(job.id())).hasSameFieldsAs(claimed);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
        value = JobState.class,
        names = {"COMPLETED", "FAILED", "CANCELLED"})
    void claim_neverTakesAFinishedJob(JobState state) {
      var finished = given(state, specBuilder(QUEUE).runAt(now().minus(Duration.ofHours(1))));
      clock.advance(Duration.ofDays(1));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      assertThat(stored(finished.id())).hasSameFieldsAs(finished);
    }

    @Test
    void claim_doesNotTakeARunningJob_whoseLeaseExpiredButWasNotRescued() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.multipliedBy(10));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void claim_givesAJobTakenAgain_aHigherFence() {
      var first = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      reportAccepted(new Released(first.id(), fence(first), now()));

      var second = claimOnly(stored(first.id()));

      assertThat(fence(second)).isGreaterThan(fence(first));
      assertThat(second).hasLeaseFence(second.version()).hasAttempt(1);
    }
  }

  private List<Job> claimKinds(String queue, int limit, Set<String> kinds) {
    return storage.claim(new ClaimRequest(queue, limit, OWNER, LEASE, now(), kinds));
  }

  /**
   * {@link dev.docket.usecase.port.JobSubmissions#insertClaimed}: a new job goes in already claimed
   * exactly when a claim made then would have taken it first, and as a plain insert otherwise.
   */
  @Nested
  class InsertClaimed {
    private Job insertClaimed(JobSpec spec, Set<String> kinds) {
      var job = submit(spec);
      insertedIds.add(job.id());
      return storage.insertClaimed(job, new ClaimRequest(QUEUE, 1, OWNER, LEASE, now(), kinds));
    }

    private Job insertClaimed(JobSpec spec) {
      return insertClaimed(spec, ClaimRequest.ANY_KIND);
    }

    @Test
    void insertClaimed_storesADueJobClaimed_whenNoOtherJobComesFirst() {
      var claimed = insertClaimed(spec(QUEUE));

      assertThat(claimed)
          .hasState(JobState.RUNNING)
          .hasAttempt(1)
          .isLeasedBy(OWNER)
          .hasLeaseExpiringAt(now().plus(LEASE))
          .hasLeaseStartedAt(now());
      assertThat(stored(claimed.id())).as("the job as stored").hasSameFieldsAs(claimed);
      assertThat(claim(QUEUE, 10)).as("jobs a later claim finds").isEmpty();
      assertThat(reportAccepted(completedNow(claimed))).hasState(JobState.COMPLETED);
    }

    @Test
    void insertClaimed_leavesTheJobPending_behindADueJobOfTheSamePriority() {
      var waiting = insert(spec(QUEUE));

      var stored = insertClaimed(spec(QUEUE));

      assertThat(stored).hasState(JobState.PENDING).hasAttempt(0).hasNoLease();
      assertThat(stored(stored.id())).hasSameFieldsAs(stored);
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(waiting.id(), stored.id());
    }

    @Test
    void insertClaimed_claimsTheJob_aheadOfDueJobsOfLowerPriority() {
      var low = insert(spec(QUEUE, Priority.LOW, now()));

      var urgent = insertClaimed(spec(QUEUE, Priority.URGENT, now()));

      assertThat(urgent).hasState(JobState.RUNNING);
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(low.id());
    }

    @Test
    void insertClaimed_leavesTheJobPending_behindAScheduledJobThatCameDue() {
      var scheduled = insert(spec(QUEUE, Priority.NORMAL, now().plusSeconds(5)));
      clock.set(now().plusSeconds(5));

      var stored = insertClaimed(spec(QUEUE));

      assertThat(stored).hasState(JobState.PENDING);
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(scheduled.id(), stored.id());
    }

    @Test
    void insertClaimed_passesOverWaitingJobs_ofKindsTheClaimDoesNotTake() {
      var other = insert(specBuilder(QUEUE).kind("report.build").priority(Priority.URGENT).build());

      var claimed = insertClaimed(spec(QUEUE), Set.of(TestJobs.KIND));

      assertThat(claimed).hasState(JobState.RUNNING);
      assertThat(stored(other.id())).hasSameFieldsAs(other);
    }

    @Test
    void insertClaimed_storesAsInsertDoes_aJobTheClaimWouldNotTake() {
      var notDue = insertClaimed(spec(QUEUE, Priority.URGENT, now().plusSeconds(1)));
      var otherKind =
          insertClaimed(specBuilder(QUEUE).kind("report.build").build(), Set.of(TestJobs.KIND));
      var otherQueue = insertClaimed(spec(OTHER_QUEUE));
      var keyed = insertClaimed(specBuilder(QUEUE).uniqueKey("welcome:ada").build());

      for (Job job : List.of(notDue, otherKind, otherQueue, keyed)) {
        assertThat(job).as("job %s", job.id()).hasState(JobState.PENDING).hasNoLease();
        assertThat(stored(job.id())).hasSameFieldsAs(job);
      }
    }

    @Test
    void insertClaimed_returnsTheHolder_whenTheUniqueKeyIsTaken() {
      var holder = insert(specBuilder(QUEUE).uniqueKey("welcome:ada").build());

      var stored = insertClaimed(specBuilder(QUEUE).uniqueKey("welcome:ada").build());

      assertThat(stored).hasSameFieldsAs(holder);
    }
  }
}
