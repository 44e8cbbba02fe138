package dev.docket.store.postgres;

import dev.docket.testkit.ControlContract;
import dev.docket.usecase.port.DocketStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL store passes the shared-state contract. */
class PostgresControlContractTest extends ControlContract {
  private static final TestDatabase DB = TestDatabase.get();
  private static String schema;
  private static PostgresStore store;

  @BeforeAll
  static void startStore() {
    schema = DB.freshSchema("control");
    store = PostgresStore.start(DB.options(schema).listen(false).poolSize(4).build());
  }

  @AfterAll
  static void stopStore() {
    store.close();
    DB.dropSchema(schema);
  }

  @Override
  protected DocketStore createStore() {
    DB.execute(
        "TRUNCATE \"%s\".jobs, \"%s\".paused_queues, \"%s\".schedules, \"%s\".leader_leases"
            .formatted(schema, schema, schema, schema));
    return store;
  }
}
