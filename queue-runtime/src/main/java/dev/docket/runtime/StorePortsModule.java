package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.NodeRegistry;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;

/**
 * The ports of whichever {@link DocketStore} a store module binds: the one place that lists them.
 */
final class StorePortsModule extends AbstractModule {
  @Provides
  JobStorage storage(DocketStore store) {
    return store.storage();
  }

  @Provides
  WakeUps wakeUps(DocketStore store) {
    return store.wakeUps();
  }

  @Provides
  QueueControl queueControl(DocketStore store) {
    return store.queueControl();
  }

  @Provides
  ScheduleStates scheduleStates(DocketStore store) {
    return store.scheduleStates();
  }

  @Provides
  LeaderLease leaderLease(DocketStore store) {
    return store.leaderLease();
  }

  @Provides
  NodeRegistry nodeRegistry(DocketStore store) {
    return store.nodeRegistry();
  }

  // Installed by every store module: one instance counts as the same module.
  @Override
  public boolean equals(Object other) {
    return other instanceof StorePortsModule;
  }

  @Override
  public int hashCode() {
    return StorePortsModule.class.hashCode();
  }
}
