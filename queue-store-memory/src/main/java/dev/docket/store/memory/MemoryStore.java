package dev.docket.store.memory;

import dev.docket.usecase.port.AuditLog;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.NodeRegistry;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;

/**
 * The in-memory store.
 *
 * <p>The store keeps every job in the heap until it is purged: run the maintenance purge, or it
 * grows with every job submitted. Claims take no global lock, so many workers claim in parallel.
 * Thread-safe.
 */
public final class MemoryStore implements DocketStore {
  private final InMemoryJobStorage storage;
  private final InMemoryScheduleStates schedules = new InMemoryScheduleStates();
  private final InMemoryLeaderLease leases = new InMemoryLeaderLease();
  private final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
  private final InMemoryAuditLog audit = new InMemoryAuditLog(InMemoryAuditLog.DEFAULT_CAPACITY);
  private final InMemoryJobHistory history = new InMemoryJobHistory();

  private MemoryStore(InMemoryJobStorage storage) {
    this.storage = storage;
  }

  /** A new, empty store with its wake-ups, for a runtime. */
  public static MemoryStore start() {
    return new MemoryStore(new InMemoryJobStorage());
  }

  /** A new, empty, thread-safe store, for tests and code that needs no wake-ups. */
  public static JobStorage create() {
    return new InMemoryJobStorage();
  }

  /** The store's jobs. */
  @Override
  public JobStorage storage() {
    return storage;
  }

  /**
   * Wake-ups whenever a job becomes due at once: submitted to run now, released, retried by hand or
   * retried without delay. Jobs that become due later are found by polling.
   */
  @Override
  public WakeUps wakeUps() {
    return storage;
  }

  @Override
  public JobChanges changes() {
    return storage;
  }

  /** Pausing and resuming queues; a paused queue's jobs are not claimed. */
  @Override
  public QueueControl queueControl() {
    return storage;
  }

  /** The shared state of recurring schedules. */
  @Override
  public ScheduleStates scheduleStates() {
    return schedules;
  }

  /** Leases that let one node run the maintenance. */
  @Override
  public LeaderLease leaderLease() {
    return leases;
  }

  /** Which nodes run on this store, and what each serves and runs. */
  @Override
  public NodeRegistry nodeRegistry() {
    return nodes;
  }

  /**
   * The audit log, in a ring of the newest 10,000 entries: older ones go first, whatever the
   * retention says.
   */
  @Override
  public AuditLog auditLog() {
    return audit;
  }

  /** The history of attempts, in the heap, each resolution kept for its retention. */
  @Override
  public dev.docket.usecase.port.JobHistory jobHistory() {
    return history;
  }

  /** The heap always answers. */
  @Override
  public void checkHealth() {}
}
