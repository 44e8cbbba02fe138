package dev.docket.usecase;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import java.time.Duration;

/**
 * What a running handler can know and do about its job.
 *
 * <p>Thread-safe: the cancellation signal is set from other threads while the handler runs.
 */
public interface JobContext {
  /** The job's id. */
  JobId jobId();

  /** The attempt being run, 1 for the first. */
  int attempt();

  /** The job as it was claimed. */
  Job job();

  /**
   * Whether the handler should stop: the job was cancelled, or its lease was lost and another
   * worker may take it over.
   */
  boolean isCancellationRequested();

  /**
   * Throws {@link JobCancelledException} if {@link #isCancellationRequested()}: a handler calls it
   * between steps of long work.
   */
  void throwIfCancellationRequested();

  /**
   * Keeps the lease for {@code duration} from now, for work longer than the lease. Workers hosted
   * by the runtime extend leases on their own; this is for handlers run by hand.
   *
   * @return whether the lease was still held; when not, the handler should stop
   */
  boolean extendLease(Duration duration);

  /**
   * Reports how far the handler has come, for the dashboard, the API and subscribers: a percentage
   * and a short message, such as {@code progress(40, "resizing page 12 of 30")}.
   *
   * <p>Cheap to call in a loop: the store is written at most about twice a second per job, with the
   * latest report; a report made just before the handler returns is stored before its outcome.
   * Reports of a job whose lease was lost are dropped.
   *
   * @param percent 0 to 100
   * @param message at most {@value dev.docket.domain.Progress#MAX_MESSAGE_LENGTH} characters, no
   *     control characters; may be empty
   * @throws IllegalArgumentException if either is out of bounds
   */
  void progress(int percent, String message);
}
