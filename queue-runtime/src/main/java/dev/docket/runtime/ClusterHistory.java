package dev.docket.runtime;

import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobListener;
import dev.docket.usecase.port.DurationHistogram;
import dev.docket.usecase.port.HistoryTally;
import dev.docket.usecase.port.JobHistory;
import dev.docket.usecase.port.JobHistory.Resolution;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The cluster's history of attempts per queue and kind, as the dashboard's charts draw it: how many
 * attempts completed and failed, how long jobs waited from due to start, how long attempts ran,
 * over the last hour, day or week, summed over every node. Each node counts what its own workers do
 * in memory and adds it to the store's {@link JobHistory} every {@link
 * RuntimeOptions#historyInterval()}, one row per bucket, queue and kind, so the history's cost
 * follows the number of queues and kinds, not of jobs. Counts a node could not store stay in memory
 * and go with its next add. Thread-safe.
 */
public final class ClusterHistory {
  /** How far back a view reaches, and the size of its buckets. */
  public enum Range {
    /** The last hour, minute by minute. */
    HOUR(Resolution.MINUTE, Duration.ofHours(1)),
    /** The last day, in ten-minute buckets. */
    DAY(Resolution.TEN_MINUTES, Duration.ofDays(1)),
    /** The last week, hour by hour. */
    WEEK(Resolution.HOUR, Duration.ofDays(7));

    private final Resolution resolution;
    private final Duration length;

    Range(Resolution resolution, Duration length) {
      this.resolution = resolution;
      this.length = length;
    }

    /** How much time one point covers. */
    public Duration step() {
      return resolution.width();
    }

    /** How much time the view covers. */
    public Duration length() {
      return length;
    }

    /** The range of this name, ignoring case: {@code hour}, {@code day} or {@code week}. */
    public static Range parse(String name) {
      for (Range range : values()) {
        if (range.name().equalsIgnoreCase(name)) {
          return range;
        }
      }
      throw new IllegalArgumentException(
          "Range %s is not one of hour, day, week.".formatted(dev.docket.domain.Names.quote(name)));
    }
  }

  /**
   * What the attempts of one bucket did.
   *
   * @param at the start of the bucket
   * @param completed attempts that completed their job
   * @param failed attempts that failed, whether retried, dead-lettered or rescued after their
   *     worker stopped reporting
   * @param dead of the failed attempts, those that sent their job to the dead letter
   * @param cancelled attempts that ended with their job cancelled
   * @param waitP50 the median wait from due to start, of attempts that started in the bucket
   * @param waitP95 the 95th percentile of that wait
   * @param runP50 the median run time, of attempts that ended in the bucket
   * @param runP95 the 95th percentile of the run time
   */
  public record Point(
      Instant at,
      long completed,
      long failed,
      long dead,
      long cancelled,
      Optional<Duration> waitP50,
      Optional<Duration> waitP95,
      Optional<Duration> runP50,
      Optional<Duration> runP95) {
    /** Checks for nulls. */
    public Point {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(waitP50, "waitP50");
      Objects.requireNonNull(waitP95, "waitP95");
      Objects.requireNonNull(runP50, "runP50");
      Objects.requireNonNull(runP95, "runP95");
    }

    /** Failed attempts as a share of the attempts that completed or failed; empty with none. */
    public Optional<Double> failureRate() {
      long ended = completed + failed;
      return ended == 0 ? Optional.empty() : Optional.of((double) failed / ended);
    }

    static Point of(Instant at, HistoryTally tally) {
      return new Point(
          at,
          tally.completed(),
          tally.failed(),
          tally.dead(),
          tally.cancelled(),
          tally.waits().quantile(0.5),
          tally.waits().quantile(0.95),
          tally.runs().quantile(0.5),
          tally.runs().quantile(0.95));
    }
  }

