package dev.docket.store.postgres;

import dev.docket.usecase.port.JobStorage;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PostgreSQL store in a schema of its own for one contract class, emptied before each test. A
 * contract class registers it as a static field and takes its store from {@link #emptyStorage()}.
 *
 * <p>JUnit calls an extension of a class for its {@code @Nested} classes too: the store opens for
 * the first class that starts, the contract class itself, and closes with it.
 */
final class ContractStore implements BeforeAllCallback, AfterAllCallback {
  private static final TestDatabase DB = TestDatabase.get();

  private Class<?> owner;
  private String schema;
  private PostgresStore store;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (owner == null) {
      owner = context.getRequiredTestClass();
      schema = DB.freshSchema("contract");
      store = PostgresStore.start(DB.options(schema).listen(false).poolSize(12).build());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() == owner) {
      store.close();
      DB.dropSchema(schema);
      owner = null;
    }
  }

  /** The store, with no job left from an earlier test. */
  JobStorage emptyStorage() {
    DB.execute("TRUNCATE \"" + schema + "\".jobs");
    return store.storage();
  }
}
