package dev.docket.store.postgres.archfixture;

import dev.docket.store.memory.MemoryStore;

/** A Postgres-store class that depends on another store. */
public final class PostgresStoreUsingTheMemoryStore {

  public Object fallback() {
    return MemoryStore.class;
  }
}
