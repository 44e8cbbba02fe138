package dev.docket.metrics;

import dev.docket.domain.JobState;
import dev.docket.runtime.WorkerObserver;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.port.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A Docket node's meters in the application's own Micrometer {@link MeterRegistry}: jobs enqueued,
 * started, completed, failed, retried, dead, cancelled, released, rescued and deleted per queue and
 * kind; handlers' run time by outcome; the round trips of claims and reports; and, once {@link
 * #watch} is called, queue depth, the oldest due job's age and jobs per state.
 *
 * <p>Counters and run times come from job events, so they count what this node did; a monitoring
 * system sums the nodes. Queue gauges are the store's, the same on every node, read from the
 * runtime's statistics (cached for two seconds) when the registry reads them. Wire it as a listener
 * and an observer of the runtime:
 *
 * <pre>{@code
 * var metrics = new DocketMetrics(registry);
 * DocketRuntime docket =
 *     DocketRuntime.builder(store).listener(metrics).observer(metrics).handler(...).build();
 * metrics.watch(docket::stats);
 * }</pre>
 *
 * <p>In a Guice application install {@link MetricsModule} instead. Thread-safe.
 */
public final class DocketMetrics implements JobListener, WorkerObserver {
  private final MeterRegistry registry;
  private final InstantSource clock;
  private final Map<String, Timer> claimTimers = new ConcurrentHashMap<>();
  private final Map<String, Timer> reportTimers = new ConcurrentHashMap<>();
  private final Set<String> gaugedQueues = ConcurrentHashMap.newKeySet();
  private volatile Supplier<List<QueueStats>> stats;

  /** Meters in {@code registry}, with the system clock for the oldest job's age. */
  public DocketMetrics(MeterRegistry registry) {
    this(registry, InstantSource.system());
  }

