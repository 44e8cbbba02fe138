package dev.docket.store.memory;

import dev.docket.testkit.LeaseContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryLeaseContractTest extends LeaseContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
