package dev.docket.domain;

import java.util.Objects;

/**
 * Thrown when a worker reports on a job whose lease it no longer holds: the lease expired and the
 * job was rescued, possibly claimed again by another worker, or the job was cancelled.
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
