package dev.docket.usecase.port;

import dev.docket.domain.JobId;
import dev.docket.domain.Progress;
import java.util.Objects;

/**
 * A worker's report of how far its handler has come, applied with {@link
 * dev.docket.domain.Job#reportProgress} while the job is still leased under {@code fence}.
 *
 * @param jobId the job
 * @param fence the fence of the worker's lease
 * @param progress the progress
 */
public record ProgressReport(JobId jobId, long fence, Progress progress) {
  /** Checks for nulls. */
  public ProgressReport {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(progress, "progress");
  }
}
