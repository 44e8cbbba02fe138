package dev.docket.store.memory;

import dev.docket.testkit.ResultContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryResultContractTest extends ResultContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
