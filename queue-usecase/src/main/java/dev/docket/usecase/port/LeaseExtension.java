package dev.docket.usecase.port;

import dev.docket.domain.JobId;
import java.time.Instant;
import java.util.Objects;

/**
 * A worker's request to keep a running job's lease longer.
 *
 * @param jobId the job
 * @param fence the fence of the lease the worker holds
 * @param expiresAt the new expiry
 * @param at when the request is made
 */
public record LeaseExtension(JobId jobId, long fence, Instant expiresAt, Instant at) {
  /** Checks for nulls. */
  public LeaseExtension {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(at, "at");
    if (expiresAt.isAfter(at.plus(ClaimRequest.MAX_LEASE))) {
      throw new IllegalArgumentException(
          "Lease of job %s would run to %s, more than %s after %s."
              .formatted(jobId, expiresAt, ClaimRequest.MAX_LEASE, at));
    }
  }
}
