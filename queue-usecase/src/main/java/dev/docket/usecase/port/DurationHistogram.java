package dev.docket.usecase.port;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Counts of durations in buckets a quarter of a power of two wide, so any two histograms of the
 * same kind add up bucket by bucket, across nodes and across time, and a percentile read from the
 * sum is within about 10% of the exact one. Bucket {@code i} holds durations {@code d} with {@code
 * i = 4 * log2(1 + d / 100 µs)} rounded down: bucket 13 holds about 1 ms, 53 about 1 s, 100 about
 * an hour; the last, {@value #BUCKETS}{@code - 1}, holds everything longer (about 13 days and up).
 * Immutable; trailing empty buckets are not kept.
 */
public final class DurationHistogram {
  /** How many buckets there are. */
  public static final int BUCKETS = 128;

  private static final DurationHistogram EMPTY = new DurationHistogram(new long[0]);
  private static final double UNIT_MICROS = 100;

  private final long[] counts;

  private DurationHistogram(long[] counts) {
    this.counts = counts;
  }

  /** A histogram with nothing in it. */
  public static DurationHistogram empty() {
    return EMPTY;
  }

  /**
   * A histogram of these counts per bucket, bucket 0 first.
   *
   * @throws IllegalArgumentException if there are more than {@value #BUCKETS} or one is negative
   */
  public static DurationHistogram of(long... counts) {
    if (counts.length > BUCKETS) {
      throw new IllegalArgumentException(
          "A histogram has %d buckets, not %d.".formatted(BUCKETS, counts.length));
    }
    for (long count : counts) {
      if (count < 0) {
        throw new IllegalArgumentException("A histogram's counts are never negative: " + count);
      }
    }
    return new DurationHistogram(trimmed(counts.clone()));
  }

  /** The bucket that holds {@code duration}; negative durations count as zero. */
  public static int bucketOf(Duration duration) {
    long micros;
    try {
      micros = Math.max(0, duration.toNanos() / 1_000);
    } catch (ArithmeticException tooLong) {
      return BUCKETS - 1;
    }
    int bucket = (int) Math.floor(4 * log2(1 + micros / UNIT_MICROS));
    return Math.min(bucket, BUCKETS - 1);
  }

  /** The shortest duration bucket {@code i} holds. */
  public static Duration lowerBound(int bucket) {
    return Duration.ofNanos((long) (UNIT_MICROS * 1_000 * (Math.pow(2, bucket / 4.0) - 1)));
  }

  /** The count in each bucket, bucket 0 first, up to the last that is not empty. */
  public long[] counts() {
    return counts.clone();
  }

  /** How many durations there are in all. */
  public long total() {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }

  /** Whether it holds no durations. */
  public boolean isEmpty() {
    return counts.length == 0;
  }

  /** This histogram and {@code other} added bucket by bucket. */
  public DurationHistogram plus(DurationHistogram other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    long[] sum = Arrays.copyOf(counts, Math.max(counts.length, other.counts.length));
    for (int i = 0; i < other.counts.length; i++) {
      sum[i] = Math.addExact(sum[i], other.counts[i]);
    }
    return new DurationHistogram(sum);
  }

  /**
   * The duration below which {@code quantile} of the durations lie, as the middle of the bucket
   * where that share is reached (the geometric middle of its bounds); empty for an empty histogram.
   *
   * @throws IllegalArgumentException if {@code quantile} is not between 0 and 1
   */
  public Optional<Duration> quantile(double quantile) {
    if (!(quantile >= 0 && quantile <= 1)) {
      throw new IllegalArgumentException("A quantile lies between 0 and 1, not " + quantile);
    }
    long total = total();
    if (total == 0) {
      return Optional.empty();
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Optional.of(middle(i));
      }
    }
    return Optional.of(middle(counts.length - 1));
  }

  private static Duration middle(int bucket) {
    double low = UNIT_MICROS * 1_000 * (Math.pow(2, bucket / 4.0) - 1);
    double high = UNIT_MICROS * 1_000 * (Math.pow(2, (bucket + 1) / 4.0) - 1);
    // Bucket 0 starts at zero, whose geometric middle with anything is zero: take the arithmetic.
    return Duration.ofNanos((long) (low == 0 ? high / 2 : Math.sqrt(low * high)));
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static long[] trimmed(long[] counts) {
    int length = counts.length;
    while (length > 0 && counts[length - 1] == 0) {
      length--;
    }
    return length == counts.length ? counts : Arrays.copyOf(counts, length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DurationHistogram other && Arrays.equals(counts, other.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "DurationHistogram" + Arrays.toString(counts);
  }
}
