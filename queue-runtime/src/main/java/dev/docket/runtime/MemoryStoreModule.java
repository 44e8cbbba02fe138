package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;
import jakarta.inject.Singleton;

/** Runs Docket on the in-memory store: the embedded default, nothing to set up. */
public final class MemoryStoreModule extends AbstractModule {
  @Provides
  @Singleton
  MemoryStore store() {
    return MemoryStore.start();
  }

  @Provides
  JobStorage storage(MemoryStore store) {
    return store.storage();
  }

  @Provides
  WakeUps wakeUps(MemoryStore store) {
    return store.wakeUps();
  }

  @Provides
  QueueControl queueControl(MemoryStore store) {
    return store.queueControl();
  }

  @Provides
  ScheduleStates scheduleStates(MemoryStore store) {
    return store.scheduleStates();
  }

  @Provides
  LeaderLease leaderLease(MemoryStore store) {
    return store.leaderLease();
  }
}
