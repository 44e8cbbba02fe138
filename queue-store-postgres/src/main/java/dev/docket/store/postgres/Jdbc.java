package dev.docket.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * The hot path's statements on a plain JDBC connection: claims, batches of outcomes and submits,
 * which a busy node runs hundreds of times a second.
 *
 * <p>Through a JDBI handle each of them also paid for the handle, a copy of its configuration, a
 * statement context and JDBI's argument binding. In a fresh JVM that code was a good part of what
 * the JIT compilers worked on during a node's first seconds, on the cores the database needed. The
 * statements keep JDBI's named-parameter syntax, so they read as the rest of the store's SQL, and
 * {@link Statement#of} turns the names into JDBC's positions, once per statement.
 */
final class Jdbc {
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
    /**
     * Turns each {@code :name} outside literals, quoted names and comments into a {@code ?}, as
     * JDBI's parser does for the store's other statements ({@code JdbcTest} holds the two to the
     * same result for every statement of the worker path). JDBI's parser is an ANTLR lexer whose
     * first statements cost a cold JVM 150 to 250 ms, all of it in the store's start; this scan
     * costs nothing worth measuring. It knows only what the store's SQL uses: statements with
     * dollar quoting or a {@code ?} of their own are refused.
     *
     * @throws IllegalArgumentException if {@code named} holds a {@code $} or a {@code ?}, or a
     *     literal, quoted name or comment that does not end
     */
    static Statement of(String named) {
      var sql = new StringBuilder(named.length());
      var names = new ArrayList<String>();
      int i = 0;
      int n = named.length();
      while (i < n) {
        char c = named.charAt(i);
        int end;
        if (c == '$' || c == '?') {
          throw new IllegalArgumentException(
              "Statement.of does not read '"
                  + c
                  + "' (dollar quoting, or a positional parameter): "
                  + named);
        } else if (c == '\'' || c == '"') {
          end = closing(named, i, String.valueOf(c), 1);
        } else if (named.startsWith("--", i)) {
          int newline = named.indexOf('\n', i);
          end = newline < 0 ? n : newline + 1;
        } else if (named.startsWith("/*", i)) {
          end = closing(named, i, "*/", 2);
        } else if (named.startsWith("::", i)) {
          end = i + 2;
        } else if (c == ':' && i + 1 < n && nameStart(named.charAt(i + 1))) {
          end = i + 2;
          while (end < n && namePart(named.charAt(end))) {
            end++;
          }
          names.add(named.substring(i + 1, end));
          sql.append('?');
          i = end;
          continue;
        } else {
          end = i + 1;
        }
        sql.append(named, i, end);
        i = end;
      }
      return new Statement(sql.toString(), List.copyOf(names));
    }

    /** The index after the {@code close} that ends what opens at {@code from}. */
    private static int closing(String named, int from, String close, int opening) {
      int at = named.indexOf(close, from + opening);
      if (at < 0) {
        throw new IllegalArgumentException(
            "Statement.of found no " + close + " after index " + from + ": " + named);
      }
      return at + close.length();
    }

    private static boolean nameStart(char c) {
      return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean namePart(char c) {
      return nameStart(c) || (c >= '0' && c <= '9');
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