  /**
   * A view of the history.
   *
   * @param range how far back it reaches
   * @param from the start of its first point
   * @param to the end of its last point, the end of the bucket that holds now
   * @param queue the queue it is of, or empty for all
   * @param kind the kind it is of, or empty for all
   * @param points one for every bucket from {@code from} to {@code to}, oldest first, those with no
   *     attempts included
   * @param total the whole range as one point
   * @param queues every queue with attempts in the range, whatever the view's filter
   * @param kinds every kind with attempts in the range, whatever the view's filter
   */
  public record View(
      Range range,
      Instant from,
      Instant to,
      Optional<String> queue,
      Optional<String> kind,
      List<Point> points,
      Point total,
      List<String> queues,
      List<String> kinds) {
    /** Copies the lists. */
    public View {
      points = List.copyOf(points);
      queues = List.copyOf(queues);
      kinds = List.copyOf(kinds);
    }
  }

  private record Key(Instant minute, String queue, String kind) {}

  /**
   * Counts of one minute, queue and kind: handler threads add to them without a lock, and a flush
   * takes what they hold, leaving zeros.
   */
  private static final class Counts {
    static final int COMPLETED = 0;
    static final int RETRIED = 1;
    static final int DEAD = 2;
    static final int CANCELLED = 3;
    static final int RESCUED = 4;
    static final int WAITS = 5;
    static final int RUNS = WAITS + DurationHistogram.BUCKETS;

    final AtomicLongArray values = new AtomicLongArray(RUNS + DurationHistogram.BUCKETS);

    void add(int index) {
      values.incrementAndGet(index);
    }

    /** What the counts hold, taken out of them; empty when they held nothing. */
    Optional<HistoryTally> take(Key key) {
      long[] taken = new long[values.length()];
      boolean any = false;
      for (int i = 0; i < taken.length; i++) {
        if (values.get(i) != 0) {
          taken[i] = values.getAndSet(i, 0);
          any = true;
        }
      }
      if (!any) {
        return Optional.empty();
      }
      return Optional.of(
          new HistoryTally(
              key.minute(),
              key.queue(),
              key.kind(),
              taken[COMPLETED],
              taken[RETRIED],
              taken[DEAD],
              taken[CANCELLED],
              taken[RESCUED],
              DurationHistogram.of(Arrays.copyOfRange(taken, WAITS, RUNS)),
              DurationHistogram.of(Arrays.copyOfRange(taken, RUNS, taken.length))));
    }
  }

  /**
   * How many minutes, queues and kinds of counts a node keeps while the store cannot take them:
   * over a day of one queue and kind's minutes, and a few kilobytes each.
   */
  static final int MAX_UNSENT = 20_000;

  private static final System.Logger LOG = System.getLogger(ClusterHistory.class.getName());

  private final JobHistory store;
  private final InstantSource clock;
  private final OutageLog outage = new OutageLog(LOG, "Adding to the history of attempts");
  private final ConcurrentHashMap<Key, Counts> counting = new ConcurrentHashMap<>();
  // Per resolution, what is counted but not yet in the store: touched only by flush().
  private final Map<Resolution, Map<Key, HistoryTally>> unsent = new EnumMap<>(Resolution.class);
  private final Object flushing = new Object();

  ClusterHistory(JobHistory store, InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    for (Resolution resolution : Resolution.values()) {
      unsent.put(resolution, new LinkedHashMap<>());
    }
  }

  /** The listener that counts what this node's workers and maintenance report. */
  JobListener counter() {
    return this::count;
  }

  private void count(JobEvent event) {
    switch (event.type()) {
      case STARTED ->
          event
              .waited()
              .ifPresent(
                  waited -> counts(event).add(Counts.WAITS + DurationHistogram.bucketOf(waited)));
      case COMPLETED, RETRIED, DEAD, CANCELLED -> {
        // A job cancelled before it ran ended no attempt: only a worker's outcome has a run time.
        if (event.runTime().isEmpty()) {
          return;
        }
        Counts counts = counts(event);
        counts.add(Counts.RUNS + DurationHistogram.bucketOf(event.runTime().get()));
        counts.add(
            switch (event.type()) {
              case COMPLETED -> Counts.COMPLETED;
              case RETRIED -> Counts.RETRIED;
              case DEAD -> Counts.DEAD;
              default -> Counts.CANCELLED;
            });
      }
      case RESCUED -> counts(event).add(Counts.RESCUED);
      default -> {}
    }
  }

