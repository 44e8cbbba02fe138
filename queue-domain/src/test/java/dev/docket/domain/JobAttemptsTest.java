package dev.docket.domain;

import static dev.docket.domain.Fixtures.LEASE;
import static dev.docket.domain.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.AttemptRecord.Ending;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobAttemptsTest {
  private static final Instant DUE = T0;
  private static final Instant START = T0.plusSeconds(4);
  private static final Instant END = START.plusMillis(1_500);

  private static Job running() {
    return Job.submit(Fixtures.ID, Fixtures.spec(), T0).claim("node-a", START, LEASE);
  }

  private static long fence(Job job) {
    return job.lease().orElseThrow().fence();
  }

  private static AttemptError boom(int attempt, Instant at) {
    return AttemptError.reason(attempt, at, "Boom", "it broke");
  }

  @Test
  void aNewJob_andARunningOne_haveNoAttemptRecords() {
    assertThat(Fixtures.pending().attempts()).isEmpty();
    assertThat(running().attempts()).isEmpty();
  }

  @Test
  void complete_recordsTheAttempt_withItsNodeDueStartEndAndEnding() {
    Job done = running().complete(fence(running()), END);

    assertThat(done.attempts())
        .containsExactly(new AttemptRecord(1, "node-a", DUE, START, END, Ending.COMPLETED));
    var record = done.attempts().get(0);
    assertThat(record.duration()).isEqualTo(Duration.ofMillis(1_500));
    assertThat(record.waited()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void retry_recordsAFailedAttempt_whoseErrorHasItsNumber_andTheNextAttemptIsRecordedToo() {
    Job first = running();
    Job retried = first.retry(fence(first), boom(1, END), END.plusSeconds(10), END);
    Job second = retried.claim("node-b", END.plusSeconds(12), LEASE);
    Job done = second.complete(fence(second), END.plusSeconds(13));

    assertThat(retried.attempts())
        .containsExactly(new AttemptRecord(1, "node-a", DUE, START, END, Ending.FAILED));
    assertThat(done.attempts())
        .extracting(AttemptRecord::attempt, AttemptRecord::node, AttemptRecord::ending)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "node-a", Ending.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, "node-b", Ending.COMPLETED));
    var secondRecord = done.attempts().get(1);
    assertThat(secondRecord.dueAt()).isEqualTo(END.plusSeconds(10));
    assertThat(secondRecord.waited()).isEqualTo(Duration.ofSeconds(2));
    assertThat(done.errors()).extracting(AttemptError::attempt).containsExactly(1);
  }

  @Test
  void deadLetter_recordsAFailedAttempt() {
    Job dead = running().deadLetter(fence(running()), boom(1, END), END);

    assertThat(dead.attempts()).extracting(AttemptRecord::ending).containsExactly(Ending.FAILED);
    assertThat(dead.attempts().get(0).endedAt()).isEqualTo(END);
  }

  @Test
  void acknowledgeCancel_recordsACancelledAttempt() {
    Job asked = running().cancel(START.plusSeconds(1));
    Job cancelled = asked.acknowledgeCancel(fence(asked), END);

    assertThat(cancelled.attempts())
        .containsExactly(new AttemptRecord(1, "node-a", DUE, START, END, Ending.CANCELLED));
  }

  @Test
  void aFailure_ofAJobAskedToCancel_isRecordedAsCancelled() {
    Job asked = running().cancel(START.plusSeconds(1));

    Job retried = asked.retry(fence(asked), boom(1, END), END.plusSeconds(10), END);
    Job dead = asked.deadLetter(fence(asked), boom(1, END), END);

    assertThat(retried.state()).isEqualTo(JobState.CANCELLED);
    assertThat(retried.attempts())
        .extracting(AttemptRecord::ending)
        .containsExactly(Ending.CANCELLED);
    assertThat(dead.attempts()).extracting(AttemptRecord::ending).containsExactly(Ending.CANCELLED);
  }

  @Test
  void release_recordsAReleasedAttempt_whoseNumberTheNextAttemptTakesAgain() {
    Job released = running().release(fence(running()), END);
    Job again = released.claim("node-b", END.plusSeconds(1), LEASE);
    Job done = again.complete(fence(again), END.plusSeconds(2));

    assertThat(released.attempt()).isZero();
    assertThat(released.attempts())
        .containsExactly(new AttemptRecord(1, "node-a", DUE, START, END, Ending.RELEASED));
    assertThat(done.attempts())
        .extracting(AttemptRecord::attempt, AttemptRecord::ending)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, Ending.RELEASED),
            org.assertj.core.groups.Tuple.tuple(1, Ending.COMPLETED));
  }

  @Test
  void release_ofAJobAskedToCancel_isRecordedAsCancelled() {
    Job asked = running().cancel(START.plusSeconds(1));

    Job cancelled = asked.release(fence(asked), END);

    assertThat(cancelled.attempts())
        .extracting(AttemptRecord::ending)
        .containsExactly(Ending.CANCELLED);
  }

  @Test
  void expireLease_recordsALeaseExpiredAttempt_endedAtTheRescue() {
    Instant rescue = START.plus(LEASE).plusSeconds(1);

    Job rescued = running().expireLease(rescue, new SplittableRandom(1));

    assertThat(rescued.state()).isEqualTo(JobState.PENDING);
    assertThat(rescued.attempts())
        .containsExactly(new AttemptRecord(1, "node-a", DUE, START, rescue, Ending.LEASE_EXPIRED));
    assertThat(rescued.errors()).extracting(AttemptError::type).containsExactly("LeaseExpired");
  }

  @Test
  void expireLease_withNoAttemptsLeft_recordsALeaseExpiredAttempt() {
    Job once =
        Job.submit(Fixtures.ID, Fixtures.spec(1, RetryPolicy.none()), T0)
            .claim("node-a", START, LEASE);
    Instant rescue = START.plus(LEASE);

    Job dead = once.expireLease(rescue, new SplittableRandom(1));

    assertThat(dead.state()).isEqualTo(JobState.FAILED);
    assertThat(dead.attempts())
        .extracting(AttemptRecord::ending)
        .containsExactly(Ending.LEASE_EXPIRED);
  }

  @Test
  void changesThatEndNoAttempt_keepTheRecords() {
    Job retried = running().retry(fence(running()), boom(1, END), END.plusSeconds(10), END);
    Job second = retried.claim("node-b", END.plusSeconds(10), LEASE);
    Job dead = second.deadLetter(fence(second), boom(2, END.plusSeconds(11)), END.plusSeconds(11));

    assertThat(retried.raisePriority(10, END.plusSeconds(1)).attempts())
        .isEqualTo(retried.attempts());
    assertThat(retried.cancel(END.plusSeconds(1)).attempts()).isEqualTo(retried.attempts());
    assertThat(second.attempts()).isEqualTo(retried.attempts());
    assertThat(
            second.extendLease(fence(second), END.plusSeconds(60), END.plusSeconds(10)).attempts())
        .isEqualTo(retried.attempts());
    assertThat(dead.requeue(END.plusSeconds(12)).attempts()).hasSize(2);
  }

  @Test
  void aJobKeepsTheLast50Records() {
    Job job = Job.submit(Fixtures.ID, Fixtures.spec(1, RetryPolicy.none()), T0);
    Instant at = START;
    for (int i = 0; i < Job.MAX_ATTEMPTS_KEPT + 3; i++) {
      Job claimed = job.claim("node-" + i, at, LEASE);
      at = at.plusSeconds(1);
      job = claimed.release(fence(claimed), at);
    }

    assertThat(job.attempts()).hasSize(Job.MAX_ATTEMPTS_KEPT);
    assertThat(job.attempts().get(0).node()).isEqualTo("node-3");
    assertThat(job.attempts().get(Job.MAX_ATTEMPTS_KEPT - 1).node())
        .isEqualTo("node-" + (Job.MAX_ATTEMPTS_KEPT + 2));
  }

  @Test
  void restore_keepsTheRecords_andRefusesMoreThan50() {
    Job done = running().complete(fence(running()), END);
    var many = new ArrayList<AttemptRecord>();
    for (int i = 0; i <= Job.MAX_ATTEMPTS_KEPT; i++) {
      many.add(new AttemptRecord(1, "node-a", DUE, START, END, Ending.RELEASED));
    }

    assertThat(restore(done, done.attempts())).isEqualTo(done);
    assertThatThrownBy(() -> restore(done, many))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("51 attempt records");
  }

  @ParameterizedTest
  @EnumSource(Ending.class)
  void endings_travelByTheirWireNames(Ending ending) {
    assertThat(Ending.ofWireName(ending.wireName())).isEqualTo(ending);
    assertThat(ending.wireName()).matches("[a-z-]+");
  }

  @Test
  void anUnknownWireName_isRefused_byName() {
    assertThatThrownBy(() -> Ending.ofWireName("exploded"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'exploded'");
  }

  @Test
  void aRecord_isValidated_andKeepsTimesToTheMicrosecond() {
    assertThatThrownBy(() -> new AttemptRecord(0, "n", DUE, START, END, Ending.FAILED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Attempt 0");
    assertThatThrownBy(() -> new AttemptRecord(1, " ", DUE, START, END, Ending.FAILED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            new AttemptRecord(1, "n", DUE, START, START.plusNanos(1_999), Ending.FAILED).endedAt())
        .isEqualTo(START.plusNanos(1_000));
    assertThat(
            new AttemptRecord(1, "n", START, START, START.minusSeconds(1), Ending.FAILED)
                .duration())
        .isZero();
  }

  private static Job restore(Job job, java.util.List<AttemptRecord> attempts) {
    return Job.restore(
        job.id(),
        job.spec(),
        job.state(),
        job.attempt(),
        job.createdAt(),
        job.updatedAt(),
        job.finishedAt(),
        job.errors(),
        attempts,
        job.lease(),
        job.version(),
        job.isCancelRequested(),
        job.result(),
        Optional.empty());
  }
}
