package dev.docket.runtime;

import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema of the test database for one test class, migrated once before its tests, emptied of the
 * named tables before each and dropped after all: register it as a static field with
 * {@code @RegisterExtension}.
 */
final class MigratedSchema implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private final String hint;
  private final String[] emptied;
  private TestDatabase db;
  private String schema;

  /**
   * @param hint part of the schema's name
   * @param emptied the tables emptied before each test
   */
  MigratedSchema(String hint, String... emptied) {
    this.hint = hint;
    this.emptied = emptied;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    db = TestDatabase.get();
    schema = db.freshSchema(hint);
    PostgresStore.start(db.options(schema).listen(false).poolSize(2).build()).close(); // migrates
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (emptied.length > 0) {
      db.execute(
          "TRUNCATE "
              + Arrays.stream(emptied)
                  .map(table -> "\"%s\".%s".formatted(schema, table))
                  .collect(Collectors.joining(", ")));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (db != null) {
      db.dropSchema(schema);
    }
  }

  /** Options of a store on this schema. */
  PostgresOptions.Builder options() {
    return db.options(schema);
  }
}
