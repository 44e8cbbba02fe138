package dev.docket.domain;

/**
 * The root of every exception Docket throws on purpose.
 *
 * <p>Unchecked, like the exceptions of the libraries Docket is built on: a caller catches it where
 * it can do something about the failure, and lets it travel otherwise. Subclasses carry the ids
 * they concern. Misuse of an API (a null, an out-of-range value) is reported with {@link
 * IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public class DocketException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public DocketException(String message) {
    super(message);
  }

  /** Creates an exception with a message and the failure that caused it. */
  public DocketException(String message, Throwable cause) {
    super(message, cause);
  }
}
