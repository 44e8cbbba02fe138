package dev.docket.cli;

import dev.docket.domain.JobState;
import dev.docket.usecase.port.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A queue's jobs by state, with the pending ones split into due (run-at now or past) and scheduled
 * (run-at in the future).
 *
 * @param stats the store's statistics of the queue, or null if it has no jobs
 * @param now the time that tells due from scheduled
 */
record QueueCounts(QueueStats stats, Instant now) {
  long count(JobState state) {
    return stats == null ? 0 : stats.count(state);
  }

  long due() {
    return stats == null ? 0 : stats.due();
  }

  long scheduled() {
    return count(JobState.PENDING) - due();
  }

  Optional<Instant> oldestDueAt() {
    return stats == null ? Optional.empty() : stats.oldestDueAt();
  }

  Optional<Duration> oldestDueAge() {
    return stats == null ? Optional.empty() : stats.oldestDueAge(now);
  }
}
