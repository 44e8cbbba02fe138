package dev.docket.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * How far a running job's handler says it has come: a percentage and a short message for people,
 * such as {@code 40, "resizing page 12 of 30"}.
 *
 * <p>A new attempt starts without progress; a finished job keeps the last progress its handler
 * reported, so an operator can see where a failed job stopped.
 *
 * @param percent 0 to 100
 * @param message at most {@value #MAX_MESSAGE_LENGTH} characters, no control characters; may be
 *     empty
 * @param at when the handler reported it, to the microsecond
 */
public record Progress(int percent, String message, Instant at) {
  /** The longest a progress message may be, in characters. */
  public static final int MAX_MESSAGE_LENGTH = 200;

  /** Validates the values. */
  public Progress {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("Progress %d%% is outside 0 to 100.".formatted(percent));
    }
    Objects.requireNonNull(message, "message");
    if (message.length() > MAX_MESSAGE_LENGTH
        || message.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "Progress message %s is invalid: use at most %d characters, none of them control characters."
              .formatted(Names.quote(message), MAX_MESSAGE_LENGTH));
    }
    at = Times.micros(Objects.requireNonNull(at, "at"));
  }
}
