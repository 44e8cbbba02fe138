package dev.docket.usecase.port;

import java.time.Instant;
import java.util.Objects;

/**
 * Which waiting jobs move up a priority level: runnable jobs that have been due, and unchanged,
 * since before {@code waitedSince}.
 *
 * @param waitedSince jobs due and unchanged since before this time are aged
 * @param now the time of the change
 * @param limit the most jobs aged in one call, 1 to {@link #MAX_LIMIT}
 */
public record AgingRequest(Instant waitedSince, Instant now, int limit) {
  /** The most jobs one call ages. */
  public static final int MAX_LIMIT = 10_000;

  /** Validates the request. */
  public AgingRequest {
    Objects.requireNonNull(waitedSince, "waitedSince");
    Objects.requireNonNull(now, "now");
    if (waitedSince.isAfter(now)) {
      throw new IllegalArgumentException(
          "Waited-since %s is after now %s.".formatted(waitedSince, now));
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Aging limit %d is out of range: use 1 to %d.".formatted(limit, MAX_LIMIT));
    }
  }
}
