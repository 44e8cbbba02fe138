package dev.docket.runtime;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** {@link HandoffScenarios} on the memory store. */
class MemoryHandoffTest extends HandoffScenarios {
  private final MemoryStore store = MemoryStore.start();

  @Override
  DocketStore store() {
    return store;
  }
}
