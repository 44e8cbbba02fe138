package dev.docket.usecase;

import dev.docket.usecase.port.AuditEntry;
import dev.docket.usecase.port.AuditLog;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Writes the audit entry of a change, for every door a change comes through: the HTTP API and the
 * dashboard, and the CLI. One entry per change, written after the change, with the time of this
 * trail's clock.
 *
 * <p>A change that was made stays made when its entry cannot be written (the store fails between
 * the two): the failure is logged as a warning naming the entry, and the caller goes on, so a
 * client does not retry a change that took effect. Thread-safe.
 */
public final class AuditTrail {
  private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());

  private final AuditLog log;
  private final InstantSource clock;

  /** A trail that writes to {@code log} with the time of {@code clock}. */
  public AuditTrail(AuditLog log, InstantSource clock) {
    this.log = Objects.requireNonNull(log, "log");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The actor of the CLI, run by {@code user} of the operating system: {@code cli:<user>}. */
  public static String cliActor(String user) {
    return "cli:" + (user == null || user.isBlank() ? "unknown" : user.strip());
  }

  /**
   * Records that {@code actor} did {@code action} to {@code target}, ending with {@code status}.
   *
   * @return the stored entry, or null if the store failed (logged)
   */
  public AuditEntry record(String actor, String action, String target, int status) {
    var entry = AuditEntry.of(clock.instant(), actor, action, target, status);
    try {
      return log.record(entry);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "The audit entry of a change could not be written ({0}): {1} {2} {3} {4}",
          dev.docket.domain.LogText.escape(String.valueOf(e.getMessage())),
          dev.docket.domain.LogText.escape(entry.actor()),
          dev.docket.domain.LogText.escape(entry.action()),
          dev.docket.domain.LogText.escape(entry.target()),
          entry.status());
      return null;
    }
  }
}
