package dev.docket.store.postgres;

import dev.docket.testkit.AttemptRecordContract;
import dev.docket.usecase.port.JobStorage;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresAttemptRecordContractTest extends AttemptRecordContract {
  @RegisterExtension static final ContractStore STORE = new ContractStore();

  @Override
  protected JobStorage createStorage() {
    return STORE.emptyStorage();
  }
}
