package dev.docket.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so tests about delays, leases and retention run
 * without waiting.
 *
 * <p>Thread-safe: workers may read it while the test thread advances it.
 */
public final class MutableClock implements InstantSource {
  private final AtomicReference<Instant> now;

  private MutableClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  /** A clock showing {@code start}. */
  public static MutableClock at(Instant start) {
    return new MutableClock(start);
  }

  /** A clock showing 2030-01-01T00:00:00Z, a fixed, readable start for tests. */
  public static MutableClock standard() {
    return at(Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the clock forward by {@code amount} and returns the new time. */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException(
          "A clock only moves forward: %s is negative.".formatted(amount));
    }
    return now.updateAndGet(t -> t.plus(amount));
  }

  /** Sets the clock to {@code time}, which must not be earlier than now. */
  public void set(Instant time) {
    Objects.requireNonNull(time, "time");
    now.updateAndGet(
        t -> {
          if (time.isBefore(t)) {
            throw new IllegalArgumentException(
                "A clock only moves forward: %s is before %s.".formatted(time, t));
          }
          return time;
        });
  }
}
