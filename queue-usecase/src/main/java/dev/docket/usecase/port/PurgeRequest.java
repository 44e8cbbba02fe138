package dev.docket.usecase.port;

import dev.docket.domain.JobState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which finished jobs to delete.
 *
 * @param states finished states only: completed, failed or cancelled
 * @param finishedBefore jobs that finished strictly before this time are deleted
 * @param limit the most jobs to delete in one call, 1 to {@link #MAX_LIMIT}, so that a purge never
 *     holds locks on a large part of the table
 */
public record PurgeRequest(Set<JobState> states, Instant finishedBefore, int limit) {
  /** The most jobs one purge call may delete. */
  public static final int MAX_LIMIT = 10_000;

  /** Validates the request. */
  public PurgeRequest {
    Objects.requireNonNull(states, "states");
    if (states.isEmpty()) {
      throw new IllegalArgumentException("A purge needs at least one state.");
    }
    for (JobState state : states) {
      if (!state.isFinished()) {
        throw new IllegalArgumentException(
            "Only finished jobs can be purged, and %s is not a finished state.".formatted(state));
      }
    }
    states = Set.copyOf(EnumSet.copyOf(states));
    Objects.requireNonNull(finishedBefore, "finishedBefore");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Purge limit %d is out of range: use 1 to %d.".formatted(limit, MAX_LIMIT));
    }
  }
}
