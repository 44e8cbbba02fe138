package dev.docket.store.memory.archfixture;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.DocketStore;

/** Follows the store rules: Guice in the store's module, binding the store. Not reported. */
public final class MemoryStoreModule extends AbstractModule {

  @Provides
  DocketStore store() {
    return MemoryStore.start();
  }
}
