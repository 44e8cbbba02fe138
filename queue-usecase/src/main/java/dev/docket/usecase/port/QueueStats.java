package dev.docket.usecase.port;

import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How many jobs of one queue are in each state, and how long the oldest due one has waited.
 *
 * @param queue the queue
 * @param counts jobs per state; every state is present, zero where there are none
 * @param due pending jobs that are due now: the queue's depth
 * @param oldestDueAt the run-at of the due job that has waited longest
 */
public record QueueStats(
    String queue, Map<JobState, Long> counts, long due, Optional<Instant> oldestDueAt) {
  /** Validates and fills in zero counts. */
  public QueueStats {
    Names.requireQueue(queue);
    var all = new EnumMap<JobState, Long>(JobState.class);
    for (JobState state : JobState.values()) {
      all.put(state, Objects.requireNonNull(counts, "counts").getOrDefault(state, 0L));
    }
    counts = Map.copyOf(all);
    Objects.requireNonNull(oldestDueAt, "oldestDueAt");
  }

  /** The number of jobs in {@code state}. */
  public long count(JobState state) {
    return counts.get(state);
  }

  /** How long the oldest due job has been waiting at {@code now}. */
  public Optional<Duration> oldestDueAge(Instant now) {
    return oldestDueAt.map(at -> at.isAfter(now) ? Duration.ZERO : Duration.between(at, now));
  }
}
