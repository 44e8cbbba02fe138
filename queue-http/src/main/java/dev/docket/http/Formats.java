package dev.docket.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How the dashboard writes numbers, durations and times for people: {@code 1,234}, {@code 200 ms},
 * {@code 4 min 10 s}, {@code 3 min ago}, and the absolute UTC time for a {@code title}. The API
 * keeps its machine forms ({@code PT0.2S}, ISO-8601 instants); only pages use these. Stateless and
 * thread-safe; the caller passes "now", so the output depends on nothing but the arguments.
 */
final class Formats {
  /** What a missing value shows as. */
  static final String NONE = "–";

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Formats() {}

  /** {@code 1234567} as {@code 1,234,567}: the same on every server, whatever its locale. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** The absolute time in UTC, to the second, or {@link #NONE}. */
  static String utc(Instant at) {
    return at == null ? NONE : UTC.format(at);
  }

  /**
   * A duration in the largest units that keep it readable: {@code 200 ms}, {@code 3.2 s}, {@code 4
   * min 10 s}, {@code 2 h 5 min}, {@code 3 d 4 h}; a unit that is zero is left out ({@code 4 min}).
   * Negative durations get a minus sign; below a millisecond is {@code < 1 ms}.
   */
  static String duration(Duration d) {
    if (d.isNegative()) {
      return "-" + duration(d.negated());
    }
    if (d.isZero()) {
      return "0 s";
    }
    long millis = d.toMillis();
    if (millis < 1) {
      return "< 1 ms";
    }
    if (millis < 1_000) {
      return millis + " ms";
    }
    // Tenths of a second, rounded, so 59.96 s is written "1 min", never "60 s".
    long tenths = (millis + 50) / 100;
    if (tenths < 600) {
      return tenths % 10 == 0 ? tenths / 10 + " s" : tenths / 10 + "." + tenths % 10 + " s";
    }
    long seconds = (millis + 500) / 1_000;
    if (seconds < 3_600) {
      return two(seconds / 60, "min", seconds % 60, "s");
    }
    long minutes = (seconds + 30) / 60;
    if (minutes < 24 * 60) {
      return two(minutes / 60, "h", minutes % 60, "min");
    }
    long hours = (minutes + 30) / 60;
    return two(hours / 24, "d", hours % 24, "h");
  }

  /** A duration in seconds, as the API reports ages, written as {@link #duration}. */
  static String seconds(double seconds) {
    return duration(Duration.ofNanos(Math.round(seconds * 1e9)));
  }

  /**
   * An ISO-8601 duration as the API writes it ({@code PT0.2S}) written as {@link #duration}; text
   * that is no such duration is returned as it is.
   */
  static String duration(String iso) {
    try {
      return duration(Duration.parse(iso));
    } catch (DateTimeParseException | NullPointerException e) {
      return String.valueOf(iso);
    }
  }

  /**
   * How long ago or how far ahead {@code at} is: {@code 3 min ago}, {@code in 5 min}, {@code now}
   * within a second. Coarser than {@link #duration}: one unit below an hour ({@code 4 min}, not
   * {@code 4 min 10 s}), as a list is read at a glance and refreshes anyway. {@link #NONE} for no
   * time.
   */
  static String relative(Instant at, Instant now) {
    if (at == null) {
      return NONE;
    }
    Duration between = Duration.between(now, at);
    Duration distance = between.abs();
    if (distance.compareTo(Duration.ofSeconds(1)) < 0) {
      return "now";
    }
    String amount = coarse(distance);
    return between.isNegative() ? amount + " ago" : "in " + amount;
  }

  private static String coarse(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + " min";
    }
    return duration(Duration.ofMinutes(seconds / 60));
  }

  private static String two(long big, String bigUnit, long small, String smallUnit) {
    return small == 0 ? big + " " + bigUnit : big + " " + bigUnit + " " + small + " " + smallUnit;
  }
}
