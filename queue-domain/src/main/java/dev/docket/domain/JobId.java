package dev.docket.domain;

import java.util.Objects;
import java.util.UUID;

/**
 * A job's identity: a UUID, in practice a version 7 UUID whose leading bits are the creation time,
 * so that ids sort roughly by age.
 *
 * <p>Ids compare as unsigned 128-bit numbers, which is the order PostgreSQL gives {@code uuid}
 * values too.
 *
 * @param value the UUID, never null
 */
public record JobId(UUID value) implements Comparable<JobId> {

  /** Validates the id. */
  public JobId {
    Objects.requireNonNull(value, "value");
  }

  /** Wraps a UUID. */
  public static JobId of(UUID value) {
    return new JobId(value);
  }

  /**
   * Parses the textual form of a UUID.
   *
   * @throws IllegalArgumentException if {@code text} is not a UUID
   */
  public static JobId parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.length() != 36) {
      throw new IllegalArgumentException(
          "Job id %s is not a UUID (expected 36 characters like 0190a1b2-...)."
              .formatted(Names.quote(text)));
    }
    try {
      return new JobId(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Job id %s is not a UUID.".formatted(Names.quote(text)), e);
    }
  }

  @Override
  public int compareTo(JobId other) {
    int high =
        Long.compareUnsigned(value.getMostSignificantBits(), other.value.getMostSignificantBits());
    return high != 0
        ? high
        : Long.compareUnsigned(
            value.getLeastSignificantBits(), other.value.getLeastSignificantBits());
  }

  // Written out rather than generated: ids are hash keys on every claim and report, and the
  // generated methods of a record go through a method handle.
  @Override
  public boolean equals(Object o) {
    return o instanceof JobId other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
