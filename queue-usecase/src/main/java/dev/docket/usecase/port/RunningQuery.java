package dev.docket.usecase.port;

import dev.docket.domain.Lease;
import dev.docket.domain.Names;
import java.util.Objects;
import java.util.Set;

/**
 * Which running jobs to read: those whose lease one of {@code owners} holds, at most {@code limit}
 * per owner. Operators read them to see what each node runs now; a node's name is the owner its
 * leases carry.
 *
 * @param owners the lease owners, 0 to {@value #MAX_OWNERS} of them, each a valid owner name
 * @param limit the most jobs per owner, 1 to {@value #MAX_LIMIT}
 */
public record RunningQuery(Set<String> owners, int limit) {
  /** The most owners one query may name. */
  public static final int MAX_OWNERS = 1_000;

  /** The most jobs one query may return per owner. */
  public static final int MAX_LIMIT = 1_000;

  /** Validates and copies the owners. */
  public RunningQuery {
    owners = Set.copyOf(Objects.requireNonNull(owners, "owners"));
    if (owners.size() > MAX_OWNERS) {
      throw new IllegalArgumentException(
          "The query names %d owners; name at most %d.".formatted(owners.size(), MAX_OWNERS));
    }
    for (String owner : owners) {
      if (owner.isBlank()
          || owner.length() > Lease.MAX_OWNER_LENGTH
          || owner.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "Owner %s is invalid: use 1 to %d characters, none of them control characters."
                .formatted(Names.quote(owner), Lease.MAX_OWNER_LENGTH));
      }
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Limit %d per owner is out of range: use 1 to %d.".formatted(limit, MAX_LIMIT));
    }
  }
}
