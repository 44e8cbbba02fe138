package dev.docket.store.memory;

import dev.docket.usecase.port.LeaderLease;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** Leases in a concurrent map; taking one is one atomic compute. */
final class InMemoryLeaderLease implements LeaderLease {
  private record Held(String owner, Instant expiresAt) {}

  private final ConcurrentHashMap<String, Held> leases = new ConcurrentHashMap<>();

  @Override
  public boolean tryAcquire(String name, String owner, Instant now, Duration ttl) {
    Objects.requireNonNull(owner, "owner");
    Held held =
        leases.compute(
            Objects.requireNonNull(name, "name"),
            (n, current) ->
                current == null
                        || current.owner().equals(owner)
                        || !current.expiresAt().isAfter(now)
                    ? new Held(owner, now.plus(ttl))
                    : current);
    return held.owner().equals(owner);
  }

  @Override
  public void release(String name, String owner) {
    leases.computeIfPresent(name, (n, current) -> current.owner().equals(owner) ? null : current);
  }
}
