package dev.docket.usecase.port;

import dev.docket.domain.Names;
import java.time.Instant;
import java.util.Objects;

/**
 * What the jobs of one queue and kind did in one bucket of time, across the nodes that reported
 * them: attempts by how they ended, how long jobs waited from due to start, and how long attempts
 * ran.
 *
 * @param bucket the start of the bucket
 * @param queue the queue
 * @param kind the kind
 * @param completed attempts that completed their job
 * @param retried attempts that failed and left the job to be retried
 * @param dead attempts that failed for good: the job went to the dead letter
 * @param cancelled attempts that ended with their job cancelled
 * @param rescued attempts whose worker stopped reporting, so their lease expired
 * @param waits from due to start, for each attempt that started in the bucket
 * @param runs from start to end, for each attempt that ended in the bucket
 */
public record HistoryTally(
    Instant bucket,
    String queue,
    String kind,
    long completed,
    long retried,
    long dead,
    long cancelled,
    long rescued,
    DurationHistogram waits,
    DurationHistogram runs) {
  /** Checks names and counts. */
  public HistoryTally {
    Objects.requireNonNull(bucket, "bucket");
    Names.requireQueue(queue);
    Names.requireKind(kind);
    Objects.requireNonNull(waits, "waits");
    Objects.requireNonNull(runs, "runs");
    if (completed < 0 || retried < 0 || dead < 0 || cancelled < 0 || rescued < 0) {
      throw new IllegalArgumentException("A tally's counts are never negative.");
    }
  }

  /**
   * An empty tally of {@code queue} and {@code kind} in the bucket that starts at {@code bucket}.
   */
  public static HistoryTally empty(Instant bucket, String queue, String kind) {
    return new HistoryTally(
        bucket, queue, kind, 0, 0, 0, 0, 0, DurationHistogram.empty(), DurationHistogram.empty());
  }

  /** Attempts that failed, whether retried, dead-lettered or rescued. */
  public long failed() {
    return retried + dead + rescued;
  }

  /** This tally and {@code other} added up, in this tally's bucket, queue and kind. */
  public HistoryTally plus(HistoryTally other) {
    return new HistoryTally(
        bucket,
        queue,
        kind,
        completed + other.completed,
        retried + other.retried,
        dead + other.dead,
        cancelled + other.cancelled,
        rescued + other.rescued,
        waits.plus(other.waits),
        runs.plus(other.runs));
  }

  /** This tally moved to {@code otherBucket}. */
  public HistoryTally in(Instant otherBucket) {
    return new HistoryTally(
        otherBucket, queue, kind, completed, retried, dead, cancelled, rescued, waits, runs);
  }
}
