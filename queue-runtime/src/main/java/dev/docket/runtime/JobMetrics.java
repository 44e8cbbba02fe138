package dev.docket.runtime;

import dev.docket.domain.JobState;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.port.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The node's metrics in Micrometer, scraped by Prometheus, and the short throughput history the
 * dashboard draws.
 *
 * <p>Counters and run times come from job events, so they count what this node did; Prometheus sums
 * the nodes. Queue depth and the oldest job's age are the store's, the same on every node, read
 * from {@link StatsCache} when scraped. Thread-safe.
 */
final class JobMetrics implements JobListener {
  /** The throughput history: {@value #BUCKETS} buckets of {@link #BUCKET}, ten minutes. */
  static final Duration BUCKET = Duration.ofSeconds(5);

  static final int BUCKETS = 120;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final InstantSource clock;
  private final Map<String, Timer> claimTimers = new ConcurrentHashMap<>();
  private final Map<String, Timer> reportTimers = new ConcurrentHashMap<>();
  private final Set<String> gaugedQueues = ConcurrentHashMap.newKeySet();
  private final Throughput completed;
  private final Throughput failed;
  private volatile StatsCache stats;

  JobMetrics(InstantSource clock) {
    this.clock = clock;
    this.completed = new Throughput(clock);
    this.failed = new Throughput(clock);
  }

  /** Queue gauges read {@code stats}; queues get gauges as they first appear. */
  void watch(StatsCache stats) {
    this.stats = stats;
    stats.onRefresh(this::gaugeNewQueues);
  }

  @Override
  public void on(JobEvent event) {
    Meters meters = meters(event.queue(), event.kind());
    int type = event.type().ordinal();
    meters.counter(type).increment();
    switch (event.type()) {
      case COMPLETED -> completed.add(event.at());
      // Every failed attempt counts, whether it is retried or ends in the dead letter.
      case RETRIED, DEAD -> {
        failed.add(event.at());
        meters.counter(FAILED).increment();
      }
      default -> {}
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
        .computeIfAbsent(queue, q -> new ConcurrentHashMap<>())
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

  /** Records one report's round trip to the store, for a batch of {@code outcomes}. */
  void reported(String queue, long nanos, int outcomes) {
    reportTimers
        .computeIfAbsent(
            queue,
            q ->
                Timer.builder("docket.report")
                    .description("Round trip of a batch of outcomes to the store")
                    .tag("queue", q)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Claims so far on every queue: how many, and their total round trip time. */
  Totals claimTotals() {
    return totals(claimTimers);
  }

  /** Reports so far on every queue: how many, and their total round trip time. */
  Totals reportTotals() {
    return totals(reportTimers);
  }

  private static Totals totals(Map<String, Timer> timers) {
    long count = 0;
    double seconds = 0;
    for (Timer timer : timers.values()) {
      count += timer.count();
      seconds += timer.totalTime(TimeUnit.SECONDS);
    }
    return new Totals(count, seconds);
  }

  /** A count of round trips and their total time. */
  record Totals(long count, double seconds) {}

  /** Records one claim's round trip to the store. */
  void claimed(String queue, long nanos) {
    claimTimers
        .computeIfAbsent(
            queue,
            q ->
                Timer.builder("docket.claim")
                    .description("Round trip of a claim to the store")
                    .tag("queue", q)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private void gaugeNewQueues(List<QueueStats> all) {
    for (QueueStats queue : all) {
      if (gaugedQueues.add(queue.queue())) {
        String name = queue.queue();
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
    }
  }

  /**
   * A gauge's value from the queue's statistics: 0 once the queue has no jobs, NaN when the store
   * cannot tell (unknown rather than a made-up zero).
   */
  private double read(String name, java.util.function.ToDoubleFunction<QueueStats> value) {
    StatsCache cache = stats;
    if (cache == null) {
      return 0;
    }
    try {
      for (QueueStats queue : cache.get()) {
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
    return read(queue, QueueStats::runnable);
  }

  private double count(String queue, JobState state) {
    return read(queue, q -> q.count(state));
  }

  private double oldestAge(String queue) {
    Instant now = clock.instant();
    return read(queue, q -> q.oldestRunnableAge(now).map(age -> age.toNanos() / 1e9).orElse(0.0));
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    StatsCache cache = stats;
    if (cache != null) {
      try {
        cache.get(); // so that queues seen for the first time have their gauges in this scrape
      } catch (RuntimeException e) {
        // The store is down: its gauges read NaN, and the counters still tell what this node did.
      }
    }
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  /** Completed and failed attempts per {@link #BUCKET}, oldest first, ending now. */
  ThroughputView throughput() {
    Instant end = Throughput.bucketStart(clock.instant()).plus(BUCKET);
    return new ThroughputView(
        end.minus(BUCKET.multipliedBy(BUCKETS)), BUCKET, completed.counts(end), failed.counts(end));
  }

  /**
   * A throughput history.
   *
   * @param start the start of the first bucket
   * @param bucket the width of each bucket
   * @param completed jobs completed per bucket, oldest first
   * @param failed attempts failed per bucket, oldest first
   */
  record ThroughputView(Instant start, Duration bucket, List<Long> completed, List<Long> failed) {}

  /**
   * Counts per bucket in a ring: a slot holds the count and the bucket it belongs to, so a slot
   * left from ten minutes ago reads as zero instead of being cleared by a timer.
   */
  static final class Throughput {
    private final InstantSource clock;
    private final long[] epochs = new long[BUCKETS];
    private final long[] counts = new long[BUCKETS];

    Throughput(InstantSource clock) {
      this.clock = clock;
    }

    static Instant bucketStart(Instant at) {
      long width = BUCKET.toMillis();
      return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), width) * width);
    }

    synchronized void add(Instant at) {
      long bucket = Math.floorDiv(at.toEpochMilli(), BUCKET.toMillis());
      long newest = Math.floorDiv(clock.instant().toEpochMilli(), BUCKET.toMillis());
      if (bucket <= newest - BUCKETS || bucket > newest) {
        bucket = newest; // an event stamped by another clock still counts, now
      }
      int slot = (int) Math.floorMod(bucket, BUCKETS);
      if (epochs[slot] != bucket) {
        epochs[slot] = bucket;
        counts[slot] = 0;
      }
      counts[slot]++;
    }

    synchronized List<Long> counts(Instant end) {
      long last = Math.floorDiv(end.toEpochMilli(), BUCKET.toMillis()) - 1;
      var out = new ArrayList<Long>(BUCKETS);
      for (long bucket = last - BUCKETS + 1; bucket <= last; bucket++) {
        int slot = (int) Math.floorMod(bucket, BUCKETS);
        out.add(epochs[slot] == bucket ? counts[slot] : 0L);
      }
      return out;
    }
  }
}
