package dev.docket.store.memory;

import dev.docket.testkit.AttemptRecordContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryAttemptRecordContractTest extends AttemptRecordContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
