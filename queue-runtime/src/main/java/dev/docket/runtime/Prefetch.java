package dev.docket.runtime;

import java.time.Duration;

/**
 * How many jobs a worker pool claims beyond its free handlers: the jobs its handlers finish in the
 * prefetch window, at the rate they have been finishing while the queue had work.
 *
 * <p>The rate rises with a 5 ms time constant and falls with a 50 ms one. Rising fast lets a pool
 * that started with one claim per free handler reach full batches within a few claims, and the
 * smoothing keeps two slow jobs that happen to finish together from looking like a fast queue.
 * Falling slowly keeps one slow job among fast ones from shrinking the batches, while a queue whose
 * jobs turned slow holds less within a few tens of milliseconds. Idle time, from the claim that
 * found the queue dry to the next claim, is not counted: a queue that waited is not slower for it.
 * Never more than {@code cap} jobs, whatever the rate, so a misjudged rate bounds the work held.
 *
 * <p>Used by the pool's dispatcher thread only: not thread-safe.
 */
final class Prefetch {
  private static final double RISE_NANOS = Duration.ofMillis(5).toNanos();
  private static final double FALL_NANOS = Duration.ofMillis(50).toNanos();
  private static final long MIN_SAMPLE_NANOS = Duration.ofMillis(2).toNanos();

  private final long windowNanos;
  private final int cap;
  private final int handlers;
  private final int fixed;
  private double perNano;
  private double jobNanos;
  private boolean measuring;
  private long sinceNanos;
  private long finishedSince;
  private long busySince;

  /**
   * @param window how long, at the observed rate, the jobs claimed ahead may take; zero for none
   * @param cap the most jobs claimed ahead
   * @param handlers how many handlers the pool runs at once
   */
  Prefetch(Duration window, int cap, int handlers) {
    this(window.toNanos(), Math.max(0, cap), handlers, -1);
  }

  private Prefetch(long windowNanos, int cap, int handlers, int fixed) {
    this.windowNanos = windowNanos;
    this.cap = cap;
    this.handlers = handlers;
    this.fixed = fixed;
  }

  /** Always {@code extra} jobs ahead, whatever the rate: for tests that need a known buffer. */
  static Prefetch fixed(int extra) {
    return new Prefetch(1, extra, 1, extra);
  }

  /**
   * How many jobs to claim beyond the free handlers now.
   *
   * @param nowNanos a monotonic time
   * @param finished how many jobs the pool has finished so far
   * @param busyNanos how long its handlers have run, all together, so far
   */
  int extra(long nowNanos, long finished, long busyNanos) {
    if (fixed >= 0) {
      return fixed;
    }
    if (windowNanos == 0) {
      return 0;
    }
    if (!measuring) {
      measuring = true;
      sinceNanos = nowNanos;
      finishedSince = finished;
      busySince = busyNanos;
    } else {
      long elapsed = nowNanos - sinceNanos;
      if (elapsed >= MIN_SAMPLE_NANOS) {
        long jobs = finished - finishedSince;
        double observed = jobs / (double) elapsed;
        double constant = observed >= perNano ? RISE_NANOS : FALL_NANOS;
        perNano += (observed - perNano) * (1 - Math.exp(-elapsed / constant));
        if (jobs > 0) {
          double mean = (busyNanos - busySince) / (double) jobs;
          jobNanos = jobNanos == 0 ? mean : jobNanos + (mean - jobNanos) * 0.3;
        }
        sinceNanos = nowNanos;
        finishedSince = finished;
        busySince = busyNanos;
      }
    }
    return (int) Math.min(cap, Math.floor(perNano() * windowNanos));
  }

  /**
   * The rate to size the prefetch by: what the handlers could do at the length their jobs have been
   * taking, but at most twice the rate observed. The rate observed alone would starve handlers
   * whose jobs take a few milliseconds: too few jobs ahead to cover the next claim make them wait,
   * which lowers the rate, which shrinks the prefetch. Twice the rate observed lets the prefetch
   * grow out of that within a few claims, while a queue that finishes fewer jobs than its handlers
   * could (the store sets the pace) holds at most two windows' worth.
   */
  private double perNano() {
    if (jobNanos <= 0) {
      return perNano;
    }
    double capacity = handlers / Math.max(jobNanos, 1);
    return Math.max(perNano, Math.min(capacity, 2 * perNano));
  }

  /** The queue ran dry: the wait until the next claim is not work time. */
  void idle() {
    measuring = false;
  }

  /** The rate the prefetch is sized by, in jobs per second. */
  double perSecond() {
    return perNano() * 1e9;
  }
}
