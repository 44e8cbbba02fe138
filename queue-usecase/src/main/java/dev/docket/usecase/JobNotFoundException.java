package dev.docket.usecase;

import dev.docket.domain.DocketException;
import dev.docket.domain.JobId;
import java.util.Objects;

/** There is no job with the id asked for: it never existed, or it was purged. */
public final class JobNotFoundException extends DocketException {
  private static final long serialVersionUID = 1L;

  private final JobId jobId;

  /** No job has the id {@code jobId}. */
  public JobNotFoundException(JobId jobId) {
    super("There is no job %s: it never existed, or it was purged.".formatted(jobId));
    this.jobId = Objects.requireNonNull(jobId, "jobId");
  }

  /** The id asked for. */
  public JobId jobId() {
    return jobId;
  }
}
