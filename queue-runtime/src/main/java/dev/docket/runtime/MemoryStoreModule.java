package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;
import jakarta.inject.Singleton;

/** Runs Docket on the in-memory store: the embedded default, nothing to set up. */
public final class MemoryStoreModule extends AbstractModule {
  @Override
  protected void configure() {
    install(new StorePortsModule());
  }

  @Provides
  @Singleton
  DocketStore store() {
    return MemoryStore.start();
  }
}
