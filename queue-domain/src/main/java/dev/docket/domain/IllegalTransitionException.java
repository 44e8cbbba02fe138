package dev.docket.domain;

import java.util.Objects;

/**
 * Thrown when a job is asked to do something its state does not allow, such as completing a job
 * that is still pending or cancelling a completed one.
 *
 * <p>Carries the job, the state it was in and the state the change needed or led to.
 */
public final class IllegalTransitionException extends DocketException {
  private static final long serialVersionUID = 1L;

  private final JobId jobId;
  private final JobState from;
  private final JobState to;

  IllegalTransitionException(JobId jobId, JobState from, JobState to, String action) {
    super(
        "Job %s cannot %s: it is %s, and %s does not lead to %s."
            .formatted(jobId, action, from, from, to));
    this.jobId = Objects.requireNonNull(jobId);
    this.from = Objects.requireNonNull(from);
    this.to = Objects.requireNonNull(to);
  }

  /** The job that was asked to change. */
  public JobId jobId() {
    return jobId;
  }

  /** The state the job was in. */
  public JobState from() {
    return from;
  }

  /** The state the change would have led to, or needed the job to be in. */
  public JobState to() {
    return to;
  }
}
