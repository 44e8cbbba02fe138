package dev.docket.runtime;

import com.google.inject.AbstractModule;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;

/** Runs Docket on the in-memory store: the embedded default, nothing to set up. */
public final class MemoryStoreModule extends AbstractModule {
  @Override
  protected void configure() {
    MemoryStore store = MemoryStore.start();
    bind(JobStorage.class).toInstance(store.storage());
    bind(WakeUps.class).toInstance(store.wakeUps());
    bind(QueueControl.class).toInstance(store.queueControl());
    bind(ScheduleStates.class).toInstance(store.scheduleStates());
    bind(LeaderLease.class).toInstance(store.leaderLease());
  }
}
