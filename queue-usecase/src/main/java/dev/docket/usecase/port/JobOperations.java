package dev.docket.usecase.port;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What operators do with stored jobs: find and list them, change one (cancel, retry), delete one,
 * count them per queue, and see which jobs each node runs. The part of {@link JobStorage} that
 * {@link dev.docket.usecase.JobClient} manages jobs through.
 *
 * <p>Implementations are thread-safe. Arguments and results are never null. Failures of the
 * underlying technology surface as {@link StorageException}.
 */
public interface JobOperations {

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
   * The running jobs whose lease one of the query's owners holds, at most the query's limit per
   * owner: grouped by owner, the owners sorted by name as {@link String#compareTo} sorts them, and
   * each owner's longest-running first (earliest {@link dev.docket.domain.Lease#startedAt()}, then
   * lowest id). Reads only running jobs, so it costs what they number, not what the store holds.
   */
  List<Job> running(RunningQuery query);

  /**
   * Statistics of every queue that has at least one job.
   *
   * @param now decides which pending jobs are runnable
   */
  List<QueueStats> stats(Instant now);
}
