package dev.docket.runtime;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** {@link BulkActionScenarios} on the memory store. */
class MemoryBulkActionTest extends BulkActionScenarios {
  private final MemoryStore store = MemoryStore.start();

  @Override
  DocketStore store() {
    return store;
  }
}
