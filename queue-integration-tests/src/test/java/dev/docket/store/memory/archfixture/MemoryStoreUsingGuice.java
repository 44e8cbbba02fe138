package dev.docket.store.memory.archfixture;

import com.google.inject.Inject;
import dev.docket.usecase.port.JobStorage;

/** A memory-store class with a Guice constructor: only the store's module may know Guice. */
public final class MemoryStoreUsingGuice {

  private final JobStorage storage;

  @Inject
  public MemoryStoreUsingGuice(JobStorage storage) {
    this.storage = storage;
  }

  public JobStorage storage() {
    return storage;
  }
}
