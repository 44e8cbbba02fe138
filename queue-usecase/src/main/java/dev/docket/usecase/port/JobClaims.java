package dev.docket.usecase.port;

import dev.docket.domain.Job;
import dev.docket.domain.Outcome;
import java.util.List;

/**
 * The worker path: claims runnable jobs under a lease, stores the outcomes workers report and
 * extends the leases of jobs still running. The part of {@link JobStorage} that {@link
 * dev.docket.usecase.JobProcessor} needs.
 *
 * <p>Reports and lease extensions are fenced: each names the fence of the lease its job was claimed
 * under, and takes effect only while the job is still leased under that fence, so a worker that
 * lost its lease changes nothing.
 *
 * <p>Implementations are thread-safe. Arguments and results are never null. Failures of the
 * underlying technology surface as {@link StorageException}.
 */
public interface JobClaims {

  /**
   * Claims up to {@code request.limit()} runnable jobs of a queue, each moved with {@link
   * Job#claim} under {@code request.owner()} and {@code request.leaseDuration()}.
   *
   * <p>Runnable means pending with a run-at at or before {@code request.now()}. Jobs are claimed in
   * order of priority (highest first), then run-at, then id. Concurrent claims never return the
   * same job twice.
   *
   * @return the claimed jobs, in claim order
   */
  List<Job> claim(ClaimRequest request);

  /**
   * Applies the outcomes workers report, each with {@link Outcome#applyTo} and each atomically.
   *
   * <p>The store checks the fence and nothing else: outcomes come from {@link Outcome}'s factories
   * for the job as it was claimed, which only the lease holder has. An outcome that is not valid
   * for the job it fences (a retry with no attempts left) is a bug in the caller and throws {@link
   * IllegalStateException}; outcomes before it in the list may have been applied.
   *
   * @return the outcomes refused because the job is gone or no longer leased under the outcome's
   *     fence; the others took effect
   */
  List<Outcome> report(List<Outcome> outcomes);

  /**
   * Extends leases with {@link Job#extendLease}.
   *
   * @return one status per extension, in order: whether the lease was still held (and is now
   *     extended), and whether the job was asked to cancel
   */
  List<LeaseStatus> extendLeases(List<LeaseExtension> extensions);

  /**
   * Stores the progress a handler reported, with {@link dev.docket.domain.Job#reportProgress}, if
   * the job is still leased under the report's fence.
   *
   * @return whether it took effect: false if the job is gone or no longer leased under the fence
   */
  boolean reportProgress(ProgressReport report);
}
