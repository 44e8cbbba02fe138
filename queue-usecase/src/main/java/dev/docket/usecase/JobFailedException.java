package dev.docket.usecase;

import dev.docket.domain.DocketException;
import dev.docket.domain.Job;
import java.util.Objects;

/**
 * An awaited job ended without completing: it went to the dead letter or was cancelled. The job
 * tells which, and its errors say why.
 */
public final class JobFailedException extends DocketException {
  private static final long serialVersionUID = 1L;

  private final transient Job job;

  /** An exception for {@code job}, which ended failed or cancelled. */
  public JobFailedException(Job job) {
    super(
        "Job %s ended %s after %d attempt(s)%s."
            .formatted(
                Objects.requireNonNull(job, "job").id(),
                job.state().name().toLowerCase(java.util.Locale.ROOT),
                job.attempt(),
                job.errors().isEmpty()
                    ? ""
                    : ": " + job.errors().get(job.errors().size() - 1).message()));
    this.job = job;
  }

  /** The job as it ended. */
  public Job job() {
    return job;
  }
}
