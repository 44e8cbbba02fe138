package dev.docket.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

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

  private TestDatabase(String url, String user, String password, String source) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.source = source;
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

  /** Drops {@code schema} and everything in it. */
  public void dropSchema(String schema) {
    execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
  }
}
