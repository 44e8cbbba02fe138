package dev.docket.store.postgres.archfixture;

import com.google.inject.Provider;
import dev.docket.usecase.port.JobStorage;

/** A Postgres-store class that asks Guice for its storage: only the store's module may. */
public final class PostgresStoreUsingGuice {

  private final Provider<JobStorage> storage;

  public PostgresStoreUsingGuice(Provider<JobStorage> storage) {
    this.storage = storage;
  }

  public JobStorage storage() {
    return storage.get();
  }
}
