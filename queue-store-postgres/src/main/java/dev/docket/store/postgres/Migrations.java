package dev.docket.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Docket's schema migrations: versioned SQL files applied by Flyway, which takes a PostgreSQL
 * advisory lock while it migrates, so nodes starting together apply each version once.
 */
final class Migrations {
  static final String LOCATION = "dev/docket/store/postgres/migration";

  /** Every migration, in order. A test checks that this list matches the files. */
  static final List<String> FILES =
      List.of("V1__create_jobs.sql", "V2__control.sql", "V3__nodes.sql");

  static final String HISTORY_TABLE = "docket_schema_history";
  private static final String PLACEHOLDER = "docket_schema";

  private Migrations() {}

  static void apply(DataSource dataSource, String schema) {
    Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .schemas(schema)
        .createSchemas(true)
        .table(HISTORY_TABLE)
        .locations("classpath:" + LOCATION)
        .placeholders(Map.of(PLACEHOLDER, schema))
        .failOnMissingLocations(true)
        .load()
        .migrate();
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
}
