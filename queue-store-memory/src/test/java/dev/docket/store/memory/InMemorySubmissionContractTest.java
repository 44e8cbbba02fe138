package dev.docket.store.memory;

import dev.docket.testkit.SubmissionContract;
import dev.docket.usecase.port.JobStorage;

class InMemorySubmissionContractTest extends SubmissionContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
