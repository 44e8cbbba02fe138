package dev.docket.store.postgres;

import dev.docket.testkit.NodeRegistryContract;
import dev.docket.usecase.port.NodeRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL store passes the node registry contract. */
class PostgresNodeRegistryContractTest extends NodeRegistryContract {
  private static final TestDatabase DB = TestDatabase.get();
  private static String schema;
  private static PostgresStore store;

  @BeforeAll
  static void startStore() {
    schema = DB.freshSchema("nodes");
    store = PostgresStore.start(DB.options(schema).listen(false).poolSize(8).build());
  }

  @AfterAll
  static void stopStore() {
    store.close();
    DB.dropSchema(schema);
  }

  @Override
  protected NodeRegistry createRegistry() {
    DB.execute("TRUNCATE \"%s\".nodes".formatted(schema));
    return store.nodeRegistry();
  }
}
