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
   * How many jobs match the query's filters (its cursor included, its page size ignored), counting
   * no further than {@code cap}: the count of a filter that matches millions costs no more than the
   * cap's. The default pages through {@link #list}; stores count in place.
   *
   * @param cap the most to count, 1 or more
   * @return the count, at most {@code cap}
   */
  default long count(JobQuery query, long cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("The cap is %d; count up to 1 or more.".formatted(cap));
    }
    long found = 0;
    JobQuery page = query.withLimit(JobQuery.MAX_LIMIT);
    // Away from the cursor: older pages after an afterId (or none), newer ones before a beforeId.
    boolean newer = query.beforeId().isPresent();
    while (true) {
      JobPage jobs = list(page);
      found += jobs.jobs().size();
      var next = newer ? jobs.previousBeforeId() : jobs.nextAfterId();
      if (found >= cap || next.isEmpty()) {
        return Math.min(found, cap);
      }
      page = newer ? page.before(next.get()) : page.after(next.get());
    }
  }

  /**
   * The jobs matching {@code query} that have an error, grouped by their last error's type, the
   * largest groups first (then by type), at most {@code limit} groups. Only the first {@code scan}
   * matches are looked at, newest first, so grouping a filter that matches millions costs no more
   * than {@code scan} rows; the counts are then of those. The default pages through {@link #list};
   * stores group in place.
   */
  default java.util.List<ErrorGroup> errorGroups(JobQuery query, int limit, long scan) {
    if (limit < 1 || scan < 1) {
      throw new IllegalArgumentException(
          "Group limit %d and scan %d must be 1 or more.".formatted(limit, scan));
    }
    var groups = new java.util.HashMap<String, long[]>();
    var newest = new java.util.HashMap<String, Job>();
    long seen = 0;
    JobQuery page = query.withLimit(JobQuery.MAX_LIMIT);
    while (seen < scan) {
      JobPage jobs = list(page);
      for (Job job : jobs.jobs()) {
        if (seen++ >= scan) {
          break;
        }
        if (job.errors().isEmpty()) {
          continue;
        }
        String type = job.errors().getLast().type();
        groups.computeIfAbsent(type, t -> new long[1])[0]++;
        newest.putIfAbsent(type, job); // pages come newest first
      }
      if (jobs.nextAfterId().isEmpty()) {
        break;
      }
      page = page.after(jobs.nextAfterId().get());
    }
    return groups.entrySet().stream()
        .map(
            e -> {
              Job job = newest.get(e.getKey());
              return new ErrorGroup(
                  e.getKey(), e.getValue()[0], job.id(), job.errors().getLast().message());
            })
        .sorted(
            java.util.Comparator.comparingLong(ErrorGroup::count)
                .reversed()
                .thenComparing(ErrorGroup::type))
        .limit(limit)
        .toList();
  }

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
