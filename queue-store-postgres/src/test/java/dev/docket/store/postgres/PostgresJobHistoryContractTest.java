package dev.docket.store.postgres;

import dev.docket.testkit.JobHistoryContract;
import dev.docket.usecase.port.JobHistory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL store passes the history contract. */
class PostgresJobHistoryContractTest extends JobHistoryContract {
  private static final TestDatabase DB = TestDatabase.get();
  private static String schema;
  private static PostgresStore store;

  @BeforeAll
  static void startStore() {
    schema = DB.freshSchema("history");
    store = PostgresStore.start(DB.options(schema).listen(false).poolSize(4).build());
  }

  @AfterAll
  static void stopStore() {
    store.close();
    DB.dropSchema(schema);
  }

  @Override
  protected JobHistory createHistory() {
    DB.execute("TRUNCATE \"%s\".job_history".formatted(schema));
    return store.jobHistory();
  }
}
