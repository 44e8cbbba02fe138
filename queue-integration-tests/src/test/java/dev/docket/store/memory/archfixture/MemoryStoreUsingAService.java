package dev.docket.store.memory.archfixture;

import dev.docket.usecase.archfixture.FixtureService;

/** A memory-store class that calls a use-case service: a store sees only the port. */
public final class MemoryStoreUsingAService {

  public void delegate(FixtureService service) {
    service.run();
  }
}
