package dev.docket.store.postgres;

import dev.docket.testkit.ClaimContract;
import dev.docket.usecase.port.JobStorage;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresClaimContractTest extends ClaimContract {
  @RegisterExtension static final ContractStore STORE = new ContractStore();

  @Override
  protected JobStorage createStorage() {
    return STORE.emptyStorage();
  }
}
