package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;
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
    DocketModule.resources(binder()).addBinding().to(PostgresStore.class);
  }

  @Provides
  @Singleton
  PostgresStore store() {
    return PostgresStore.start(options);
  }

  @Provides
  JobStorage storage(PostgresStore store) {
    return store.storage();
  }

  @Provides
  WakeUps wakeUps(PostgresStore store) {
    return store.wakeUps();
  }

  @Provides
  QueueControl queueControl(PostgresStore store) {
    return store.queueControl();
  }

  @Provides
  ScheduleStates scheduleStates(PostgresStore store) {
    return store.scheduleStates();
  }

  @Provides
  LeaderLease leaderLease(PostgresStore store) {
    return store.leaderLease();
  }
}
