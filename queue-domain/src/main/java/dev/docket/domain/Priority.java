package dev.docket.domain;

/**
 * How urgent a job is, from 0 (lowest) to 100 (highest). Among runnable jobs of a queue, a higher
 * priority runs first.
 *
 * @param value 0 to 100
 */
public record Priority(int value) implements Comparable<Priority> {
  /** The lowest priority, 0. */
  public static final Priority LOW = new Priority(0);

  /** The default priority, 50. */
  public static final Priority NORMAL = new Priority(50);

  /** A raised priority, 75. */
  public static final Priority HIGH = new Priority(75);

  /** The highest priority, 100. */
  public static final Priority URGENT = new Priority(100);

  /** The smallest value a priority can have. */
  public static final int MIN_VALUE = 0;

  /** The largest value a priority can have. */
  public static final int MAX_VALUE = 100;

  /** Validates the range. */
  public Priority {
    if (value < MIN_VALUE || value > MAX_VALUE) {
      throw new IllegalArgumentException(
          "Priority %d is out of range: use %d to %d.".formatted(value, MIN_VALUE, MAX_VALUE));
    }
  }

  /** The priority with this value. */
  public static Priority of(int value) {
    return new Priority(value);
  }

  /** This priority raised by {@code steps}, stopping at {@link #MAX_VALUE}. */
  public Priority raisedBy(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("Steps %d must not be negative.".formatted(steps));
    }
    return new Priority((int) Math.min(MAX_VALUE, (long) value + steps));
  }

  /**
   * The next named level above this priority: below {@link #NORMAL} to NORMAL, below {@link #HIGH}
   * to HIGH, below {@link #URGENT} to URGENT; URGENT stays.
   */
  public Priority nextLevel() {
    if (value < NORMAL.value) {
      return NORMAL;
    }
    if (value < HIGH.value) {
      return HIGH;
    }
    return URGENT;
  }

  /** Orders by value: a higher priority compares greater. */
  @Override
  public int compareTo(Priority other) {
    return Integer.compare(value, other.value);
  }
}
