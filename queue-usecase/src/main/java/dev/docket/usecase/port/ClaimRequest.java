package dev.docket.usecase.port;

import dev.docket.domain.Lease;
import dev.docket.domain.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A worker's request for runnable jobs of one queue.
 *
 * @param queue the queue to claim from
 * @param limit the most jobs to claim, 1 to {@link #MAX_LIMIT}
 * @param owner who claims, recorded in each lease
 * @param leaseDuration how long each lease lasts unless extended
 * @param now the time of the claim: a job is runnable when its run-at is at or before it
 * @param kinds the kinds the claimer can run: jobs of other kinds are left for other claimers,
 *     untouched, and use up no attempt; {@link #ANY_KIND} (the empty set) takes every kind
 */
public record ClaimRequest(
    String queue, int limit, String owner, Duration leaseDuration, Instant now, Set<String> kinds) {
  /** No restriction by kind: the claim takes jobs of every kind. */
  public static final Set<String> ANY_KIND = Set.of();

  /** The most kinds one claim may name. */
  public static final int MAX_KINDS = 1_000;

  /** The most jobs one claim may take. */
  public static final int MAX_LIMIT = 1_000;

  /** The longest lease a claim may ask for: 24 hours. */
  public static final Duration MAX_LEASE = Duration.ofHours(24);

  /** Validates the request. */
  public ClaimRequest {
    Names.requireQueue(queue);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Claim limit %d is out of range: use 1 to %d.".formatted(limit, MAX_LIMIT));
    }
    Objects.requireNonNull(owner, "owner");
    if (owner.isBlank() || owner.length() > Lease.MAX_OWNER_LENGTH) {
      throw new IllegalArgumentException(
          "Owner %s is invalid: use 1 to %d characters."
              .formatted(Names.quote(owner), Lease.MAX_OWNER_LENGTH));
    }
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    if (leaseDuration.isNegative()
        || leaseDuration.isZero()
        || leaseDuration.compareTo(MAX_LEASE) > 0) {
      throw new IllegalArgumentException(
          "Lease duration %s is out of range: use more than 0 and at most %s."
              .formatted(leaseDuration, MAX_LEASE));
    }
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(kinds, "kinds");
    if (kinds.size() > MAX_KINDS) {
      throw new IllegalArgumentException(
          "A claim names %d kinds: use at most %d.".formatted(kinds.size(), MAX_KINDS));
    }
    kinds.forEach(Names::requireKind);
    kinds = Set.copyOf(kinds);
  }

  /** A request for jobs of every kind. */
  public ClaimRequest(String queue, int limit, String owner, Duration leaseDuration, Instant now) {
    this(queue, limit, owner, leaseDuration, now, ANY_KIND);
  }

  /** Whether this claim may take a job of {@code kind}. */
  public boolean accepts(String kind) {
    return kinds.isEmpty() || kinds.contains(kind);
  }
}
