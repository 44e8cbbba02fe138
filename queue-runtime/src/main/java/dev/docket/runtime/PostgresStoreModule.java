package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.port.DocketStore;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Runs Docket on PostgreSQL. The store connects (and migrates, if the options say so) when the
 * runtime is first asked for, not when the module is configured, and closes when the runtime stops.
 */
public final class PostgresStoreModule extends AbstractModule {
  private final PostgresOptions options;

  /** The store with {@code options}. */
  public PostgresStoreModule(PostgresOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override
  protected void configure() {
    install(new StorePortsModule());
    DocketModule.resources(binder()).addBinding().to(PostgresStore.class);
    bind(DocketStore.class).to(PostgresStore.class);
  }

  @Provides
  @Singleton
  PostgresStore store() {
    return PostgresStore.start(options);
  }
}
