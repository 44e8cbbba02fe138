package dev.docket.runtime;

import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.port.DocketStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** {@link HandoffScenarios} on a real PostgreSQL: each runtime a node with a store of its own. */
class PostgresHandoffTest extends HandoffScenarios {
  private static TestDatabase db;
  private static String schema;
  private final List<PostgresStore> stores = new ArrayList<>();

  @BeforeAll
  static void createSchema() {
    db = TestDatabase.get();
    schema = db.freshSchema("pg_handoff");
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
  }

  @Override
  void closeStores() {
    stores.forEach(PostgresStore::close);
  }

  @Override
  DocketStore store() {
    var store = PostgresStore.start(db.options(schema).poolSize(4).build());
    stores.add(store);
    return store;
  }
}
