package dev.docket.store.memory;

import dev.docket.testkit.ControlContract;
import dev.docket.usecase.port.DocketStore;

/** The in-memory store passes the shared-state contract. */
class InMemoryControlContractTest extends ControlContract {
  @Override
  protected DocketStore createStore() {
    return MemoryStore.start();
  }
}
