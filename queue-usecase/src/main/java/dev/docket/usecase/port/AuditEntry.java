package dev.docket.usecase.port;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One change an operator made, or tried to make, through the API, the dashboard or the CLI: who,
 * what, on what, when, and how it ended. Never a payload or a credential.
 *
 * <p>Immutable. Texts are stripped of control characters and cut to their longest length, so an
 * entry always fits its store; the instant is truncated to microseconds, as every store keeps it.
 *
 * @param id the store's number for it, growing with each entry; 0 for one not stored yet
 * @param at when the change was made
 * @param actor who made it: {@code admin token}, {@code read-only token}, {@code session 1a2b3c4d},
 *     {@code local session 1a2b3c4d} or {@code cli:<os user>}
 * @param action what was done: the method and route, such as {@code POST /api/jobs/{id}/retry}, or
 *     the CLI's command, such as {@code cli jobs retry}
 * @param target what it was done to: job ids, a queue, a schedule, a bulk action's filter and how
 *     many jobs changed; may be empty
 * @param status how it ended, as an HTTP status: 2xx done, 4xx refused
 */
public record AuditEntry(
    long id, Instant at, String actor, String action, String target, int status) {
  /** The longest actor kept. */
  public static final int MAX_ACTOR_LENGTH = 200;

  /** The longest action kept. */
  public static final int MAX_ACTION_LENGTH = 200;

  /** The longest target kept: room for many ids, never a whole request. */
  public static final int MAX_TARGET_LENGTH = 2_000;

  /** Checks and normalizes the components. */
  public AuditEntry {
    if (id < 0) {
      throw new IllegalArgumentException("Audit entry id %d is negative.".formatted(id));
    }
    Objects.requireNonNull(at, "at");
    at = at.truncatedTo(ChronoUnit.MICROS);
    actor = clean("actor", actor, MAX_ACTOR_LENGTH);
    action = clean("action", action, MAX_ACTION_LENGTH);
    target = target == null ? "" : cut(target, MAX_TARGET_LENGTH);
    if (actor.isEmpty() || action.isEmpty()) {
      throw new IllegalArgumentException("An audit entry needs an actor and an action.");
    }
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException(
          "Audit status %d is not an HTTP status (100 to 599).".formatted(status));
    }
  }

  /** A new entry, not stored yet. */
  public static AuditEntry of(Instant at, String actor, String action, String target, int status) {
    return new AuditEntry(0, at, actor, action, target, status);
  }

  /** This entry as stored under {@code id}. */
  public AuditEntry withId(long id) {
    return new AuditEntry(id, at, actor, action, target, status);
  }

  /** Whether the change was made, rather than refused or failed. */
  public boolean succeeded() {
    return status >= 200 && status < 300;
  }

  private static String clean(String name, String value, int max) {
    Objects.requireNonNull(value, name);
    return cut(value, max).strip();
  }

  private static String cut(String value, int max) {
    String text = value.replaceAll("\\p{Cntrl}", " ");
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