  /** Meters in {@code registry}; {@code clock} tells the oldest due job's age. */
  public DocketMetrics(MeterRegistry registry, InstantSource clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Adds the queue gauges, read from {@code stats} (a runtime's {@code stats()}); queues get their
   * gauges as they first appear in it, at the first read of any gauge or {@link #refreshGauges}.
   * Reads nothing now.
   */
  public void watch(Supplier<List<QueueStats>> stats) {
    this.stats = Objects.requireNonNull(stats, "stats");
  }

  /** The registry the meters are in. */
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void on(JobEvent event) {
    Meters meters = meters(event.queue(), event.kind());
    int type = event.type().ordinal();
    meters.counter(type).increment();
    // Every failed attempt counts, whether it is retried or ends in the dead letter.
    if (event.type() == JobEvent.Type.RETRIED || event.type() == JobEvent.Type.DEAD) {
      meters.counter(FAILED).increment();
    }
    if (event.runTime().isPresent()) {
      meters.runTimer(type).record(event.runTime().get());
    }
  }

  /** The counter names by event type, and one more for failed attempts of either kind. */
  private static final String[] NAMES = names();

  private static final int FAILED = JobEvent.Type.values().length;

  private static String[] names() {
    var names = new String[JobEvent.Type.values().length + 1];
    for (JobEvent.Type type : JobEvent.Type.values()) {
      names[type.ordinal()] =
          switch (type) {
            case SUBMITTED -> "enqueued";
            case STARTED -> "started";
            case COMPLETED -> "completed";
            case RETRIED -> "retried";
            case DEAD -> "dead";
            case CANCELLED -> "cancelled";
            case RELEASED -> "released";
            case RESCUED -> "rescued";
            case DELETED -> "deleted";
          };
    }
    names[names.length - 1] = "failed";
    return names;
  }

  private final Map<String, Map<String, Meters>> byQueue = new ConcurrentHashMap<>();

  /**
   * The meters of one queue and kind. Every job raises two events; finding their meters by two
   * string lookups, with no key to build, keeps that off the workers' path.
   */
  private Meters meters(String queue, String kind) {
    return byQueue
        .computeIfAbsent(
            queue,
            q -> {
              gaugeQueue(q);
              return new ConcurrentHashMap<>();
            })
        .computeIfAbsent(kind, k -> new Meters(queue, kind));
  }

  private final class Meters {
    private final String queue;
    private final String kind;
    // Filled as first needed. A race registers a meter twice, and Micrometer hands back the one
    // it has, so no lock is needed.
    private final AtomicReferenceArray<Counter> counters = new AtomicReferenceArray<>(NAMES.length);
    private final AtomicReferenceArray<Timer> runTimers = new AtomicReferenceArray<>(NAMES.length);

    Meters(String queue, String kind) {
      this.queue = queue;
      this.kind = kind;
    }

    Counter counter(int type) {
      Counter counter = counters.get(type);
      if (counter == null) {
        String name = NAMES[type];
        counter =
            Counter.builder("docket.jobs." + name)
                .description(
                    name.equals("failed")
                        ? "Attempts that failed on this node, retried or dead-lettered"
                        : "Jobs " + name + " by this node")
                .tag("queue", queue)
                .tag("kind", kind)
                .register(registry);
        counters.set(type, counter);
      }
      return counter;
    }

    Timer runTimer(int type) {
      Timer timer = runTimers.get(type);
      if (timer == null) {
        timer =
            Timer.builder("docket.job.run")
                .description("How long handlers ran, by outcome")
                .tag("queue", queue)
                .tag("kind", kind)
                .tag("outcome", NAMES[type])
                .publishPercentileHistogram()
                .register(registry);
        runTimers.set(type, timer);
      }
      return timer;
    }
  }

  @Override
  public void reported(String queue, int outcomes, Duration roundTrip) {
    reportTimers
        .computeIfAbsent(
            queue,
            q ->
                Timer.builder("docket.report")
                    .description("Round trip of a batch of outcomes to the store")
                    .tag("queue", q)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(roundTrip);
  }

  @Override
  public void claimed(String queue, int jobs, Duration roundTrip) {
    claimTimers
        .computeIfAbsent(
            queue,
            q ->
                Timer.builder("docket.claim")
                    .description("Round trip of a claim to the store")
                    .tag("queue", q)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(roundTrip);
  }

  private void gaugeNewQueues(List<QueueStats> all) {
    for (QueueStats queue : all) {
      gaugeQueue(queue.queue());
    }
  }

  /** Registers a queue's gauges once: when it first shows in the statistics or in an event. */
  private void gaugeQueue(String name) {
    if (stats == null || !gaugedQueues.add(name)) {
      return;
    }
    Gauge.builder("docket.queue.depth", this, m -> m.depth(name))
        .description("Jobs due now and waiting for a worker")
        .tag("queue", name)
        .register(registry);
    Gauge.builder("docket.queue.oldest.age", this, m -> m.oldestAge(name))
        .description("How long the oldest due job has waited")
        .tag("queue", name)
        .baseUnit("seconds")
        .register(registry);
    for (JobState state : JobState.values()) {
      Gauge.builder("docket.queue.jobs", this, m -> m.count(name, state))
          .description("Jobs in the store by state")
          .tag("queue", name)
          .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
  }

  /**
   * A gauge's value from the queue's statistics: 0 once the queue has no jobs, NaN when the store
   * cannot tell (unknown rather than a made-up zero).
   */
  private double read(String name, java.util.function.ToDoubleFunction<QueueStats> value) {
    Supplier<List<QueueStats>> source = stats;
    if (source == null) {
      return 0;
    }
    try {
      List<QueueStats> all = source.get();
      gaugeNewQueues(all);
      for (QueueStats queue : all) {
        if (queue.queue().equals(name)) {
          return value.applyAsDouble(queue);
        }
      }
      return 0;
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private double depth(String queue) {
    return read(queue, QueueStats::due);
  }

  private double count(String queue, JobState state) {
    return read(queue, q -> q.count(state));
  }

  private double oldestAge(String queue) {
    Instant now = clock.instant();
    return read(queue, q -> q.oldestDueAge(now).map(age -> age.toNanos() / 1e9).orElse(0.0));
  }

  /**
   * Reads the statistics once so that queues seen for the first time get their gauges; a Prometheus
   * endpoint calls it before each scrape. Never throws: while the store is down the gauges read
   * NaN, and the counters still tell what this node did.
   */
  public void refreshGauges() {
    Supplier<List<QueueStats>> source = stats;
    if (source == null) {
      return;
    }
    try {
      gaugeNewQueues(source.get());
    } catch (RuntimeException e) {
      // The store is down: the gauges read NaN until it answers.
    }
  }
}
