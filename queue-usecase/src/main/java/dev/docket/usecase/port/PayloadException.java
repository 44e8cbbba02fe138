package dev.docket.usecase.port;

import dev.docket.domain.DocketException;

/**
 * A payload could not be written as JSON, was not valid JSON, or did not fit the handler's payload
 * type.
 */
public final class PayloadException extends DocketException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with what is wrong and the parser's complaint. */
  public PayloadException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with what is wrong. */
  public PayloadException(String message) {
    super(message);
  }
}
