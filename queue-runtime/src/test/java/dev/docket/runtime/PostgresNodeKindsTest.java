package dev.docket.runtime;

import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link NodeKindsScenarios} on a real PostgreSQL: each node has its own store (its own pool and
 * LISTEN connection) on one schema, as separate processes would.
 */
class PostgresNodeKindsTest extends NodeKindsScenarios {
  private static TestDatabase db;
  private static String schema;

  @BeforeAll
  static void createSchema() {
    db = TestDatabase.get();
    schema = db.freshSchema("pg_node_kinds");
    PostgresStore.start(db.options(schema).listen(false).poolSize(2).build()).close(); // migrates
  }

  @AfterAll
  static void dropSchema() {
    if (db != null) {
      db.dropSchema(schema);
    }
  }

  @BeforeEach
  void emptySchema() {
    db.execute("TRUNCATE \"%s\".jobs, \"%s\".nodes".formatted(schema, schema));
  }

  @Override
  DocketRuntime node(RuntimeOptions options, HandlerBinding<?>... handlers) {
    return PostgresRuntimes.runtime(db.options(schema).poolSize(4).build(), options, handlers);
  }
}
