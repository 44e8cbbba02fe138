package dev.docket.domain;

import java.util.Objects;

/**
 * Thrown when a worker reports on a running job under a fence that is not the job's current one:
 * the lease expired, the job was rescued and claimed again. (A report on a job that is no longer
 * running at all throws {@link IllegalTransitionException}.)
 *
 * <p>This is how Docket fences out a stale worker: its late outcome is refused, so it cannot
 * overwrite what the current run decides.
 */
public final class LeaseLostException extends DocketException {
  private static final long serialVersionUID = 1L;

  private final JobId jobId;
  private final long fence;

  LeaseLostException(JobId jobId, long fence, String current) {
    super(
        "Job %s is no longer leased under fence %d (it is %s), so this worker's outcome is ignored."
            .formatted(jobId, fence, current));
    this.jobId = Objects.requireNonNull(jobId);
    this.fence = fence;
  }

  /** The job the stale worker reported on. */
  public JobId jobId() {
    return jobId;
  }

  /** The fence token the stale worker presented. */
  public long fence() {
    return fence;
  }
}
