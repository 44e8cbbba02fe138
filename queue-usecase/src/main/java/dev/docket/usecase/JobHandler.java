package dev.docket.usecase;

/**
 * Runs one kind of job.
 *
 * <p>Returning normally completes the job. Throwing fails the attempt: the job is retried after its
 * backoff while it has attempts left, and goes to the dead letter after that; throw {@link
 * NonRetryableException} to skip the retries. A handler that sees {@link
 * JobContext#isCancellationRequested()} should stop, for example with {@link
 * JobContext#throwIfCancellationRequested()}.
 *
 * <p>Jobs are delivered at least once: after a crash a job may run again, so a handler should be
 * safe to repeat. One handler instance runs many jobs at once, on several threads.
 *
 * @param <P> the payload type
 */
@FunctionalInterface
public interface JobHandler<P> {
  /**
   * Runs the job.
   *
   * @param payload the decoded payload
   * @param context the job's id, attempt and cancellation signal
   * @throws Exception to fail the attempt
   */
  void handle(P payload, JobContext context) throws Exception;
}
