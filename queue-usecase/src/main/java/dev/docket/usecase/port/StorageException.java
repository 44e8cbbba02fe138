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

  /** Creates the exception with what failed and why. */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with what failed. */
  public StorageException(String message) {
    super(message);
  }
}
