package dev.docket.domain;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a failed job waits before its next attempt.
 *
 * <p>A policy is a pure function of the attempt number and a random source the caller passes in, so
 * a test with a seeded source gets exact delays. Whether a job may be retried at all also depends
 * on its maximum attempts: see {@link Job#canRetry()}.
 */
public sealed interface RetryPolicy {
  /** The default base delay of {@link #exponential()}: 1 second. */
  Duration DEFAULT_BASE = Duration.ofSeconds(1);

  /** The default longest delay of {@link #exponential()}: 1 hour. */
  Duration DEFAULT_CAP = Duration.ofHours(1);

  /** The longest delay any policy may ask for: 30 days. */
  Duration MAX_DELAY = Duration.ofDays(30);

  /**
   * The delay before the attempt after {@code attempt} failed.
   *
   * @param attempt the number of the attempt that failed, 1 for the first
   * @param random the source of jitter
   */
  Duration backoffDuration(int attempt, RandomGenerator random);

  /** Whether this policy ever retries. */
  boolean allowsRetry();

  /** Exponential backoff with full jitter, {@link #DEFAULT_BASE} and {@link #DEFAULT_CAP}. */
  static RetryPolicy exponential() {
    return new Exponential(DEFAULT_BASE, DEFAULT_CAP);
  }

  /** Exponential backoff with full jitter. */
  static RetryPolicy exponential(Duration base, Duration cap) {
    return new Exponential(base, cap);
  }

  /** The same delay before every retry. */
  static RetryPolicy fixed(Duration delay) {
    return new Fixed(delay);
  }

  /** No retries: the first failure is final. */
  static RetryPolicy none() {
    return None.INSTANCE;
  }

  /**
   * Exponential backoff with full jitter: after attempt {@code n} fails, a delay drawn uniformly
   * from {@code [0, min(cap, base * 2^n)]}. Full jitter spreads retries of jobs that failed
   * together (a database blip) instead of sending them back in a herd.
   *
   * @param base the scale of the first delays, positive
   * @param cap the longest delay, at least {@code base} and at most {@link #MAX_DELAY}
   */
  record Exponential(Duration base, Duration cap) implements RetryPolicy {
    /** Validates the durations. */
    public Exponential {
      requirePositive("base", base);
      requirePositive("cap", cap);
      if (cap.compareTo(base) < 0) {
        throw new IllegalArgumentException(
            "Retry cap %s is shorter than the base %s: the cap must be at least the base."
                .formatted(cap, base));
      }
    }

    @Override
    public Duration backoffDuration(int attempt, RandomGenerator random) {
      requireAttempt(attempt);
      Objects.requireNonNull(random, "random");
      long baseNanos = base.toNanos();
      long capNanos = cap.toNanos();
      // base * 2^attempt without overflow: once it would pass the cap, the cap is the ceiling.
      long ceiling =
          attempt >= Long.SIZE - 1 || baseNanos > (capNanos >> attempt)
              ? capNanos
              : baseNanos << attempt;
      return Duration.ofNanos(random.nextLong(ceiling + 1));
    }

    @Override
    public boolean allowsRetry() {
      return true;
    }
  }

  /**
   * The same delay before every retry.
   *
   * @param delay zero or positive, at most {@link #MAX_DELAY}
   */
  record Fixed(Duration delay) implements RetryPolicy {
    /** Validates the delay. */
    public Fixed {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
        throw new IllegalArgumentException(
            "Retry delay %s is out of range: use 0 to %s.".formatted(delay, MAX_DELAY));
      }
    }

    @Override
    public Duration backoffDuration(int attempt, RandomGenerator random) {
      requireAttempt(attempt);
      return delay;
    }

    @Override
    public boolean allowsRetry() {
      return true;
    }
  }

  /** Never retries. */
  enum None implements RetryPolicy {
    /** The only instance. */
    INSTANCE;

    @Override
    public Duration backoffDuration(int attempt, RandomGenerator random) {
      requireAttempt(attempt);
      return Duration.ZERO;
    }

    @Override
    public boolean allowsRetry() {
      return false;
    }
  }

  private static void requirePositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException(
          "Retry %s %s is out of range: use more than 0 and at most %s."
              .formatted(name, value, MAX_DELAY));
    }
  }

  private static void requireAttempt(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException(
          "Attempt %d is out of range: attempts count from 1.".formatted(attempt));
    }
  }
}
