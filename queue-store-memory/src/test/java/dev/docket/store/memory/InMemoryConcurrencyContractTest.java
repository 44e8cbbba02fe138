package dev.docket.store.memory;

import dev.docket.testkit.ConcurrencyContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryConcurrencyContractTest extends ConcurrencyContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
