package dev.docket.store.memory;

import dev.docket.testkit.NodeRegistryContract;
import dev.docket.usecase.port.NodeRegistry;

/** The in-memory store passes the node registry contract. */
class InMemoryNodeRegistryContractTest extends NodeRegistryContract {
  @Override
  protected NodeRegistry createRegistry() {
    return MemoryStore.start().nodeRegistry();
  }
}
