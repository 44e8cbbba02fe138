package dev.docket.usecase.port;

import java.time.Instant;
import java.util.List;

/**
 * The audit log: every change operators make through the API, the dashboard or the CLI, kept for a
 * retention and then purged. Entries are only added and purged, never changed. Thread-safe.
 */
public interface AuditLog {
  /** The most entries one {@link #list} returns. */
  int MAX_LIMIT = 1_000;

  /**
   * Stores {@code entry} under a new id, greater than every id given before.
   *
   * @return the entry with its id
   */
  AuditEntry record(AuditEntry entry);

  /**
   * Up to {@code limit} entries whose id is below {@code before}, newest (highest id) first. Pass
   * {@link Long#MAX_VALUE} for the newest; pass the last id of a page for the next one.
   *
   * @throws IllegalArgumentException if {@code limit} is not 1 to {@value #MAX_LIMIT}
   */
  List<AuditEntry> list(int limit, long before);

  /**
   * Forgets every entry made before {@code cutoff}.
   *
   * @return how many were forgotten
   */
  int purge(Instant cutoff);

  /** Checks a limit of {@link #list}. */
  static int requireLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Audit limit %d is out of range: use 1 to %d.".formatted(limit, MAX_LIMIT));
    }
    return limit;
  }
}
