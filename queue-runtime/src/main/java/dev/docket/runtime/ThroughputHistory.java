package dev.docket.runtime;

import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobListener;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's short throughput history, which the dashboard draws: completed and failed attempts in
 * {@value #BUCKETS} buckets of {@link #BUCKET}, ten minutes. Thread-safe.
 */
final class ThroughputHistory implements JobListener {
  static final Duration BUCKET = Duration.ofSeconds(5);
  static final int BUCKETS = 120;

  private final InstantSource clock;
  private final Ring completed;
  private final Ring failed;

  ThroughputHistory(InstantSource clock) {
    this.clock = clock;
    this.completed = new Ring(clock);
    this.failed = new Ring(clock);
  }

  @Override
  public void on(JobEvent event) {
    switch (event.type()) {
      case COMPLETED -> completed.add(event.at());
      // Every failed attempt counts, whether it is retried or ends in the dead letter.
      case RETRIED, DEAD -> failed.add(event.at());
      default -> {}
    }
  }

  /** Completed and failed attempts per {@link #BUCKET}, oldest first, ending now. */
  DocketRuntime.Throughput view() {
    Instant end = Ring.bucketStart(clock.instant()).plus(BUCKET);
    return new DocketRuntime.Throughput(
        end.minus(BUCKET.multipliedBy(BUCKETS)), BUCKET, completed.counts(end), failed.counts(end));
  }

  /**
   * Counts per bucket in a ring: a slot holds the count and the bucket it belongs to, so a slot
   * left from ten minutes ago reads as zero instead of being cleared by a timer.
   */
  static final class Ring {
    private final InstantSource clock;
    private final long[] epochs = new long[BUCKETS];
    private final long[] counts = new long[BUCKETS];

    Ring(InstantSource clock) {
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
