package dev.docket.usecase;

import dev.docket.domain.JobId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one bulk action did: the jobs it changed, the ones it left as they were and why, and where
 * to go on when it acted on one page of a filter's matches.
 *
 * <p>A bulk action is safe to repeat: a job already retried, cancelled or deleted is skipped with
 * its reason, never changed twice.
 *
 * @param changed the jobs changed, in the order they were acted on
 * @param skipped the jobs left as they were
 * @param nextAfterId for an action on a filter, the cursor of the next page of matches; empty when
 *     there is none, and always for an action on ids
 */
public record BulkResult(List<JobId> changed, List<Skipped> skipped, Optional<JobId> nextAfterId) {
  /** Copies the lists. */
  public BulkResult {
    changed = List.copyOf(changed);
    skipped = List.copyOf(skipped);
    Objects.requireNonNull(nextAfterId, "nextAfterId");
  }

  /**
   * A job a bulk action left as it was.
   *
   * @param id the job
   * @param reason why, in words: it is gone, already in the state asked for, or in a state the
   *     action does not apply to
   */
  public record Skipped(JobId id, String reason) {
    /** Checks both are present. */
    public Skipped {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** What a bulk action does to each job. */
  public enum Action {
    /** {@link JobClient#retry}: a failed or cancelled job runs again. */
    RETRY,
    /** {@link JobClient#cancel}: a pending job is cancelled, a running one asked to stop. */
    CANCEL,
    /** {@link JobClient#delete}: a job that is not running is deleted. */
    DELETE
  }
}
