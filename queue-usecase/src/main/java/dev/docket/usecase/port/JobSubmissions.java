package dev.docket.usecase.port;

import dev.docket.domain.Job;
import java.util.List;

/**
 * Stores new jobs: the part of {@link JobStorage} that submitting needs, as {@link
 * dev.docket.usecase.JobClient} does.
 *
 * <p>Implementations are thread-safe. Arguments and results are never null. Failures of the
 * underlying technology surface as {@link StorageException}.
 */
public interface JobSubmissions {

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
   * Stores one new job and, in the same atomic step, claims it under {@code claim} if a claim made
   * at that moment would take it first. That holds when the job is runnable at {@code claim.now()},
   * is of the claim's queue and one of its kinds, has no unique key, its queue is not paused, and
   * no other runnable job of the queue that the claim accepts has the job's priority or a higher
   * one. The job is then stored already claimed, as {@link Job#claim} makes it under the claim's
   * owner and lease duration; otherwise it is stored as {@link #insert} stores it.
   *
   * <p>A node submitting a job while one of its own handlers is idle uses this to start the job
   * without a claim's round trip; the job is leased and fenced like any claimed job. The claim's
   * limit plays no part. A store that can't make the check and the insert one atomic step may
   * always store the job unclaimed, as this default does: that is slower, never wrong.
   *
   * @param job a new job, as made by {@link Job#submit}
   * @param claim the claim to take it under
   * @return the job as stored: claimed (running under {@code claim}'s owner) or as {@link #insert}
   *     returns it
   */
  default Job insertClaimed(Job job, ClaimRequest claim) {
    return insert(List.of(job)).get(0);
  }
}
