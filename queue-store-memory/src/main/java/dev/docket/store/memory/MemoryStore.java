package dev.docket.store.memory;

import dev.docket.usecase.port.JobStorage;

/**
 * Makes in-memory stores.
 *
 * <p>The store keeps every job in the heap until it is purged: run the maintenance purge, or it
 * grows with every job submitted. Claims take no global lock, so many workers claim in parallel.
 * Thread-safe.
 */
public final class MemoryStore {
  private MemoryStore() {}

  /** A new, empty, thread-safe store. */
  public static JobStorage create() {
    return new InMemoryJobStorage();
  }
}
