package dev.docket.store.postgres;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.usecase.port.DocketStore;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Binds {@link DocketStore} to PostgreSQL, for Guice applications; install it next to the runtime's
 * {@code DocketModule}. The store connects (and migrates, if the options say so) when it is first
 * asked for, not when the module is configured; the runtime closes it when it stops. Guice is an
 * optional dependency of this artifact: an application that wires Docket by hand uses {@link
 * PostgresStore#start(PostgresOptions)} and needs no Guice.
 */
public final class PostgresStoreModule extends AbstractModule {
  private final PostgresOptions options;

  /** The store with {@code options}. */
  public PostgresStoreModule(PostgresOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  @Provides
  @Singleton
  DocketStore store() {
    return PostgresStore.start(options);
  }
}
