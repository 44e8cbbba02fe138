package dev.docket.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Docket's schema migrations: versioned SQL files applied by Flyway.
 *
 * <p>Nodes starting together take turns: each holds a session-level advisory lock of the schema
 * while Flyway creates the schema and its history table and migrates. Flyway's own lock covers the
 * migrations only, so without this one two nodes would both try to create the schema (or the
 * history table), and PostgreSQL would report and log a duplicate key for one of them even though
 * both come up. A node that gets the lock after another finds everything in place and creates
 * nothing.
 */
final class Migrations {
  static final String LOCATION = "dev/docket/store/postgres/migration";

  /** Every migration, in order. A test checks that this list matches the files. */
  static final List<String> FILES =
      List.of(
          "V1__create_jobs.sql",
          "V2__control.sql",
          "V3__nodes.sql",
          "V4__results_progress_changes.sql",
          "V5__node_busy_and_lease_start.sql",
          "V6__dead_letter_index.sql",
          "V7__audit_log.sql",
          "V8__schedule_definitions.sql",
          "V9__job_history.sql",
          "V10__attempts.sql");

  static final String HISTORY_TABLE = "docket_schema_history";
  private static final String PLACEHOLDER = "docket_schema";

  private Migrations() {}

  /**
   * The advisory lock's first key, Docket's migrations (the text "Dock"); the second is the
   * schema's hash. Flyway's own lock has a single 64-bit key, which PostgreSQL keeps apart from
   * two-key locks.
   */
  static final int LOCK_CLASS = 0x446f636b;

  /**
   * Applies the migrations that have not run yet on {@code schema}, creating it if needed, under
   * the schema's advisory lock. The connection that holds the lock is Flyway's first connection
   * too, so migrating needs no more connections than Flyway's two.
   */
  static void apply(DataSource dataSource, String schema) throws SQLException {
    try (Connection holder = dataSource.getConnection()) {
      if (upToDate(holder, schema)) {
        // Every node start checks, and most find nothing to do: one query instead of loading
        // Flyway, which took most of a second of a cold start.
        return;
      }
      advisoryLock(holder, "pg_advisory_lock", schema);
      try {
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(new LendingDataSource(dataSource, holder))
            .schemas(schema)
            .createSchemas(true)
            .table(HISTORY_TABLE)
            .locations("classpath:" + LOCATION)
            .placeholders(Map.of(PLACEHOLDER, schema))
            .failOnMissingLocations(true)
            .load()
            .migrate();
      } catch (RuntimeException e) {
        try {
          advisoryLock(holder, "pg_advisory_unlock", schema);
        } catch (SQLException | RuntimeException unlock) {
          // The connection broke: its session, and the lock with it, are gone already.
          e.addSuppressed(unlock);
        }
        throw e;
      }
      advisoryLock(holder, "pg_advisory_unlock", schema);
    }
  }

  /**
   * Whether the schema's history shows exactly Docket's migrations, each applied successfully, and
   * nothing else: then there is nothing to migrate. Anything else (no history table, a failed or a
   * missing migration, one this version does not know) goes to Flyway, which migrates or says what
   * is wrong.
   */
  static boolean upToDate(Connection c, String schema) throws SQLException {
    var applied = new java.util.ArrayList<String>();
    String sql =
        "SELECT script, success FROM \"%s\".%s WHERE version IS NOT NULL ORDER BY installed_rank"
            .formatted(schema, HISTORY_TABLE);
    boolean autocommit = c.getAutoCommit();
    try (var exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      // Asked first, rather than caught as an error: a failed query is logged by the server, and
      // a new database is no error.
      exists.setString(1, "\"%s\".%s".formatted(schema, HISTORY_TABLE));
      try (var row = exists.executeQuery()) {
        row.next();
        if (!row.getBoolean(1)) {
          if (!autocommit) {
            c.commit();
          }
          return false;
        }
      }
    }
    try (var statement = c.createStatement();
        var rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        if (!rows.getBoolean(2)) {
          if (!autocommit) {
            c.commit();
          }
          return false;
        }
        applied.add(rows.getString(1));
      }
    }
    if (!autocommit) {
      c.commit();
    }
    return applied.equals(FILES);
  }

  private static void advisoryLock(Connection c, String function, String schema)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + function + "(?, ?)")) {
      s.setInt(1, LOCK_CLASS);
      s.setInt(2, schema.hashCode());
      s.executeQuery().close();
    }
    if (!c.getAutoCommit()) {
      // A session-level lock outlives the transaction; an application's connection that is not
      // in autocommit must not stay idle in one.
      c.commit();
    }
  }

  /** The SQL the migrations run for {@code schema}, for teams that run their own tool. */
  static String sql(String schema) {
    PostgresOptions.requireSchema(schema);
    var out = new StringBuilder();
    out.append("-- Docket's schema, for schema \"").append(schema).append("\".\n");
    out.append("CREATE SCHEMA IF NOT EXISTS \"").append(schema).append("\";\n");
    for (String file : FILES) {
      out.append("\n-- ").append(file).append('\n');
      out.append(read(file).replace("${" + PLACEHOLDER + "}", schema));
    }
    return out.toString();
  }

  private static String read(String file) {
    try (InputStream in =
        Migrations.class.getClassLoader().getResourceAsStream(LOCATION + "/" + file)) {
      if (in == null) {
        throw new IllegalStateException("The migration " + file + " is missing from the jar.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Lends Flyway the connection that holds the lock as its first connection, which Flyway keeps for
   * its schema history until it is done (its close is ignored: the lender closes it); further
   * connections come from the data source. Flyway uses it from one thread at a time.
   */
  private static final class LendingDataSource implements DataSource {
    private final DataSource delegate;
    private Connection lent;

    LendingDataSource(DataSource delegate, Connection lent) {
      this.delegate = delegate;
      this.lent = lent;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
      if (lent == null) {
        return delegate.getConnection();
      }
      Connection connection = lent;
      lent = null;
      return (Connection)
          Proxy.newProxyInstance(
              Migrations.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("close")) {
                  return null;
                }
                try {
                  return method.invoke(connection, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("Flyway gets connections without credentials.");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      return delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
      return delegate.isWrapperFor(type);
    }
  }
}
