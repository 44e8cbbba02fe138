package dev.docket.runtime;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** {@link ResultScenarios} on the memory store: two runtimes on one store are two nodes. */
class MemoryResultTest extends ResultScenarios {
  private final MemoryStore store = MemoryStore.start();

  @Override
  DocketStore store() {
    return store;
  }
}
