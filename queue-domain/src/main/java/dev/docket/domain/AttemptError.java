package dev.docket.domain;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Objects;

/**
 * Why one attempt of a job failed.
 *
 * <p>Messages and stack traces are trimmed so that a job that fails many times with a deep stack
 * does not grow without bound.
 *
 * @param attempt the attempt that failed, from 1
 * @param at when it failed
 * @param type the exception's class name, or a Docket reason such as {@code LeaseExpired}
 * @param message what went wrong, at most {@link #MAX_MESSAGE_LENGTH} characters, may be empty
 * @param stackTrace the trimmed stack trace, at most {@link #MAX_STACK_TRACE_LENGTH} characters,
 *     may be empty
 */
public record AttemptError(
    int attempt, Instant at, String type, String message, String stackTrace) {
  /** The longest message kept. */
  public static final int MAX_MESSAGE_LENGTH = 2_000;

  /** The longest stack trace kept. */
  public static final int MAX_STACK_TRACE_LENGTH = 8_000;

  /** The longest type kept. */
  public static final int MAX_TYPE_LENGTH = 300;

  /** Validates and trims. */
  public AttemptError {
    if (attempt < 1) {
      throw new IllegalArgumentException(
          "Attempt %d is out of range: attempts count from 1.".formatted(attempt));
    }
    at = Times.micros(Objects.requireNonNull(at, "at"));
    type = trim(storable(Objects.requireNonNull(type, "type")), MAX_TYPE_LENGTH);
    message = trim(storable(message == null ? "" : message), MAX_MESSAGE_LENGTH);
    stackTrace = trim(storable(stackTrace == null ? "" : stackTrace), MAX_STACK_TRACE_LENGTH);
    if (type.isBlank()) {
      throw new IllegalArgumentException("An attempt error needs a type.");
    }
  }

  /** The error of {@code attempt}, taken from what the handler threw. */
  public static AttemptError of(int attempt, Instant at, Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    // An exception's own code runs here (getMessage, printStackTrace): if it fails too, the
    // attempt's error still gets recorded, with a note instead of the text.
    String message;
    try {
      message = failure.getMessage();
    } catch (RuntimeException | Error e) {
      message = "(its message could not be read: " + e.getClass().getName() + ")";
    }
    String stackTrace;
    try {
      var trace = new StringWriter();
      failure.printStackTrace(new PrintWriter(trace));
      stackTrace = trace.toString();
    } catch (RuntimeException | Error e) {
      stackTrace = "(its stack trace could not be printed: " + e.getClass().getName() + ")";
    }
    return new AttemptError(attempt, at, failure.getClass().getName(), message, stackTrace);
  }

  /** An error that Docket itself decided, such as an expired lease or an unknown kind. */
  public static AttemptError reason(int attempt, Instant at, String type, String message) {
    return new AttemptError(attempt, at, type, message, "");
  }

  /**
   * A handler's exception message can hold anything, but no store can hold a NUL or half a
   * surrogate pair: those become U+FFFD rather than failing the report of the attempt.
   */
  private static String storable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
              : Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(text.charAt(i - 1));
      boolean bad = c == '\0' || (Character.isSurrogate(c) && !paired);
      if (bad && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
      }
    }
    return out == null ? text : out.toString();
  }

  private static String trim(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    // Keep the head, where the exception and its first frames are, and say that the rest was cut.
    String marker = "\n... (" + (text.length() - max) + " more characters trimmed)";
    int keep = max - marker.length();
    if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
      keep--;
    }
    return text.substring(0, Math.max(0, keep)) + marker;
  }
}
