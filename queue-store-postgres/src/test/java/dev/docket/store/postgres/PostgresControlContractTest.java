package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.testkit.ControlContract;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.StorageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

  @Test
  void healthCheck_fails_withAStorageException_onceThePoolIsClosed() {
    var closed =
        PostgresStore.start(
            DB.options(schema).listen(false).migrateOnStart(false).poolSize(1).build());
    closed.close();

    assertThatThrownBy(closed::checkHealth)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("health check");
  }

  @Override
  protected DocketStore createStore() {
    DB.execute(
        "TRUNCATE \"%s\".jobs, \"%s\".paused_queues, \"%s\".schedules, \"%s\".leader_leases"
            .formatted(schema, schema, schema, schema));
    return store;
  }
}
