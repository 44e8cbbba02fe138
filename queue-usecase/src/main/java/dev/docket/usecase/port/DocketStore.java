package dev.docket.usecase.port;

/**
 * Everything one store provides, over the same data: its jobs, its wake-ups, its feed of changes,
 * pausing, schedule states, leader leases, the registry of nodes, the audit log and the history of
 * attempts. A runtime is wired from one of these. Thread-safe.
 */
public interface DocketStore {
  /** The jobs. */
  JobStorage storage();

  /** Wake-ups for idle workers. */
  WakeUps wakeUps();

  /** The feed of the changes the store accepted, for subscriptions and awaits. */
  JobChanges changes();

  /** Pausing and resuming queues. */
  QueueControl queueControl();

  /** The shared state of recurring schedules. */
  ScheduleStates scheduleStates();

  /** Leases that let one node at a time run the maintenance. */
  LeaderLease leaderLease();

  /** Which nodes run, and what each serves and runs. */
  NodeRegistry nodeRegistry();

  /** The audit log of the changes operators made. */
  AuditLog auditLog();

  /** The cluster's history of attempts per queue and kind, for charts. */
  JobHistory jobHistory();

  /**
   * Checks that the store answers now, for readiness probes: returns quietly, or throws.
   *
   * @throws StorageException if the store cannot be reached
   */
  void checkHealth();
}