  private Counts counts(JobEvent event) {
    var key = new Key(Resolution.MINUTE.bucketOf(event.at()), event.queue(), event.kind());
    Counts counts = counting.get(key);
    return counts != null ? counts : counting.computeIfAbsent(key, k -> new Counts());
  }

  /**
   * Adds what this node counted since the last time to the store, each resolution on its own: one
   * that fails keeps its counts for the next time, and the others are not added twice.
   */
  void flush() {
    synchronized (flushing) {
      var counted = new ArrayList<HistoryTally>();
      // Minutes before the last one see no more events, but for a straggler: their counts go.
      Instant recent = Resolution.MINUTE.bucketOf(clock.instant()).minus(Duration.ofMinutes(1));
      for (var entry : counting.entrySet()) {
        Key key = entry.getKey();
        Counts counts = entry.getValue();
        if (key.minute().isBefore(recent)) {
          counting.remove(key, counts);
        }
        counts.take(key).ifPresent(counted::add);
      }
      for (var entry : unsent.entrySet()) {
        Resolution resolution = entry.getKey();
        Map<Key, HistoryTally> waiting = entry.getValue();
        for (HistoryTally tally : counted) {
          var bucket = new Key(resolution.bucketOf(tally.bucket()), tally.queue(), tally.kind());
          waiting.merge(bucket, tally.in(bucket.minute()), HistoryTally::plus);
        }
      }
      boolean failed = false;
      for (var entry : unsent.entrySet()) {
        Map<Key, HistoryTally> waiting = entry.getValue();
        if (waiting.isEmpty()) {
          continue;
        }
        try {
          store.add(entry.getKey(), List.copyOf(waiting.values()));
          waiting.clear();
        } catch (RuntimeException e) {
          failed = true;
          outage.failed(e);
          dropOldest(waiting);
        }
      }
      if (!failed) {
        outage.succeeded();
      }
    }
  }

  private static void dropOldest(Map<Key, HistoryTally> waiting) {
    var iterator = waiting.keySet().iterator();
    while (waiting.size() > MAX_UNSENT && iterator.hasNext()) {
      iterator.next();
      iterator.remove();
    }
  }

  /** Forgets buckets past their retention; on the node that runs the maintenance. */
  void purge() {
    store.purge(clock.instant());
  }

  /**
   * The history of the last {@code range}, of {@code queue} and {@code kind} when given, summed
   * over every node: what each node added, not what it counts now (at most {@link
   * RuntimeOptions#historyInterval()} behind).
   */
  public View view(Range range, Optional<String> queue, Optional<String> kind) {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(kind, "kind");
    Resolution resolution = range.resolution;
    Instant to = resolution.bucketOf(clock.instant()).plus(resolution.width());
    Instant from = to.minus(range.length);
    var queues = new TreeSet<String>();
    var kinds = new TreeSet<String>();
    var sums = new LinkedHashMap<Instant, HistoryTally>();
    for (Instant at = from; at.isBefore(to); at = at.plus(resolution.width())) {
      sums.put(at, HistoryTally.empty(at, "all", "all"));
    }
    HistoryTally total = HistoryTally.empty(from, "all", "all");
    for (HistoryTally tally :
        store.read(resolution, from, to, Optional.empty(), Optional.empty())) {
      queues.add(tally.queue());
      kinds.add(tally.kind());
      if (queue.map(tally.queue()::equals).orElse(true)
          && kind.map(tally.kind()::equals).orElse(true)) {
        var sum = sums.get(tally.bucket());
        if (sum != null) {
          sums.put(tally.bucket(), sum.plus(tally));
          total = total.plus(tally);
        }
      }
    }
    var points = new ArrayList<Point>(sums.size());
    sums.forEach((at, sum) -> points.add(Point.of(at, sum)));
    return new View(
        range,
        from,
        to,
        queue,
        kind,
        points,
        Point.of(from, total),
        List.copyOf(queues),
        List.copyOf(kinds));
  }
}
