package dev.docket.usecase;

import dev.docket.domain.DocketException;
import dev.docket.domain.JobId;
import java.util.Objects;

/**
 * Thrown by a handler to stop a job that was asked to cancel. The job then ends cancelled, not
 * failed.
 */
public final class JobCancelledException extends DocketException {
  private static final long serialVersionUID = 1L;

  private final JobId jobId;

  /** The job {@code jobId} stopped on a cancel request. */
  public JobCancelledException(JobId jobId) {
    super("Job %s stopped because it was asked to cancel.".formatted(jobId));
    this.jobId = Objects.requireNonNull(jobId, "jobId");
  }

  /** The job that stopped. */
  public JobId jobId() {
    return jobId;
  }
}
