package dev.docket.store.memory;

import dev.docket.testkit.JobHistoryContract;
import dev.docket.usecase.port.JobHistory;

/** The in-memory store passes the history contract. */
class InMemoryJobHistoryContractTest extends JobHistoryContract {
  @Override
  protected JobHistory createHistory() {
    return MemoryStore.start().jobHistory();
  }
}
