package dev.docket.usecase.port;

import dev.docket.domain.DocketException;

/**
 * A store could not do what was asked: the database is unreachable, a statement failed, a
 * connection broke.
 *
 * <p>Stores translate their technology's exceptions into this one at the boundary, so no driver
 * type reaches callers. The operation may or may not have taken effect when the failure is on
 * commit; callers that must know read the job back.
 */
public class StorageException extends DocketException {
  private static final long serialVersionUID = 1L;

  private final boolean unreachable;

  /** Creates the exception with what failed and why. */
  public StorageException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * Creates the exception with what failed and why, and whether the store could not be reached (a
   * connection refused, broken or not to be had in time), as opposed to refusing the request.
   */
  public StorageException(String message, Throwable cause, boolean unreachable) {
    super(message, cause);
    this.unreachable = unreachable;
  }

  /** Creates the exception with what failed. */
  public StorageException(String message) {
    this(message, null, false);
  }

  /**
   * Whether the store could not be reached: the same request may well succeed once it is back, so
   * callers retry it rather than give up on it.
   */
  public boolean isUnreachable() {
    return unreachable;
  }
}
