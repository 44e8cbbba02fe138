package dev.docket.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;

/**
 * The PostgreSQL server of this test run, one per JVM: the one named by {@code
 * DOCKET_TEST_DATABASE_URL} (with {@code DOCKET_TEST_DATABASE_USER} and {@code
 * DOCKET_TEST_DATABASE_PASSWORD}), else the local server at 127.0.0.1:5432 if it answers, else an
 * embedded one started here. {@code DOCKET_TEST_DATABASE=embedded} skips the local server. Each
 * test class works in a schema of its own.
 */
public final class TestDatabase {
  private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static TestDatabase instance;

  /** The JDBC URL. */
  public final String url;

  /** The user. */
  public final String user;

  /** The password, empty for none. */
  public final String password;

  final String source;

  /** The server's database this one was created from, or null for the run's own database. */
  private final TestDatabase parent;

  /** The name of a database {@link #createDatabase} made, or null. */
  private final String database;

  private TestDatabase(String url, String user, String password, String source) {
    this(url, user, password, source, null, null);
  }

  private TestDatabase(
      String url,
      String user,
      String password,
      String source,
      TestDatabase parent,
      String database) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.source = source;
    this.parent = parent;
    this.database = database;
  }

  /** The server of this run, started or found on first use. */
  public static synchronized TestDatabase get() {
    if (instance == null) {
      instance = start();
      System.out.println(
          "Docket's PostgreSQL tests run on " + instance.source + ": " + instance.url);
    }
    return instance;
  }

  private static TestDatabase start() {
    String url = System.getenv("DOCKET_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      return new TestDatabase(
          url,
          envOr("DOCKET_TEST_DATABASE_USER", "postgres"),
          envOr("DOCKET_TEST_DATABASE_PASSWORD", ""),
          "the server named by DOCKET_TEST_DATABASE_URL");
    }
    if (!"embedded".equalsIgnoreCase(System.getenv("DOCKET_TEST_DATABASE"))) {
      try (Connection c =
          DriverManager.getConnection(LOCAL_URL + "?connectTimeout=2", "postgres", "")) {
        return new TestDatabase(LOCAL_URL, "postgres", "", "the local server");
      } catch (SQLException e) {
        System.out.println(
            "No local PostgreSQL (" + e.getMessage() + "); starting an embedded one.");
      }
    }
    try {
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      embedded.close();
                    } catch (IOException e) {
                      // The JVM is going away; the data directory is a temporary one.
                    }
                  }));
      return new TestDatabase(
          embedded.getJdbcUrl("postgres", "postgres"), "postgres", "", "an embedded server");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start an embedded PostgreSQL", e);
    }
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }

  /** A schema name no other test class or concurrent run uses. */
  public String freshSchema(String hint) {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return ("t_" + hint.toLowerCase(Locale.ROOT) + "_" + HexFormat.of().formatHex(random))
        .replaceAll("[^a-z0-9_]", "_");
  }

  /** Store options for {@code schema} on this server. */
  public PostgresOptions.Builder options(String schema) {
    var builder = PostgresOptions.builder().url(url).user(user).schema(schema);
    if (!password.isEmpty()) {
      builder.password(password);
    }
    return builder;
  }

  /** A new connection; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  /** Runs one statement. */
  public void execute(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("Test SQL failed: " + sql, e);
    }
  }

  /**
   * A new, empty database on this server, for a test that reads database-wide statistics such as
   * {@code pg_stat_database.deadlocks}: other test classes, and other builds on the same server,
   * work in the run's database and would disturb them. The caller drops it with {@link
   * #dropDatabase}.
   */
  public TestDatabase createDatabase(String hint) {
    String name = freshSchema(hint).replaceFirst("^t_", "docket_test_");
    // template0: template1 may have a session connected, which makes CREATE DATABASE fail.
    execute("CREATE DATABASE \"" + name + "\" TEMPLATE template0");
    return new TestDatabase(withDatabase(url, name), user, password, source, this, name);
  }

  /** Drops a database {@link #createDatabase} made, ending any session still connected to it. */
  public void dropDatabase() {
    requireCreated();
    parent.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
  }

  /**
   * The deadlocks PostgreSQL has counted in a database {@link #createDatabase} made, read once no
   * client session is connected to it. A backend adds what it counted to {@code pg_stat_database}
   * at the end of a transaction at most once a second, and for sure when it exits, before it leaves
   * {@code pg_stat_activity}: so once every session of the database is gone, the count includes all
   * of theirs. The caller closes its pools first; this waits (up to a minute) for their backends to
   * exit, reading from the server's own database so that its reading adds no session.
   */
  public long deadlocksOnceIdle() throws SQLException {
    requireCreated();
    Awaitility.await("every session of database " + database + " has exited")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                parent.queryLong(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = ?"
                            + " AND backend_type = 'client backend'",
                        database)
                    == 0);
    return parent.queryLong("SELECT deadlocks FROM pg_stat_database WHERE datname = ?", database);
  }

  private long queryLong(String sql, String parameter) throws SQLException {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("No row for " + sql);
        }
        return rs.getLong(1);
      }
    }
  }

  private void requireCreated() {
    if (database == null) {
      throw new IllegalStateException("Only a database that createDatabase made can do this.");
    }
  }

  /** {@code url} with its database name replaced by {@code name}. */
  static String withDatabase(String url, String name) {
    String prefix = "jdbc:postgresql://";
    if (!url.startsWith(prefix)) {
      throw new IllegalArgumentException("Not a PostgreSQL JDBC URL: " + url);
    }
    int slash = url.indexOf('/', prefix.length());
    if (slash < 0) {
      throw new IllegalArgumentException("The URL names no database: " + url);
    }
    int query = url.indexOf('?', slash);
    return url.substring(0, slash + 1) + name + (query < 0 ? "" : url.substring(query));
  }

  /** Drops {@code schema} and everything in it. */
  public void dropSchema(String schema) {
    execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
  }
}
