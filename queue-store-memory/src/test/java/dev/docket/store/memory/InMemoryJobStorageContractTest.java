package dev.docket.store.memory;

import dev.docket.testkit.JobStorageContract;
import dev.docket.usecase.port.JobStorage;

/** The in-memory store passes the same contract as every other store. */
class InMemoryJobStorageContractTest extends JobStorageContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
