package dev.docket.usecase;

import dev.docket.domain.Lease;
import dev.docket.domain.Names;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link JobProcessor} claims jobs.
 *
 * @param owner the name this worker claims under, shown in leases and lease-expiry errors: unique
 *     per process, for example host, pid and a random suffix
 * @param leaseDuration how long a claim holds a job before it may be rescued, unless extended;
 *     {@link #DEFAULT_LEASE} by default
 * @param timeouts per kind, how long a handler may run before it is interrupted and the attempt
 *     fails with a {@code Timeout} error; kinds not named have no timeout
 */
public record ProcessorOptions(
    String owner, Duration leaseDuration, Map<String, Duration> timeouts) {
  /** The lease of a claim when none is given: 60 seconds. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

  /** The shortest lease allowed: 1 second. */
  public static final Duration MIN_LEASE = Duration.ofSeconds(1);

  /** The longest lease allowed: 24 hours. Longer work extends its lease as it goes. */
  public static final Duration MAX_LEASE = Duration.ofHours(24);

  /** Validates the options. */
  public ProcessorOptions {
    Objects.requireNonNull(owner, "owner");
    if (owner.isBlank() || owner.length() > Lease.MAX_OWNER_LENGTH) {
      throw new IllegalArgumentException(
          "Owner %s is invalid: use 1 to %d characters."
              .formatted(Names.quote(owner), Lease.MAX_OWNER_LENGTH));
    }
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    if (leaseDuration.compareTo(MIN_LEASE) < 0 || leaseDuration.compareTo(MAX_LEASE) > 0) {
      throw new IllegalArgumentException(
          "Lease duration %s is out of range: use %s to %s."
              .formatted(leaseDuration, MIN_LEASE, MAX_LEASE));
    }
    Objects.requireNonNull(timeouts, "timeouts");
    timeouts.forEach(
        (kind, timeout) -> {
          Names.requireKind(kind);
          if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException(
                "Timeout %s of kind '%s' is out of range: use more than 0 and at most %s."
                    .formatted(timeout, kind, MAX_LEASE));
          }
        });
    timeouts = Map.copyOf(timeouts);
  }

  /** Options with no handler timeouts. */
  public ProcessorOptions(String owner, Duration leaseDuration) {
    this(owner, leaseDuration, Map.of());
  }

  /** Options for {@code owner} with the default lease. */
  public static ProcessorOptions of(String owner) {
    return new ProcessorOptions(owner, DEFAULT_LEASE);
  }
}
