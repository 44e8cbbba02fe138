package dev.docket.usecase.port;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a {@link JobQuery}'s results.
 *
 * @param jobs the jobs, newest first
 * @param nextAfterId the cursor for the next page, empty on the last page
 */
public record JobPage(List<Job> jobs, Optional<JobId> nextAfterId) {
  /** Copies the list. */
  public JobPage {
    jobs = List.copyOf(jobs);
    Objects.requireNonNull(nextAfterId, "nextAfterId");
  }
}
