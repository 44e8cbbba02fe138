package dev.docket.store.postgres;

import java.sql.Connection;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * How the store's work commits, whatever the connection's autocommit setting. Docket's own pool is
 * in autocommit; an application's data source may not be, and then JDBI takes the connection as
 * already in a transaction and commits nothing, so the pool would roll the work back when the
 * connection goes back. Here such work is committed explicitly (or rolled back when it fails).
 */
final class Transactions {
  private Transactions() {}

  /** {@code work} whose statements each commit on their own: one-statement work. */
  static <T> T autocommit(Jdbi jdbi, HandleCallback<T, Exception> work) throws Exception {
    return jdbi.withHandle(
        h -> h.getConnection().getAutoCommit() ? work.withHandle(h) : committed(h, work));
  }

  /** {@code work} in one transaction: all of it commits, or none. */
  static <T> T transaction(Jdbi jdbi, HandleCallback<T, Exception> work) throws Exception {
    return jdbi.withHandle(
        h -> h.getConnection().getAutoCommit() ? h.inTransaction(work) : committed(h, work));
  }

  private static <T> T committed(org.jdbi.v3.core.Handle h, HandleCallback<T, Exception> work)
      throws Exception {
    Connection connection = h.getConnection();
    try {
      T result = work.withHandle(h);
      connection.commit();
      return result;
    } catch (Exception | Error e) {
      connection.rollback();
      throw e;
    }
  }
}
