package dev.docket.store.postgres.archfixture;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.runtime.archfixture.RuntimeWorker;

/**
 * A store's Guice module that starts the runtime: a store's module binds the store and nothing
 * else, since the runtime is built on the store, not the other way round.
 */
public final class PostgresStoreModule extends AbstractModule {

  @Provides
  RuntimeWorker worker() {
    var worker = new RuntimeWorker();
    worker.start();
    return worker;
  }
}
