package dev.docket.runtime;

import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.port.DocketStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link PrefetchScenarios} on a real PostgreSQL. */
class PostgresPrefetchTest extends PrefetchScenarios {
  @RegisterExtension static final MigratedSchema SCHEMA = new MigratedSchema("pg_prefetch", "jobs");

  private PostgresStore store;

  @BeforeEach
  void openStore() {
    store = PostgresStore.start(SCHEMA.options().listen(false).poolSize(8).build());
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
