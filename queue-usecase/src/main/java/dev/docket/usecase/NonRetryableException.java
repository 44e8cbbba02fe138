package dev.docket.usecase;

import dev.docket.domain.DocketException;

/**
 * Thrown by a handler when no retry could succeed (the customer is gone, the input is malformed):
 * the job goes straight to the dead letter, with this exception as its last error.
 */
public class NonRetryableException extends DocketException {
  private static final long serialVersionUID = 1L;

  /** Fails the job for good, for this reason. */
  public NonRetryableException(String message) {
    super(message);
  }

  /** Fails the job for good, for this reason and cause. */
  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
