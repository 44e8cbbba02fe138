package dev.docket.usecase.port;

import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Which running jobs to rescue: those whose lease expired at {@code now}.
 *
 * @param now the time that decides expiry
 * @param limit the most jobs to rescue in one call, 1 to {@link #MAX_LIMIT}
 * @param random the jitter source for the backoff of rescued jobs
 */
public record RescueRequest(Instant now, int limit, RandomGenerator random) {
  /** The most jobs one rescue call may take. */
  public static final int MAX_LIMIT = 10_000;

  /** Validates the request. */
  public RescueRequest {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(random, "random");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Rescue limit %d is out of range: use 1 to %d.".formatted(limit, MAX_LIMIT));
    }
  }
}
