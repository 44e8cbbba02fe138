package dev.docket.usecase.port;

import dev.docket.domain.JobId;
import java.util.Objects;

/**
 * The answer to one {@link LeaseExtension}.
 *
 * @param jobId the job
 * @param held whether the worker still held the lease, and so got it extended
 * @param cancelRequested whether someone asked the job to stop; meaningful only when held
 */
public record LeaseStatus(JobId jobId, boolean held, boolean cancelRequested) {
  /** Checks for nulls. */
  public LeaseStatus {
    Objects.requireNonNull(jobId, "jobId");
  }

  /** The status of a lease the worker no longer holds. */
  public static LeaseStatus lost(JobId jobId) {
    return new LeaseStatus(jobId, false, false);
  }
}
