package dev.docket.store.postgres;

import dev.docket.usecase.port.PayloadException;
import dev.docket.usecase.port.StorageException;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.JdbiException;

/**
 * Turns JDBI's and the driver's exceptions into Docket's at the store's boundary, so callers never
 * see a driver type. Exceptions Docket itself throws pass through untouched.
 */
final class Failures {
  /** PostgreSQL's code for a value of the wrong syntax, such as text that is not JSON. */
  private static final String INVALID_TEXT = "22P02";

  /** PostgreSQL's code for a unique violation. */
  private static final String UNIQUE_VIOLATION = "23505";

  private Failures() {}

  static <T> T translate(String action, Callable<T> work) {
    try {
      return work.call();
    } catch (JdbiException e) {
      throw translate(action, e);
    } catch (SQLException e) {
      throw translate(action, e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StorageException("PostgreSQL could not " + action + ": " + e.getMessage(), e);
    }
  }

  static RuntimeException translate(String action, Exception e) {
    SQLException sqlError = sqlCause(e);
    if (sqlError != null) {
      String state = sqlError.getSQLState();
      String message = sqlError.getMessage();
      if (INVALID_TEXT.equals(state) && message != null && message.contains("json")) {
        return new PayloadException("The payload is not valid JSON: " + message, e);
      }
      if (UNIQUE_VIOLATION.equals(state) && message != null && message.contains("jobs_pkey")) {
        return new IllegalArgumentException("A job with this id is stored already: " + message, e);
      }
      return new StorageException(
          "PostgreSQL could not %s (SQL state %s): %s".formatted(action, state, message),
          e,
          isUnreachable(state));
    }
    return new StorageException("PostgreSQL could not " + action + ": " + e.getMessage(), e);
  }

  /**
   * Connection exceptions (class 08), the server shutting down or terminating the session (57P01 to
   * 57P03), and the pool's own timeout, which the driver reports as 08001 or with no state.
   */
  static boolean isUnreachable(String state) {
    return state == null || state.startsWith("08") || state.matches("57P0[123]");
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
