package dev.docket.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Docket keeps every time to the microsecond, the precision of PostgreSQL's {@code timestamptz}, so
 * that a job read back from any store equals the snapshot that was written.
 */
final class Times {
  private Times() {}

  static Instant micros(Instant instant) {
    return instant.getNano() % 1_000 == 0 ? instant : instant.truncatedTo(ChronoUnit.MICROS);
  }
}
