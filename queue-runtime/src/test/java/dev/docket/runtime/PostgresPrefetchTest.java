package dev.docket.runtime;

import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.port.DocketStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** {@link PrefetchScenarios} on a real PostgreSQL. */
class PostgresPrefetchTest extends PrefetchScenarios {
  private static TestDatabase db;
  private static String schema;
  private PostgresStore store;

  @BeforeAll
  static void createSchema() {
    db = TestDatabase.get();
    schema = db.freshSchema("pg_prefetch");
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
    db.execute("TRUNCATE \"%s\".jobs".formatted(schema));
    store = PostgresStore.start(db.options(schema).listen(false).poolSize(8).build());
  }

  @Override
  void closeStore() {
    store.close();
  }

  @Override
  DocketStore store() {
    return store;
  }
}
