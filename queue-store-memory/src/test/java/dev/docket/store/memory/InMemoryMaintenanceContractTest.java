package dev.docket.store.memory;

import dev.docket.testkit.MaintenanceContract;
import dev.docket.usecase.port.JobStorage;

class InMemoryMaintenanceContractTest extends MaintenanceContract {
  @Override
  protected JobStorage createStorage() {
    return MemoryStore.create();
  }
}
