package dev.docket.domain.archfixture;

import dev.docket.store.memory.MemoryStore;

/** Breaks the domain allow-list on purpose: the domain must not know an outer layer. */
public final class DomainClassUsingTheMemoryStore {

  public Object store() {
    return MemoryStore.class;
  }
}
