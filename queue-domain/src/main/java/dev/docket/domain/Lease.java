package dev.docket.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's hold on a running job.
 *
 * <p>The fence is the job's version at the moment it was claimed. Versions only grow, so every
 * claim gets a fence no earlier claim had; a worker reports its outcome with its fence, and a
 * report under an old fence is refused. The fence stays the same when the lease is extended.
 *
 * <p>The start is when the worker took the job, which began the current attempt: operators read how
 * long a job has been running from it. It stays the same when the lease is extended.
 *
 * @param owner the worker that holds the lease, for operators; never blank
 * @param fence the token that proves the holder's claim
 * @param expiresAt when the job may be rescued if the lease is not extended
 * @param startedAt when the worker took the job: the start of the current attempt
 */
public record Lease(String owner, long fence, Instant expiresAt, Instant startedAt) {
  /** The longest an owner name may be. */
  public static final int MAX_OWNER_LENGTH = 200;

  /** Validates the lease. */
  public Lease {
    Objects.requireNonNull(owner, "owner");
    expiresAt = Times.micros(Objects.requireNonNull(expiresAt, "expiresAt"));
    startedAt = Times.micros(Objects.requireNonNull(startedAt, "startedAt"));
    if (owner.isBlank() || owner.length() > MAX_OWNER_LENGTH || hasControlCharacter(owner)) {
      throw new IllegalArgumentException(
          "Lease owner %s is invalid: use 1 to %d characters, none of them control characters."
              .formatted(Names.quote(owner), MAX_OWNER_LENGTH));
    }
  }

  // A loop, not a stream: every claim makes a lease, and this check was a visible part of it.
  private static boolean hasControlCharacter(String owner) {
    for (int i = 0; i < owner.length(); i++) {
      if (Character.isISOControl(owner.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the lease has run out at {@code now}. */
  public boolean isExpiredAt(Instant now) {
    return !expiresAt.isAfter(now);
  }
}
