package dev.docket.store.memory;

import dev.docket.testkit.ReportContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryReportContractTest extends ReportContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
