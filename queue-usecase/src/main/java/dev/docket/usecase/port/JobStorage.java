package dev.docket.usecase.port;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where jobs live: the port every store implements.
 *
 * <p>A store persists {@link Job} snapshots and makes the domain's transitions atomic and safe
 * under concurrency; it decides nothing itself. Time comes in with each request, so a store reads
 * no clock. Implementations are thread-safe. Failures of the underlying technology surface as
 * {@link StorageException}. The contract suite in {@code queue-testkit} pins down every rule
 * written here.
 */
public interface JobStorage {

  /**
   * Stores new jobs, all or none. Whether other readers can see part of a batch before the call
   * returns depends on the store; the PostgreSQL store shows all of it at commit.
   *
   * <p>A job whose unique key is already taken, by a stored job of any state or by an earlier job
   * of the same call, is not stored: the job holding the key is returned in its place.
   *
   * @param jobs new jobs, as made by {@link Job#submit}
   * @return for each job, in order, the job as stored, or the one that holds its unique key
   */
  List<Job> insert(List<Job> jobs);

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

  /** The job with this id. */
  Optional<Job> find(JobId id);

  /** One page of jobs matching the query, newest first. */
  JobPage list(JobQuery query);

  /**
   * Reads a job, applies {@code change} and stores the result, atomically: no other change to the
   * job happens in between. When {@code change} throws, the job stays as it was and the exception
   * reaches the caller. When it returns the same instance, nothing is written.
   *
   * @return the job after the change, or empty if there is no such job
   */
  Optional<Job> update(JobId id, UnaryOperator<Job> change);

  /**
   * Deletes one job, atomically with {@link Job#requireDeletable}: a running job stays. A deleted
   * job's unique key is free again.
   *
   * @return the job as it was before it was deleted, or empty if there is no such job
   * @throws IllegalStateException if the job is running
   */
  Optional<Job> delete(JobId id);

  /**
   * Rescues running jobs whose lease expired at {@code request.now()}, each moved with {@link
   * Job#expireLease}: back to pending for a retry, or to the dead letter.
   *
   * @return the rescued jobs as they are now
   */
  List<Job> rescueExpired(RescueRequest request);

  /**
   * Moves runnable jobs that waited too long up one priority level, each with {@link Job#ageUp}:
   * jobs pending with run-at and last change both before {@code request.waitedSince()}, below the
   * top priority. Since aging is a change, a job ages again only after it waits that long once
   * more.
   *
   * @return how many jobs moved up
   */
  int agePriorities(AgingRequest request);

  /**
   * Statistics of every queue that has at least one job.
   *
   * @param now decides which pending jobs are runnable
   */
  List<QueueStats> stats(Instant now);

  /**
   * Deletes up to {@code request.limit()} finished jobs, oldest finish first.
   *
   * @return how many were deleted
   */
  int purge(PurgeRequest request);
}
