package dev.docket.store.postgres;

import dev.docket.testkit.AuditLogContract;
import dev.docket.usecase.port.AuditLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The PostgreSQL store passes the audit log contract. */
class PostgresAuditLogContractTest extends AuditLogContract {
  private static final TestDatabase DB = TestDatabase.get();
  private static String schema;
  private static PostgresStore store;

  @BeforeAll
  static void startStore() {
    schema = DB.freshSchema("audit");
    store = PostgresStore.start(DB.options(schema).listen(false).poolSize(4).build());
  }

  @AfterAll
  static void stopStore() {
    store.close();
    DB.dropSchema(schema);
  }

  @Override
  protected AuditLog createLog() {
    DB.execute("TRUNCATE \"%s\".audit_log".formatted(schema));
    return store.auditLog();
  }
}
