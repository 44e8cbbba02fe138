package dev.docket.store.memory;

import dev.docket.testkit.ControlContract;

/** The in-memory store passes the shared-state contract. */
class InMemoryControlContractTest extends ControlContract {
  @Override
  protected Stores createStores() {
    MemoryStore store = MemoryStore.start();
    return new Stores(
        store.storage(), store.queueControl(), store.scheduleStates(), store.leaderLease());
  }
}
