package dev.docket.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when a job is asked to do something its state does not allow, such as completing a job
 * that is still pending or cancelling a completed one.
 *
 * <p>Carries the job, the state it was in and the state the change needed or led to. The message
 * says it in words, with the states as operators see them ({@code "Job … is already cancelled."},
 * {@code "Job … has completed: only failed or cancelled jobs can be retried."}): the API, the
 * dashboard and the {@code docket} command show it as it is.
 */
public final class IllegalTransitionException extends DocketException {
  private static final long serialVersionUID = 1L;

  private final JobId jobId;
  private final JobState from;
  private final JobState to;

  private IllegalTransitionException(JobId jobId, JobState from, JobState to, String message) {
    super(message);
    this.jobId = Objects.requireNonNull(jobId);
    this.from = Objects.requireNonNull(from);
    this.to = Objects.requireNonNull(to);
  }

  /** A job in {@code from} cannot {@code action}, a verb phrase: "be claimed", "complete". */
  static IllegalTransitionException cannot(JobId jobId, JobState from, JobState to, String action) {
    return new IllegalTransitionException(
        jobId, from, to, "Job %s cannot %s: it %s.".formatted(jobId, action, stateOf(from)));
  }

  /** An operator's cancel of a job that has finished. */
  static IllegalTransitionException cancel(JobId jobId, JobState from) {
    String message =
        from == JobState.CANCELLED
            ? "Job %s is already cancelled.".formatted(jobId)
            : "Job %s %s: only pending or running jobs can be cancelled."
                .formatted(jobId, stateOf(from));
    return new IllegalTransitionException(jobId, from, JobState.CANCELLED, message);
  }

  /** An operator's retry of a job that is not failed or cancelled. */
  static IllegalTransitionException retryByHand(JobId jobId, JobState from) {
    String message =
        "Job %s %s: only failed or cancelled jobs can be retried.".formatted(jobId, stateOf(from));
    return new IllegalTransitionException(jobId, from, JobState.PENDING, message);
  }

  /** "is pending", "has completed": the state as a sentence says it. */
  static String stateOf(JobState state) {
    return switch (state) {
      case PENDING, RUNNING, CANCELLED -> "is " + word(state);
      case COMPLETED, FAILED -> "has " + word(state);
    };
  }

  /** The state's word as every user-facing text writes it: {@code pending}, {@code failed}. */
  static String word(JobState state) {
    return state.name().toLowerCase(Locale.ROOT);
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
