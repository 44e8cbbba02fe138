package dev.docket.runtime;

import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
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
 * <p>Defaults: queue {@value JobSpec#DEFAULT_QUEUE} (where jobs submitted without a queue go) with
 * {@value #DEFAULT_CONCURRENCY} handlers, claim 10 ms of work ahead of free handlers ({@link
 * #DEFAULT_PREFETCH}), poll every second (with ±20% jitter), 60-second leases extended every third
 * of that, 30 seconds of grace on shutdown, handlers on virtual threads, no handler timeouts,
 * {@link #DEFAULT_RETENTION} and {@link #DEFAULT_AGING_THRESHOLD}. Immutable and thread-safe.
 */
public final class RuntimeOptions {
  /** Handlers at once per queue when none is given. */
  public static final int DEFAULT_CONCURRENCY = 10;

  /** The most handlers at once one queue may run. */
  public static final int MAX_CONCURRENCY = 10_000;

  /** How often an idle worker claims when no wake-up came. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** How long a shutdown lets running handlers finish before it interrupts them. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

  /**
   * How much work, in time at the observed rate, a queue's workers claim ahead of free handlers
   * when none is given: enough to keep handlers busy while the next claim travels, short enough
   * that an urgent job submitted later waits a few milliseconds at most.
   */
  public static final Duration DEFAULT_PREFETCH = Duration.ofMillis(10);

  /**
   * How often a node adds what its workers did to the cluster's history of attempts when not told
   * otherwise: the charts lag this much behind, and a node killed outright loses at most this much
   * of its share.
   */
  public static final Duration DEFAULT_HISTORY_INTERVAL = Duration.ofSeconds(5);

  /** The longest prefetch window: beyond it, work waits on one node that another could run. */
  public static final Duration MAX_PREFETCH = Duration.ofSeconds(1);

  private final String owner;
  private final Map<String, Integer> queues;
  private final Duration pollInterval;
  private final Duration leaseDuration;
  private final Duration shutdownGrace;
  private final Duration prefetch;
  private final boolean virtualThreads;
  private final Map<String, Duration> timeouts;
  private final Map<JobState, Duration> retention;
  private final Duration agingThreshold;
  private final Duration auditRetention;
  private final Duration historyInterval;

  /**
   * How long finished jobs are kept by default: completed a day, cancelled a week, failed 30 days.
   */
  public static final Map<JobState, Duration> DEFAULT_RETENTION =
      Map.of(
          JobState.COMPLETED, Duration.ofDays(1),
          JobState.CANCELLED, Duration.ofDays(7),
          JobState.FAILED, Duration.ofDays(30));

  /** How long the audit log keeps an entry by default: 90 days. */
  public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(90);

  /** How long a runnable job waits before it moves up a priority level: 10 minutes. */
  public static final Duration DEFAULT_AGING_THRESHOLD = Duration.ofMinutes(10);

  private RuntimeOptions(Builder b) {
    this.owner = b.owner;
    this.queues =
        Map.copyOf(
            b.queues.isEmpty() ? Map.of(JobSpec.DEFAULT_QUEUE, DEFAULT_CONCURRENCY) : b.queues);
    this.pollInterval = b.pollInterval;
    this.leaseDuration = b.leaseDuration;
    this.shutdownGrace = b.shutdownGrace;
    this.prefetch = b.prefetch;
    this.virtualThreads = b.virtualThreads;
    this.timeouts = Map.copyOf(b.timeouts);
    this.retention = Map.copyOf(b.retention);
    this.auditRetention = b.auditRetention;
    this.historyInterval = b.historyInterval;
    this.agingThreshold = b.agingThreshold;
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

  /**
   * How much work, measured in time at the rate the queue's jobs have been finishing, the workers
   * claim ahead of their free handlers; zero claims only as many jobs as handlers are free. See
   * {@link Builder#prefetch(Duration)}.
   */
  public Duration prefetch() {
    return prefetch;
  }

  /** Whether handlers run on virtual threads (else on platform threads). */
  public boolean virtualThreads() {
    return virtualThreads;
  }

  /** Per kind, how long a handler may run before it is interrupted and its attempt fails. */
  public Map<String, Duration> timeouts() {
    return timeouts;
  }

  /** How long finished jobs are kept, per finished state; states not named are kept forever. */
  public Map<JobState, Duration> retention() {
    return retention;
  }

  /**
   * How long the audit log keeps an entry: the maintenance purges older ones. Default {@link
   * #DEFAULT_AUDIT_RETENTION}.
   */
  public Duration auditRetention() {
    return auditRetention;
  }

  /**
   * How often this node adds what its workers did to the cluster's history of attempts, which the
   * dashboard's charts draw. Default {@link #DEFAULT_HISTORY_INTERVAL}.
   */
  public Duration historyInterval() {
    return historyInterval;
  }

  /** How long a runnable job waits before it moves up a priority level; empty when off. */
  public java.util.Optional<Duration> agingThreshold() {
    return java.util.Optional.ofNullable(agingThreshold);
  }

  /** Builds {@link RuntimeOptions}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private String owner = defaultOwner();
    private final Map<String, Integer> queues = new LinkedHashMap<>();
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration leaseDuration = ProcessorOptions.DEFAULT_LEASE;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private Duration prefetch = DEFAULT_PREFETCH;
    private boolean virtualThreads = true;
    private final Map<String, Duration> timeouts = new LinkedHashMap<>();
    private final Map<JobState, Duration> retention = new java.util.EnumMap<>(DEFAULT_RETENTION);
    private Duration agingThreshold = DEFAULT_AGING_THRESHOLD;
    private Duration auditRetention = DEFAULT_AUDIT_RETENTION;
    private Duration historyInterval = DEFAULT_HISTORY_INTERVAL;

    private Builder() {}

    /** Interrupts handlers of {@code kind} after {@code timeout}; the attempt then fails. */
    public Builder timeout(String kind, Duration timeout) {
      Names.requireKind(kind);
      timeouts.put(
          kind,
          within("Timeout of " + kind, timeout, Duration.ofMillis(1), ProcessorOptions.MAX_LEASE));
      return this;
    }

    /** Keeps finished jobs in {@code state} for {@code keep}, then purges them. */
    public Builder retention(JobState state, Duration keep) {
      if (!state.isFinished()) {
        throw new IllegalArgumentException(
            "Retention applies to finished states, and %s is not one.".formatted(state));
      }
      retention.put(
          state, within("Retention of " + state, keep, Duration.ZERO, Duration.ofDays(3650)));
      return this;
    }

    /** Keeps audit entries for {@code keep}, 1 day to 10 years, then purges them. */
    public Builder auditRetention(Duration keep) {
      this.auditRetention =
          within("Audit retention", keep, Duration.ofDays(1), Duration.ofDays(3650));
      return this;
    }

    /**
     * Adds this node's counts to the cluster's history of attempts every {@code interval}, 100 ms
     * to 10 minutes.
     */
    public Builder historyInterval(Duration interval) {
      this.historyInterval =
          within("History interval", interval, Duration.ofMillis(100), Duration.ofMinutes(10));
      return this;
    }

    /** Never purges finished jobs in {@code state}. */
    public Builder keepForever(JobState state) {
      retention.remove(state);
      return this;
    }

    /** Moves runnable jobs up a priority level after they waited {@code threshold}. */
    public Builder priorityAging(Duration threshold) {
      this.agingThreshold =
          within("Aging threshold", threshold, Duration.ofSeconds(1), Duration.ofDays(365));
      return this;
    }

    /** Turns priority aging off. */
    public Builder noPriorityAging() {
      this.agingThreshold = null;
      return this;
    }

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

    /**
     * How far ahead of free handlers the workers claim, 0 to {@link #MAX_PREFETCH}: at most this
     * long of work at the rate jobs have been finishing, plus the time a claim takes to come back
     * (counted up to 50 ms), and never more than ten jobs per handler or 500, whichever is more.
     * Claimed-ahead jobs wait in the node, most urgent first, under a lease like running jobs: the
     * heartbeat extends it, a cancel or a lost lease stops them before they start, and a shutdown
     * gives them back without using an attempt. Short jobs need it, since one claim then carries
     * many jobs instead of as many as handlers happen to be free; slow jobs barely use it, since a
     * few milliseconds of their work is less than one job. Zero turns it off.
     */
    public Builder prefetch(Duration window) {
      this.prefetch = within("Prefetch", window, Duration.ZERO, MAX_PREFETCH);
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
      String host = machineName();
      return "%s-%d-%s"
          .formatted(
              host.length() > 64 ? host.substring(0, 64) : host,
              ProcessHandle.current().pid(),
              UUID.randomUUID().toString().substring(0, 8));
    }
  }

  /**
   * The machine's name, so that leases and the dashboard name it: most shells do not export {@code
   * HOSTNAME}, so the operating system is asked when the environment does not say.
   */
  static String machineName() {
    for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
      String value = System.getenv(variable);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    try {
      String name = java.net.InetAddress.getLocalHost().getHostName();
      return name.isBlank() ? "host" : name;
    } catch (java.io.IOException e) {
      return "host";
    }
  }
}
