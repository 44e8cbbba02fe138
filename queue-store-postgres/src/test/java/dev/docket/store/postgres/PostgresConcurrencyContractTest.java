package dev.docket.store.postgres;

import dev.docket.testkit.ConcurrencyContract;
import dev.docket.usecase.port.JobStorage;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresConcurrencyContractTest extends ConcurrencyContract {
  @RegisterExtension static final ContractStore STORE = new ContractStore();

  @Override
  protected JobStorage createStorage() {
    return STORE.emptyStorage();
  }
}
