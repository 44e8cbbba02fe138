package dev.docket.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry path end to end: backoff within the policy's bounds, then success or dead letter. */
class RetryAndDeadLetterTest {
  record Charge(String customer, int cents) {}

  static final JobType<Charge> CHARGE = JobType.of("billing.charge", Charge.class);
  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration CAP = Duration.ofMinutes(1);

  @Test
  void jobFailingTwice_isRetriedAfterBackoffWithinPolicyBounds_thenSucceeds() {
    var h = new Harness();
    var calls = new AtomicInteger();
    h.handlers.register(
        CHARGE,
        (charge, context) -> {
          if (calls.incrementAndGet() <= 2) {
            throw new IllegalStateException("gateway timeout #" + calls.get());
          }
        });
    Job job =
        h.client.submit(
            JobRequest.of(CHARGE, new Charge("ada", 500))
                .maxAttempts(5)
                .retryPolicy(RetryPolicy.exponential(BASE, CAP))
                .build());

    List<Instant> dueTimes = runUntilFinished(h, job);

    Job done = h.client.get(job.id());
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.attempt()).isEqualTo(3);
    assertThat(calls).hasValue(3);
    assertThat(done.errors())
        .extracting(AttemptError::attempt, AttemptError::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "gateway timeout #1"),
            org.assertj.core.groups.Tuple.tuple(2, "gateway timeout #2"));
    assertThat(dueTimes).hasSize(2);
    // attempt n failed at errors[n-1].at(); it was due again within min(cap, base * 2^n).
    for (int n = 1; n <= 2; n++) {
      Instant failedAt = done.errors().get(n - 1).at();
      Duration ceiling = BASE.multipliedBy(1L << n);
      assertThat(dueTimes.get(n - 1)).isBetween(failedAt, failedAt.plus(ceiling));
    }
  }

  @Test
  void sameSeed_givesTheSameRetrySchedule() {
    List<Instant> first = scheduleOfAlwaysFailingJob(7);
    List<Instant> second = scheduleOfAlwaysFailingJob(7);

    assertThat(first).hasSize(3).isEqualTo(second);
  }

  @Test
  void jobThatAlwaysFails_endsInTheDeadLetter_withEveryAttemptsErrorKept() {
    var h = new Harness();
    h.handlers.register(
        CHARGE,
        (charge, context) -> {
          throw new IllegalStateException("card declined on attempt " + context.attempt());
        });
    Job job =
        h.client.submit(
            JobRequest.of(CHARGE, new Charge("bob", 100))
                .maxAttempts(4)
                .retryPolicy(RetryPolicy.exponential(BASE, CAP))
                .build());

    runUntilFinished(h, job);

    Job dead = h.client.get(job.id());
    assertThat(dead.state()).isEqualTo(JobState.FAILED);
    assertThat(dead.attempt()).isEqualTo(4);
    assertThat(dead.finishedAt()).isPresent();
    assertThat(dead.errors()).hasSize(4);
    for (int n = 1; n <= 4; n++) {
      AttemptError error = dead.errors().get(n - 1);
      assertThat(error.attempt()).isEqualTo(n);
      assertThat(error.type()).isEqualTo("java.lang.IllegalStateException");
      assertThat(error.message()).isEqualTo("card declined on attempt " + n);
      assertThat(error.stackTrace()).contains("RetryAndDeadLetterTest");
    }
    assertThat(h.worker.processBatch("default", 10)).isEmpty();
  }

  @Test
  void retriedJob_isNotRunBeforeItsBackoffEnds() {
    var h = new Harness();
    var calls = new AtomicInteger();
    h.handlers.register(
        CHARGE,
        (charge, context) -> {
          calls.incrementAndGet();
          throw new IllegalStateException("down");
        });
    Job job =
        h.client.submit(
            JobRequest.of(CHARGE, new Charge("eve", 1))
                .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(10)))
                .build());

    h.worker.processBatch("default", 1);
    h.clock.advance(Duration.ofSeconds(9));
    assertThat(h.worker.processBatch("default", 1)).isEmpty();
    h.clock.advance(Duration.ofSeconds(1));
    assertThat(h.worker.processBatch("default", 1)).hasSize(1);

    assertThat(calls).hasValue(2);
    assertThat(h.client.get(job.id()).attempt()).isEqualTo(2);
  }

  /** Runs the job to the end, moving the clock to each retry's due time; returns those times. */
  private static List<Instant> runUntilFinished(Harness h, Job job) {
    var dueTimes = new ArrayList<Instant>();
    for (int round = 0; round < 20; round++) {
      List<Outcome> outcomes = h.worker.processBatch(job.queue(), 10);
      assertThat(outcomes).hasSize(1);
      Job now = h.client.get(job.id());
      if (now.state().isFinished()) {
        return dueTimes;
      }
      assertThat(now.state()).isEqualTo(JobState.PENDING);
      dueTimes.add(now.runAt());
      if (now.runAt().isAfter(h.clock.instant())) {
        h.clock.set(now.runAt().minusNanos(1));
        assertThat(h.worker.processBatch(job.queue(), 10)).isEmpty();
        h.clock.set(now.runAt());
      }
    }
    throw new AssertionError("job " + job.id() + " did not finish in 20 rounds");
  }

  private static List<Instant> scheduleOfAlwaysFailingJob(long seed) {
    var h = new Harness(seed);
    h.handlers.register(
        CHARGE,
        (charge, context) -> {
          throw new IllegalStateException("no");
        });
    Job job =
        h.client.submit(
            JobRequest.of(CHARGE, new Charge("x", 1))
                .maxAttempts(4)
                .retryPolicy(RetryPolicy.exponential(BASE, CAP))
                .build());
    return runUntilFinished(h, job);
  }
}
