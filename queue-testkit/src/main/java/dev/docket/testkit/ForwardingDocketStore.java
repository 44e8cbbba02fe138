package dev.docket.testkit;

import dev.docket.usecase.port.AuditLog;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.NodeRegistry;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;
import java.util.Objects;

/**
 * A store that passes every call to another: a test overrides the parts it breaks or watches, such
 * as a feed of changes that goes silent or a health check that fails, and keeps the rest real.
 */
public class ForwardingDocketStore implements DocketStore {
  private final DocketStore delegate;

  /** A store that forwards to {@code delegate}. */
  public ForwardingDocketStore(DocketStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public JobStorage storage() {
    return delegate.storage();
  }

  @Override
  public WakeUps wakeUps() {
    return delegate.wakeUps();
  }

  @Override
  public JobChanges changes() {
    return delegate.changes();
  }

  @Override
  public QueueControl queueControl() {
    return delegate.queueControl();
  }

  @Override
  public ScheduleStates scheduleStates() {
    return delegate.scheduleStates();
  }

  @Override
  public LeaderLease leaderLease() {
    return delegate.leaderLease();
  }

  @Override
  public NodeRegistry nodeRegistry() {
    return delegate.nodeRegistry();
  }

  @Override
  public AuditLog auditLog() {
    return delegate.auditLog();
  }

  @Override
  public dev.docket.usecase.port.JobHistory jobHistory() {
    return delegate.jobHistory();
  }

  @Override
  public void checkHealth() {
    delegate.checkHealth();
  }
}
