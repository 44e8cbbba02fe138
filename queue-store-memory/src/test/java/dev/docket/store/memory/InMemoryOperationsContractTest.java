package dev.docket.store.memory;

import dev.docket.testkit.OperationsContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryOperationsContractTest extends OperationsContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
