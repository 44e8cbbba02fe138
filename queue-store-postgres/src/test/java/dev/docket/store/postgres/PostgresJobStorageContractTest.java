package dev.docket.store.postgres;

import dev.docket.testkit.JobStorageContract;
import dev.docket.usecase.port.JobStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL store passes the same contract as every other store. */
class PostgresJobStorageContractTest extends JobStorageContract {
  private static final TestDatabase DB = TestDatabase.get();
  private static String schema;
  private static PostgresStore store;

  @BeforeAll
  static void startStore() {
    schema = DB.freshSchema("contract");
    store = PostgresStore.start(DB.options(schema).listen(false).poolSize(12).build());
  }

  @AfterAll
  static void stopStore() {
    store.close();
    DB.dropSchema(schema);
  }

  @Override
  protected JobStorage createStorage() {
    DB.execute("TRUNCATE \"" + schema + "\".jobs");
    return store.storage();
  }
}
