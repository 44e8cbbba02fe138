package dev.docket.store.memory;

import dev.docket.testkit.ClaimContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryClaimContractTest extends ClaimContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
