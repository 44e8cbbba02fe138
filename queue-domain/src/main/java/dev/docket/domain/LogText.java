package dev.docket.domain;

/**
 * Makes a value that came from a job or a request safe to put into a log line.
 *
 * <p>Whoever can enqueue a job or send a request chooses some of the text Docket logs: an error
 * message, a payload's content quoted by a parser, a path. Written as it is, a line feed in it
 * would start a forged log line, and a bidirectional control would make a line display in another
 * order than it reads. {@link #escape} writes every such character as a visible {@code \\uXXXX}
 * escape instead, so one event is always one line that reads as it displays. Every log statement of
 * Docket that includes job- or request-derived text passes it through here. Stateless and
 * thread-safe.
 */
public final class LogText {
  /** The longest text kept in one logged value; the rest is cut and marked. */
  public static final int MAX_LENGTH = 2_000;

  private LogText() {}

  /**
   * The text of {@code value} ({@code "null"} for null) with control characters escaped: C0 and C1
   * controls (CR and LF among them), DEL, the line and paragraph separators, unpaired surrogates,
   * and the bidirectional controls U+061C, U+200E, U+200F, U+202A to U+202E and U+2066 to U+2069. A
   * backslash is left as it is. Longer text is cut at {@value #MAX_LENGTH} characters.
   */
  public static String escape(Object value) {
    String text = String.valueOf(value);
    int length = Math.min(text.length(), MAX_LENGTH);
    int first = 0;
    while (first < length && !mustEscape(text, first)) {
      first++;
    }
    if (first == text.length()) {
      return text; // the common case: nothing to escape, nothing to cut
    }
    var out = new StringBuilder(length + 16).append(text, 0, first);
    for (int i = first; i < length; i++) {
      char c = text.charAt(i);
      if (mustEscape(text, i)) {
        out.append("\\u").append(Character.forDigit(c >> 12 & 0xF, 16));
        out.append(Character.forDigit(c >> 8 & 0xF, 16));
        out.append(Character.forDigit(c >> 4 & 0xF, 16));
        out.append(Character.forDigit(c & 0xF, 16));
      } else {
        out.append(c);
      }
    }
    if (text.length() > MAX_LENGTH) {
      out.append("...(").append(text.length()).append(" characters)");
    }
    return out.toString();
  }

  /** Whether {@code c} is a control character in the sense of {@link #escape}. */
  public static boolean isControl(char c) {
    return Character.isISOControl(c) || isBidiControl(c) || c == '\u2028' || c == '\u2029';
  }

  /** Whether {@code c} changes the display order of the text around it. */
  public static boolean isBidiControl(char c) {
    return c == '\u061C'
        || c == '\u200E'
        || c == '\u200F'
        || (c >= '\u202A' && c <= '\u202E')
        || (c >= '\u2066' && c <= '\u2069');
  }

  private static boolean mustEscape(String text, int i) {
    char c = text.charAt(i);
    if (isControl(c)) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
