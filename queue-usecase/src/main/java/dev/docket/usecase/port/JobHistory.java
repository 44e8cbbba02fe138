package dev.docket.usecase.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's history of attempts, per queue and kind, in buckets of three sizes: every node adds
 * what its own workers did, and reads see the sum of all of them. Each size is kept for a bounded
 * time ({@link Resolution#retention()}), so the history costs at most a few rows per queue, kind
 * and bucket whatever the number of jobs. Thread-safe.
 */
public interface JobHistory {
  /** A size of bucket, and how long buckets of that size are kept. */
  enum Resolution {
    /** Buckets of a minute, kept three hours: the last hour, minute by minute. */
    MINUTE(Duration.ofMinutes(1), Duration.ofHours(3)),
    /** Buckets of ten minutes, kept two days: the last day. */
    TEN_MINUTES(Duration.ofMinutes(10), Duration.ofDays(2)),
    /** Buckets of an hour, kept nine days: the last week. */
    HOUR(Duration.ofHours(1), Duration.ofDays(9));

    private final Duration width;
    private final Duration retention;

    Resolution(Duration width, Duration retention) {
      this.width = width;
      this.retention = retention;
    }

    /** How much time one bucket covers. */
    public Duration width() {
      return width;
    }

    /** How long a bucket is kept after it starts. */
    public Duration retention() {
      return retention;
    }

    /** The start of the bucket that holds {@code at}. */
    public Instant bucketOf(Instant at) {
      long seconds = width.toSeconds();
      return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), seconds) * seconds);
    }

    /** Whether {@code at} starts a bucket of this size. */
    public boolean isBucketStart(Instant at) {
      return bucketOf(at).equals(at);
    }
  }

  /**
   * Adds {@code tallies} into the buckets of {@code resolution}: counts and histograms of a bucket,
   * queue and kind already kept are added to, not replaced, so nodes add what each saw.
   *
   * @throws IllegalArgumentException if a tally's bucket does not start a bucket of {@code
   *     resolution}
   */
  void add(Resolution resolution, List<HistoryTally> tallies);

  /**
   * The tallies of {@code resolution} whose bucket starts at or after {@code from} and before
   * {@code to}, one per bucket, queue and kind, oldest bucket first; only of {@code queue} and
   * {@code kind} when given.
   */
  List<HistoryTally> read(
      Resolution resolution,
      Instant from,
      Instant to,
      Optional<String> queue,
      Optional<String> kind);

  /**
   * Forgets the buckets of each resolution older than its retention at {@code now}.
   *
   * @return how many tallies were forgotten
   */
  int purge(Instant now);

  /** Checks that every tally starts a bucket of {@code resolution}. */
  static void requireBuckets(Resolution resolution, List<HistoryTally> tallies) {
    Objects.requireNonNull(resolution, "resolution");
    for (HistoryTally tally : tallies) {
      if (!resolution.isBucketStart(tally.bucket())) {
        throw new IllegalArgumentException(
            "%s does not start a bucket of %s.".formatted(tally.bucket(), resolution));
      }
    }
  }
}
