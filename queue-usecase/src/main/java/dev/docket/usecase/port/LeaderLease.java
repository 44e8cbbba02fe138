package dev.docket.usecase.port;

import java.time.Duration;
import java.time.Instant;

/**
 * A named lease that at most one owner holds at a time, so that one node runs the maintenance while
 * the others stand by. An owner keeps the lease by acquiring it again before it runs out; when the
 * holder dies, the lease expires and another owner gets it. Thread-safe.
 */
public interface LeaderLease {
  /**
   * Takes or renews the lease {@code name} for {@code owner} until {@code now + ttl}.
   *
   * @return whether {@code owner} holds it now
   */
  boolean tryAcquire(String name, String owner, Instant now, Duration ttl);

  /** Gives the lease up, if {@code owner} holds it. */
  void release(String name, String owner);
}
