package dev.docket.domain;

import java.util.Objects;

/**
 * The rules for the names a job carries: queues, kinds and tags, and for unique keys.
 *
 * <p>Names use a small safe alphabet so that they can appear in URLs, metric labels, logs and
 * LISTEN channels without quoting. Every check names the bad value in its message. Stateless and
 * thread-safe.
 */
public final class Names {
  /** The longest queue name. */
  public static final int MAX_QUEUE_LENGTH = 64;

  /** The longest kind. */
  public static final int MAX_KIND_LENGTH = 128;

  /** The longest tag. */
  public static final int MAX_TAG_LENGTH = 64;

  /** The longest unique key. */
  public static final int MAX_UNIQUE_KEY_LENGTH = 255;

  // The characters allowed after the first, which must be a letter or digit. Checked by a loop
  // rather than a regular expression: every submitted job checks two names, and the regex was
  // a tenth of a bulk enqueue in memory.
  private static final String QUEUE = "_.:-";
  private static final String KIND = QUEUE;
  private static final String TAG = "_.:=/-";
  private static final int MAX_QUOTED = 80;

  private Names() {}

  /**
   * Checks a queue name: 1 to {@value #MAX_QUEUE_LENGTH} letters, digits, {@code _ - . :}, starting
   * with a letter or digit.
   *
   * @return the name
   * @throws IllegalArgumentException naming the value, if it breaks the rule
   */
  public static String requireQueue(String queue) {
    return require(
        "Queue name", queue, QUEUE, MAX_QUEUE_LENGTH, "letters, digits, '_', '-', '.', ':'");
  }

  /**
   * Checks a kind, the name a handler is registered under: 1 to {@value #MAX_KIND_LENGTH} letters,
   * digits, {@code _ - . :}, starting with a letter or digit.
   *
   * @return the kind
   * @throws IllegalArgumentException naming the value, if it breaks the rule
   */
  public static String requireKind(String kind) {
    return require("Kind", kind, KIND, MAX_KIND_LENGTH, "letters, digits, '_', '-', '.', ':'");
  }

  /**
   * Checks a tag: 1 to {@value #MAX_TAG_LENGTH} letters, digits, {@code _ - . : = /}, starting with
   * a letter or digit.
   *
   * @return the tag
   * @throws IllegalArgumentException naming the value, if it breaks the rule
   */
  public static String requireTag(String tag) {
    return require(
        "Tag", tag, TAG, MAX_TAG_LENGTH, "letters, digits, '_', '-', '.', ':', '=', '/'");
  }

  /**
   * Checks a unique key: 1 to {@value #MAX_UNIQUE_KEY_LENGTH} characters with no control characters
   * (C0, C1, the line and paragraph separators) and no bidirectional controls, which would make a
   * key display as another. Any other text is allowed, because keys are often built from user data.
   * See {@link LogText#isControl}.
   *
   * @return the key
   * @throws IllegalArgumentException naming the value, if it breaks the rule
   */
  public static String requireUniqueKey(String key) {
    Objects.requireNonNull(key, "unique key");
    if (key.isEmpty() || key.length() > MAX_UNIQUE_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "Unique key %s is invalid: use 1 to %d characters."
              .formatted(quote(key), MAX_UNIQUE_KEY_LENGTH));
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (LogText.isBidiControl(c)) {
        throw new IllegalArgumentException(
            "Unique key %s is invalid: it contains a bidirectional control character (U+%04X) at index %d, which would change how the key displays."
                .formatted(quote(key), (int) c, i));
      }
      if (LogText.isControl(c) || (Character.isSurrogate(c) && !isPairedSurrogate(key, i))) {
        throw new IllegalArgumentException(
            "Unique key %s is invalid: it contains a control character or a broken surrogate at index %d."
                .formatted(quote(key), i));
      }
    }
    return key;
  }

  /**
   * Quotes a value for an error message: in single quotes, control and bidirectional characters
   * escaped as {@link LogText#escape} does, cut to a readable length.
   */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    var out = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 8).append('\'');
    for (int i = 0; i < value.length() && i < MAX_QUOTED; i++) {
      char c = value.charAt(i);
      if (LogText.isControl(c) || Character.isSurrogate(c)) {
        out.append("\\u%04x".formatted((int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > MAX_QUOTED) {
      out.append("...");
    }
    return out.append('\'').toString();
  }

  private static String require(
      String what, String value, String punctuation, int maxLength, String alphabet) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.length() > maxLength || !matches(value, punctuation)) {
      throw new IllegalArgumentException(
          "%s %s is invalid: use 1 to %d of %s, starting with a letter or digit."
              .formatted(what, quote(value), maxLength, alphabet));
    }
    return value;
  }

  private static boolean matches(String value, String punctuation) {
    if (!isAsciiLetterOrDigit(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAsciiLetterOrDigit(c) && punctuation.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isPairedSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
