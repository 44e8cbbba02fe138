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

  /**
   * The level named {@code name} in any case: {@code LOW}, {@code NORMAL}, {@code HIGH} or {@code
   * URGENT}; empty for any other text.
   */
  public static java.util.Optional<Priority> ofName(String name) {
    java.util.Objects.requireNonNull(name, "name");
    return java.util.Optional.ofNullable(
        switch (name.toUpperCase(java.util.Locale.ROOT)) {
          case "LOW" -> LOW;
          case "NORMAL" -> NORMAL;
          case "HIGH" -> HIGH;
          case "URGENT" -> URGENT;
          default -> null;
        });
  }

  /**
   * The priority {@code text} gives, as people type it: a level's name in any case ({@code high}),
   * or a whole number from {@value #MIN_VALUE} to {@value #MAX_VALUE}.
   *
   * @throws IllegalArgumentException naming the text, if it is neither
   */
  public static Priority parse(String text) {
    var named = ofName(text);
    if (named.isPresent()) {
      return named.get();
    }
    if (text.matches("[+-]?[0-9]{1,9}")) {
      return new Priority(Integer.parseInt(text));
    }
    throw new IllegalArgumentException(
        "Priority %s is not a whole number from %d to %d, or LOW, NORMAL, HIGH or URGENT."
            .formatted(Names.quote(text), MIN_VALUE, MAX_VALUE));
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
