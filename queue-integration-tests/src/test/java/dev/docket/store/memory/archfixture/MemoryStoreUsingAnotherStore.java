package dev.docket.store.memory.archfixture;

import dev.docket.store.postgres.archfixture.PostgresJobStorage;

/** A memory-store class that depends on another store. */
public final class MemoryStoreUsingAnotherStore {

  public void delegate() {
    new PostgresJobStorage().connect();
  }
}
