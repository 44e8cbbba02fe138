package dev.docket.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

  /** A random source that always draws the largest value allowed, and records the bound. */
  static final class Highest implements RandomGenerator {
    long lastBound;

    @Override
    public long nextLong() {
      throw new AssertionError("the policy must draw with a bound");
    }

    @Override
    public long nextLong(long bound) {
      lastBound = bound;
      return bound - 1;
    }
  }

  @ParameterizedTest(name = "attempt {0}: ceiling {1} ms")
  @CsvSource({
    "1, 2000",
    "2, 4000",
    "3, 8000",
    "10, 1024000",
    "11, 2048000",
    "12, 3600000",
    "62, 3600000",
    "63, 3600000",
    "1000, 3600000",
  })
  void exponential_drawsUpTo_minOfCapAndBaseTimesTwoToTheAttempt(int attempt, long ceilingMillis) {
    var random = new Highest();
    RetryPolicy policy = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofHours(1));

    Duration delay = policy.backoffDuration(attempt, random);

    assertThat(delay).isEqualTo(Duration.ofMillis(ceilingMillis));
    assertThat(random.lastBound).isEqualTo(Duration.ofMillis(ceilingMillis).toNanos() + 1);
  }

  @Test
  void exponential_withFullJitter_spreadsDelaysOverTheWholeRange() {
    RetryPolicy policy = RetryPolicy.exponential();
    var random = new SplittableRandom(42);
    var seen = new HashSet<Duration>();
    Duration ceiling = Duration.ofSeconds(8);
    boolean sawLowHalf = false;
    boolean sawHighHalf = false;

    for (int i = 0; i < 1_000; i++) {
      Duration delay = policy.backoffDuration(3, random);
      assertThat(delay).isBetween(Duration.ZERO, ceiling);
      seen.add(delay);
      sawLowHalf |= delay.compareTo(ceiling.dividedBy(2)) < 0;
      sawHighHalf |= delay.compareTo(ceiling.dividedBy(2)) >= 0;
    }

    assertThat(seen).hasSizeGreaterThan(990);
    assertThat(sawLowHalf).isTrue();
    assertThat(sawHighHalf).isTrue();
  }

  @Test
  void exponential_withTheSameSeed_givesTheSameDelays() {
    RetryPolicy policy = RetryPolicy.exponential();

    assertThat(policy.backoffDuration(4, new SplittableRandom(9)))
        .isEqualTo(policy.backoffDuration(4, new SplittableRandom(9)));
  }

  @Test
  void defaults_areOneSecondBase_andOneHourCap() {
    assertThat(RetryPolicy.exponential())
        .isEqualTo(RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofHours(1)));
  }

  @Test
  void fixed_alwaysWaitsTheSame_andNoneNeverRetries() {
    assertThat(RetryPolicy.fixed(Duration.ofSeconds(5)).backoffDuration(7, new Highest()))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryPolicy.fixed(Duration.ofSeconds(5)).allowsRetry()).isTrue();
    assertThat(RetryPolicy.none().allowsRetry()).isFalse();
  }

  @Test
  void invalidPolicies_areRefused_withTheValueInTheMessage() {
    assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ofSeconds(10), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT1S")
        .hasMessageContaining("PT10S");
    assertThatThrownBy(() -> RetryPolicy.exponential(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("base");
    assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> RetryPolicy.fixed(Duration.ofDays(31)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.exponential().backoffDuration(0, new Highest()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Attempt 0");
  }

  @Test
  void failureOutcome_retriesWithinThePolicyBounds_untilAttemptsRunOut() {
    Job job = Job.submit(Fixtures.ID, Fixtures.spec(2, RetryPolicy.exponential()), Fixtures.T0);
    Job first = job.claim("w", Fixtures.T0, Fixtures.LEASE);
    var error = AttemptError.reason(1, Fixtures.T0, "Boom", "");

    Outcome retry = Outcome.ofFailure(first, error, Fixtures.T0, new SplittableRandom(3));

    assertThat(retry)
        .isInstanceOfSatisfying(
            Outcome.Retried.class,
            r -> assertThat(r.runAt()).isBetween(Fixtures.T0, Fixtures.T0.plusSeconds(2)));
    Job second = retry.applyTo(first).claim("w", ((Outcome.Retried) retry).runAt(), Fixtures.LEASE);
    assertThat(Outcome.ofFailure(second, error, Fixtures.T0, new SplittableRandom(3)))
        .isInstanceOf(Outcome.Failed.class);
  }
}
