package dev.docket.runtime;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** {@link PrefetchScenarios} on the memory store. */
class MemoryPrefetchTest extends PrefetchScenarios {
  private final MemoryStore store = MemoryStore.start();

  @Override
  DocketStore store() {
    return store;
  }
}
