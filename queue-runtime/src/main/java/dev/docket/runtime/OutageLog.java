package dev.docket.runtime;

import java.lang.System.Logger.Level;

/**
 * Logs a recurring task's failures once per outage: a warning when it first fails, quiet (debug)
 * while it keeps failing, and a line when it works again. A database that is down for ten minutes
 * must not write a warning per heartbeat, report and maintenance round. Public for the hosts around
 * a runtime (the CLI's loops) that poll the store the same way. Thread-safe.
 */
public final class OutageLog {
  private final System.Logger log;
  private final String task;
  private boolean down; // guarded by this

  /** Logs to {@code log} about {@code task}, named in each line ("Firing schedules"). */
  public OutageLog(System.Logger log, String task) {
    this.log = log;
    this.task = task;
  }

  /** The task failed with {@code failure}. */
  public void failed(Throwable failure) {
    boolean first;
    synchronized (this) {
      first = !down;
      down = true;
    }
    String reason =
        dev.docket.domain.LogText.escape(
            failure.getMessage() == null ? failure.toString() : failure.getMessage());
    if (first) {
      log.log(
          Level.WARNING,
          "{0} failed ({1}); retrying, and quiet until it works again.",
          task,
          reason);
    } else {
      log.log(Level.DEBUG, "{0} failed again ({1}).", task, reason);
    }
  }

  /** The task worked. */
  public void succeeded() {
    boolean recovered;
    synchronized (this) {
      recovered = down;
      down = false;
    }
    if (recovered) {
      log.log(Level.INFO, "{0} works again.", task);
    }
  }
}
