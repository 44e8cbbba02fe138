package dev.docket.runtime;

import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.port.DocketStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link BulkActionScenarios} on a real PostgreSQL: each runtime a node with a store of its own.
 */
class PostgresBulkActionTest extends BulkActionScenarios {
  @RegisterExtension
  static final MigratedSchema SCHEMA = new MigratedSchema("pg_bulk", "jobs", "paused_queues");

  private final List<PostgresStore> stores = new ArrayList<>();

  @Override
  void closeStores() {
    stores.forEach(PostgresStore::close);
  }

  @Override
  DocketStore store() {
    var store = PostgresStore.start(SCHEMA.options().poolSize(4).build());
    stores.add(store);
    return store;
  }
}
