package dev.docket.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.statement.ColonPrefixSqlParser;
import org.jdbi.v3.core.statement.ParsedSql;

/**
 * The hot path's statements on a plain JDBC connection: claims, batches of outcomes and submits,
 * which a busy node runs hundreds of times a second.
 *
 * <p>Through a JDBI handle each of them also paid for the handle, a copy of its configuration, a
 * statement context and JDBI's argument binding. In a fresh JVM that code was a good part of what
 * the JIT compilers worked on during a node's first seconds, on the cores the database needed. The
 * statements keep JDBI's named-parameter syntax, so they read as the rest of the store's SQL:
 * JDBI's own parser turns the names into JDBC's positions, once per statement.
 */
final class Jdbc {
  private static final ColonPrefixSqlParser PARSER = new ColonPrefixSqlParser();

  private Jdbc() {}

  /** Work on one connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * A statement written with named parameters ({@code :queue}), ready for JDBC.
   *
   * @param sql the statement with a {@code ?} for each use of a parameter
   * @param names the parameter of each {@code ?}, in order
   */
  record Statement(String sql, List<String> names) {
    static Statement of(String named) {
      ParsedSql parsed = PARSER.parse(named, null);
      return new Statement(parsed.getSql(), parsed.getParameters().getParameterNames());
    }

    /**
     * Prepares the statement with {@code values} bound by name; the caller closes it.
     *
     * @throws IllegalArgumentException if a parameter has no value: bound as NULL, it would match
     *     no row rather than fail
     */
    PreparedStatement prepare(Connection connection, Map<String, ?> values) throws SQLException {
      PreparedStatement statement = connection.prepareStatement(sql);
      try {
        for (int i = 0; i < names.size(); i++) {
          String name = names.get(i);
          if (!values.containsKey(name)) {
            throw new IllegalArgumentException("No value for parameter :" + name + ".");
          }
          statement.setObject(i + 1, values.get(name));
        }
        return statement;
      } catch (SQLException | RuntimeException e) {
        statement.close();
        throw e;
      }
    }
  }

  /**
   * Runs {@code work}, whose statements each commit on their own, on a connection of {@code
   * connections}. A connection that is not in autocommit (an application's data source may hand out
   * such) is committed after the work, or rolled back when it fails, as {@link Transactions} does
   * for JDBI's handles.
   */
  static <T> T autocommit(ConnectionFactory connections, Work<T> work) throws SQLException {
    Connection connection = connections.openConnection();
    try {
      return connection.getAutoCommit() ? work.run(connection) : committed(connection, work);
    } finally {
      connections.closeConnection(connection);
    }
  }

  /**
   * Runs {@code work} in one transaction on a connection of {@code connections}: all of it or none.
   */
  static <T> T transaction(ConnectionFactory connections, Work<T> work) throws SQLException {
    Connection connection = connections.openConnection();
    try {
      boolean autocommit = connection.getAutoCommit();
      if (autocommit) {
        connection.setAutoCommit(false);
      }
      try {
        return committed(connection, work);
      } finally {
        if (autocommit) {
          connection.setAutoCommit(true);
        }
      }
    } finally {
      connections.closeConnection(connection);
    }
  }

  /**
   * Runs {@code work} on a connection in a transaction, then commits, or rolls back if it fails.
   */
  private static <T> T committed(Connection connection, Work<T> work) throws SQLException {
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      connection.rollback();
      throw e;
    }
  }
}
