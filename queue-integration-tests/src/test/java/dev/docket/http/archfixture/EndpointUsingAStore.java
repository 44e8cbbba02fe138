package dev.docket.http.archfixture;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** An HTTP class that opens a store itself instead of showing the runtime it is handed. */
public final class EndpointUsingAStore {

  public DocketStore store() {
    return MemoryStore.start();
  }
}
