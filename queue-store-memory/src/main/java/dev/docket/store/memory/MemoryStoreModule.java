package dev.docket.store.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.usecase.port.DocketStore;
import jakarta.inject.Singleton;

/**
 * Binds {@link DocketStore} to a new in-memory store, for Guice applications: the embedded default,
 * nothing to set up. Install it next to the runtime's {@code DocketModule}. Guice is an optional
 * dependency of this artifact: an application that wires Docket by hand uses {@link
 * MemoryStore#start()} and needs no Guice.
 */
public final class MemoryStoreModule extends AbstractModule {
  @Provides
  @Singleton
  DocketStore store() {
    return MemoryStore.start();
  }
}
