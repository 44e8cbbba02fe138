package dev.docket.usecase.port;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON containment as PostgreSQL's {@code jsonb @>} decides it, for a store that holds payloads as
 * text (the memory store) and for validating a payload filter before any store sees it.
 *
 * <p>A small parser of its own, not Jackson: the port depends on the JDK and the domain only, and
 * both stores must agree on what a filter means. Parsed values are {@code Map} (an object; of
 * duplicate keys the last wins, as in {@code jsonb}), {@code List}, {@code String}, {@code
 * BigDecimal} (numbers compare by value: {@code 1.0} equals {@code 1}), {@code Boolean} and {@link
 * #NULL}. Containment: an object contains an object whose every key it has with a value that
 * contains that key's value; an array contains an array each of whose elements one of its own
 * elements contains; scalars contain only an equal scalar. Stateless and thread-safe.
 */
final class JsonContainment {

  /** The JSON {@code null}: a value of its own, since maps and lists here hold no Java null. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** How deep a value may nest; deeper text is refused rather than risking the stack. */
  static final int MAX_DEPTH = 256;

  // PostgreSQL's numeric, which jsonb numbers are: up to 131072 digits before the point and 16383
  // after. A filter beyond that would fail in PostgreSQL, so every store refuses it.
  private static final int MAX_INTEGER_DIGITS = 131_072;
  private static final int MAX_FRACTION_DIGITS = 16_383;

  private JsonContainment() {}

  /**
   * Parses a payload filter: a JSON object or array that PostgreSQL's {@code jsonb} can hold.
   *
   * @throws IllegalArgumentException naming what is wrong and where
   */
  static Object parseFilter(String text) {
    Object value = new Parser(text, true).document();
    if (!(value instanceof Map<?, ?>) && !(value instanceof List<?>)) {
      throw new IllegalArgumentException(
          "The payload filter is a JSON %s; use an object such as {\"customer\": 42} or an array."
              .formatted(value instanceof String ? "string" : "scalar"));
    }
    return value;
  }

  /**
   * Parses a stored payload leniently (what PostgreSQL's {@code json} column accepts).
   *
   * @return the value, or null if the text is not JSON, in which case it contains nothing
   */
  static Object parsePayload(String text) {
    try {
      return new Parser(text, false).document();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether the document (a stored payload) contains the filter, as {@code jsonb @>} decides. */
  static boolean contains(Object document, Object filter) {
    if (document instanceof Map<?, ?> doc && filter instanceof Map<?, ?> pattern) {
      for (Map.Entry<?, ?> entry : pattern.entrySet()) {
        Object value = doc.get(entry.getKey());
        if (value == null || !contains(value, entry.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (document instanceof List<?> doc && filter instanceof List<?> pattern) {
      for (Object wanted : pattern) {
        boolean found = false;
        for (Object element : doc) {
          if (contains(element, wanted)) {
            found = true;
            break;
          }
        }
        if (!found) {
          return false;
        }
      }
      return true;
    }
    if (document instanceof BigDecimal a && filter instanceof BigDecimal b) {
      return a.compareTo(b) == 0;
    }
    // Strings, booleans, null; an object never contains an array, nor a scalar a container.
    return !(document instanceof Map<?, ?>)
        && !(document instanceof List<?>)
        && document.equals(filter);
  }

  /** A recursive-descent parser of RFC 8259 JSON. */
  private static final class Parser {
    private final String text;
    private final boolean strict;
    private int at;

    Parser(String text, boolean strict) {
      this.text = text;
      this.strict = strict;
    }

    Object document() {
      skipSpace();
      Object value = value(0);
      skipSpace();
      if (at < text.length()) {
        throw error("unexpected text after the JSON value");
      }
      return value;
    }

    private Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("it nests deeper than " + MAX_DEPTH + " levels");
      }
      if (at >= text.length()) {
        throw error("it ends where a value should be");
      }
      char c = text.charAt(at);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", NULL);
        default -> {
          if (c == '-' || (c >= '0' && c <= '9')) {
            yield number();
          }
          throw error("unexpected character " + describe(c));
        }
      };
    }

    private Map<String, Object> object(int depth) {
      at++; // {
      var map = new LinkedHashMap<String, Object>();
      skipSpace();
      if (peek() == '}') {
        at++;
        return map;
      }
      while (true) {
        skipSpace();
        if (peek() != '"') {
          throw error("expected a quoted key");
        }
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        map.put(key, value(depth + 1)); // the last of duplicate keys wins, as in jsonb
        skipSpace();
        if (peek() == ',') {
          at++;
        } else if (peek() == '}') {
          at++;
          return map;
        } else {
          throw error("expected , or } in an object");
        }
      }
    }

    private List<Object> array(int depth) {
      at++; // [
      var list = new ArrayList<Object>();
      skipSpace();
      if (peek() == ']') {
        at++;
        return list;
      }
      while (true) {
        skipSpace();
        list.add(value(depth + 1));
        skipSpace();
        if (peek() == ',') {
          at++;
        } else if (peek() == ']') {
          at++;
          return list;
        } else {
          throw error("expected , or ] in an array");
        }
      }
    }

    private String string() {
      int start = at;
      at++; // "
      var out = new StringBuilder();
      while (true) {
        if (at >= text.length()) {
          at = start;
          throw error("a string is not closed");
        }
        char c = text.charAt(at++);
        if (c == '"') {
          if (strict) {
            requireStorable(out, start);
          }
          return out.toString();
        }
        if (c < 0x20) {
          at--;
          throw error("a control character must be escaped in a string");
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (at >= text.length()) {
          throw error("a string is not closed");
        }
        char e = text.charAt(at++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> out.append(unicodeEscape());
          default -> {
            at -= 2;
            throw error("unknown escape \\" + e);
          }
        }
      }
    }

    private char unicodeEscape() {
      int start = at - 2;
      if (at + 4 > text.length()) {
        at = start;
        throw error("a \\u escape needs four hex digits");
      }
      int code = 0;
      for (int i = 0; i < 4; i++) {
        int digit = hexDigit(text.charAt(at++));
        if (digit < 0) {
          at = start;
          throw error("a \\u escape needs four hex digits");
        }
        code = code * 16 + digit;
      }
      return (char) code;
    }

    /** jsonb stores text: it refuses the NUL character and half of a surrogate pair. */
    private void requireStorable(CharSequence s, int start) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        String problem = null;
        if (c == 0) {
          problem = "a string holds \\u0000, which PostgreSQL cannot search for";
        } else if (Character.isHighSurrogate(c)) {
          if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            i++;
          } else {
            problem = "a string holds half of a surrogate pair";
          }
        } else if (Character.isLowSurrogate(c)) {
          problem = "a string holds half of a surrogate pair";
        }
        if (problem != null) {
          at = start;
          throw error(problem);
        }
      }
    }

    private BigDecimal number() {
      int start = at;
      if (peek() == '-') {
        at++;
      }
      if (peek() == '0') {
        at++;
      } else if (isDigit(peek())) {
        digits();
      } else {
        throw error("a number needs digits");
      }
      if (peek() == '.') {
        at++;
        if (!isDigit(peek())) {
          throw error("a number needs digits after its point");
        }
        digits();
      }
      if (peek() == 'e' || peek() == 'E') {
        at++;
        if (peek() == '+' || peek() == '-') {
          at++;
        }
        if (!isDigit(peek())) {
          throw error("a number needs digits in its exponent");
        }
        digits();
      }
      BigDecimal number;
      try {
        number = new BigDecimal(text.substring(start, at));
      } catch (NumberFormatException | ArithmeticException e) {
        at = start;
        throw error("a number is out of range");
      }
      if (strict
          && (number.scale() > MAX_FRACTION_DIGITS
              || (long) number.precision() - number.scale() > MAX_INTEGER_DIGITS)) {
        at = start;
        throw error("a number is out of range");
      }
      return number;
    }

    private static int hexDigit(char c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private void digits() {
      while (isDigit(peek())) {
        at++;
      }
    }

    private static boolean isDigit(int c) {
      return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, at)) {
        throw error("unexpected character " + describe(text.charAt(at)));
      }
      at += word.length();
      return value;
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected " + c);
      }
      at++;
    }

    private int peek() {
      return at < text.length() ? text.charAt(at) : -1;
    }

    private void skipSpace() {
      while (at < text.length()) {
        char c = text.charAt(at);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        at++;
      }
    }

    private static String describe(char c) {
      return c < 0x20 || c == 0x7f ? "U+%04X".formatted((int) c) : "'" + c + "'";
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(
          "The payload filter is not valid JSON: %s (at character %d)."
              .formatted(what, Math.min(at, text.length()) + 1));
    }
  }
}
