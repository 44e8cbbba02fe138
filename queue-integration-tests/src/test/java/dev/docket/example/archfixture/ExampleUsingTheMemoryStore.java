package dev.docket.example.archfixture;

import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** An example class that reaches for the memory store, though the example runs on PostgreSQL. */
public final class ExampleUsingTheMemoryStore {

  public DocketStore store() {
    return MemoryStore.start();
  }
}
