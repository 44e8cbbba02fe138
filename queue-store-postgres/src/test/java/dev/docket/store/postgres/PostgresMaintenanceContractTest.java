package dev.docket.store.postgres;

import dev.docket.testkit.MaintenanceContract;
import dev.docket.usecase.port.JobStorage;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMaintenanceContractTest extends MaintenanceContract {
  @RegisterExtension static final ContractStore STORE = new ContractStore();

  @Override
  protected JobStorage createStorage() {
    return STORE.emptyStorage();
  }
}
