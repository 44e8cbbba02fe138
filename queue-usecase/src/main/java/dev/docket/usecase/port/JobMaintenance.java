package dev.docket.usecase.port;

import dev.docket.domain.Job;
import java.util.List;

/**
 * Housekeeping in bounded batches: rescuing jobs whose worker died, aging jobs that waited too
 * long, and purging finished jobs. The part of {@link JobStorage} that {@link
 * dev.docket.usecase.Maintenance} needs.
 *
 * <p>Implementations are thread-safe. Arguments and results are never null. Failures of the
 * underlying technology surface as {@link StorageException}.
 */
public interface JobMaintenance {

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
   * Deletes up to {@code request.limit()} finished jobs, oldest finish first.
   *
   * @return how many were deleted
   */
  int purge(PurgeRequest request);
}
