package dev.docket.runtime.archfixture;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** A runtime class that picks a store itself instead of being handed one through the port. */
public final class RuntimeUsingTheMemoryStore {

  public DocketStore store() {
    return MemoryStore.start();
  }
}
