package dev.docket.runtime;

import dev.docket.domain.Names;
import dev.docket.usecase.ProcessorOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * How a runtime runs its workers: which queues with how many handlers at once, how often idle
 * workers poll, how long leases last and how long a shutdown waits.
 *
 * <p>Defaults: queue {@value #DEFAULT_QUEUE} with {@value #DEFAULT_CONCURRENCY} handlers, poll
 * every second (with ±20% jitter), 60-second leases extended every third of that, 30 seconds of
 * grace on shutdown, handlers on virtual threads. Immutable and thread-safe.
 */
public final class RuntimeOptions {
  /** The queue served when none is named. */
  public static final String DEFAULT_QUEUE = "default";

  /** Handlers at once per queue when none is given. */
  public static final int DEFAULT_CONCURRENCY = 10;

  /** The most handlers at once one queue may run. */
  public static final int MAX_CONCURRENCY = 10_000;

  /** How often an idle worker claims when no wake-up came. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** How long a shutdown lets running handlers finish before it interrupts them. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

  private final String owner;
  private final Map<String, Integer> queues;
  private final Duration pollInterval;
  private final Duration leaseDuration;
  private final Duration shutdownGrace;
  private final boolean virtualThreads;

  private RuntimeOptions(Builder b) {
    this.owner = b.owner;
    this.queues =
        Map.copyOf(b.queues.isEmpty() ? Map.of(DEFAULT_QUEUE, DEFAULT_CONCURRENCY) : b.queues);
    this.pollInterval = b.pollInterval;
    this.leaseDuration = b.leaseDuration;
    this.shutdownGrace = b.shutdownGrace;
    this.virtualThreads = b.virtualThreads;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static RuntimeOptions defaults() {
    return builder().build();
  }

  /** The name this runtime claims under. */
  public String owner() {
    return owner;
  }

  /** The queues served, with their concurrency. */
  public Map<String, Integer> queues() {
    return queues;
  }

  /** How often an idle worker polls. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** How long a claim's lease lasts unless extended. */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** How often leases of running jobs are extended: a third of the lease. */
  public Duration heartbeatInterval() {
    return leaseDuration.dividedBy(3);
  }

  /** How long a shutdown waits for running handlers. */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /** Whether handlers run on virtual threads (else on platform threads). */
  public boolean virtualThreads() {
    return virtualThreads;
  }

  /** Builds {@link RuntimeOptions}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private String owner = defaultOwner();
    private final Map<String, Integer> queues = new LinkedHashMap<>();
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration leaseDuration = ProcessorOptions.DEFAULT_LEASE;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private boolean virtualThreads = true;

    private Builder() {}

    /** The name to claim under; by default host, process id and a random suffix. */
    public Builder owner(String owner) {
      new ProcessorOptions(owner, ProcessorOptions.DEFAULT_LEASE); // validates the name
      this.owner = owner;
      return this;
    }

    /** Serves {@code queue} with up to {@code concurrency} handlers at once. */
    public Builder queue(String queue, int concurrency) {
      Names.requireQueue(queue);
      if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
        throw new IllegalArgumentException(
            "Concurrency %d of queue '%s' is out of range: use 1 to %d."
                .formatted(concurrency, queue, MAX_CONCURRENCY));
      }
      queues.put(queue, concurrency);
      return this;
    }

    /** How often idle workers poll, 10 ms to 1 hour. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval =
          within("Poll interval", interval, Duration.ofMillis(10), Duration.ofHours(1));
      return this;
    }

    /** How long leases last, see {@link ProcessorOptions#leaseDuration()}. */
    public Builder leaseDuration(Duration lease) {
      this.leaseDuration =
          within("Lease duration", lease, ProcessorOptions.MIN_LEASE, ProcessorOptions.MAX_LEASE);
      return this;
    }

    /** How long a shutdown waits for running handlers, 0 to 1 hour. */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = within("Shutdown grace", grace, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** Whether handlers run on virtual threads; platform threads otherwise. */
    public Builder virtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
      return this;
    }

    /** The options. */
    public RuntimeOptions build() {
      return new RuntimeOptions(this);
    }

    private static Duration within(String what, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, what);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            "%s %s is out of range: use %s to %s.".formatted(what, value, min, max));
      }
      return value;
    }

    private static String defaultOwner() {
      String host = System.getenv().getOrDefault("HOSTNAME", "host");
      return "%s-%d-%s"
          .formatted(
              host.length() > 64 ? host.substring(0, 64) : host,
              ProcessHandle.current().pid(),
              UUID.randomUUID().toString().substring(0, 8));
    }
  }
}
