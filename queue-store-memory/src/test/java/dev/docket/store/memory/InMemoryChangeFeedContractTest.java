package dev.docket.store.memory;

import dev.docket.testkit.ChangeFeedContract;
import dev.docket.usecase.port.DocketStore;

class InMemoryChangeFeedContractTest extends ChangeFeedContract {
  @Override
  protected DocketStore createStore() {
    return MemoryStore.start();
  }
}
