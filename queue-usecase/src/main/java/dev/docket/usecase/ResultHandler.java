package dev.docket.usecase;

/**
 * Runs one kind of job and returns its result: a value, typically a record, that is encoded with
 * the payload codec and kept with the completed job, for {@link JobClient#awaitResult} and anyone
 * who reads the job. Returning {@code null} completes the job without a result.
 *
 * <p>Everything {@link JobHandler} says holds here too. A result is for a summary of what the
 * handler did (a count, a URL, an id), at most {@link dev.docket.domain.Job#MAX_RESULT_LENGTH}
 * characters of JSON: a larger one, or one the codec can't write, fails the attempt for good, with
 * the reason in the job's errors, since running the handler again would only make it again.
 *
 * @param <P> the payload type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ResultHandler<P, R> {
  /**
   * Runs the job.
   *
   * @param payload the decoded payload
   * @param context the job's id, attempt, cancellation signal and progress reports
   * @return the result, or null for none
   * @throws Exception to fail the attempt
   */
  R handle(P payload, JobContext context) throws Exception;
}
