package dev.docket.usecase.port;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a {@link JobQuery}'s results.
 *
 * @param jobs the jobs, newest first
 * @param nextAfterId the cursor for the next page, of older jobs: empty on the last page
 * @param previousBeforeId the cursor for the previous page, of newer jobs: empty on the first page.
 *     A page read forward ({@link JobQuery#afterId()}) offers it whenever it came after another and
 *     holds jobs, so after deletions the page it leads to may be empty.
 */
public record JobPage(
    List<Job> jobs, Optional<JobId> nextAfterId, Optional<JobId> previousBeforeId) {
  /** Copies the list. */
  public JobPage {
    jobs = List.copyOf(jobs);
    Objects.requireNonNull(nextAfterId, "nextAfterId");
    Objects.requireNonNull(previousBeforeId, "previousBeforeId");
  }

  /** A page with no previous one. */
  public JobPage(List<Job> jobs, Optional<JobId> nextAfterId) {
    this(jobs, nextAfterId, Optional.empty());
  }

  /**
   * The page a store read for {@code query}, with both cursors: what every store does once it has
   * read up to {@code query.limit() + 1} matches in the query's direction. That is newest first
   * (the usual case, ids descending), or, for a query with {@link JobQuery#beforeId()}, oldest
   * first from just after that id (ids ascending); the extra match tells whether more lie beyond.
   *
   * @param read the matches in reading order, at most the limit plus one
   */
  public static JobPage of(JobQuery query, List<Job> read) {
    int limit = query.limit();
    boolean more = read.size() > limit;
    List<Job> page = new ArrayList<>(more ? read.subList(0, limit) : read);
    if (query.beforeId().isEmpty()) {
      return new JobPage(
          page,
          more ? Optional.of(page.getLast().id()) : Optional.empty(),
          query.afterId().isPresent() && !page.isEmpty()
              ? Optional.of(page.getFirst().id())
              : Optional.empty());
    }
    Collections.reverse(page);
    // Read backwards from beforeId: that job, or older ones, follow this page.
    return new JobPage(
        page,
        page.isEmpty() ? Optional.empty() : Optional.of(page.getLast().id()),
        more ? Optional.of(page.getFirst().id()) : Optional.empty());
  }
}
