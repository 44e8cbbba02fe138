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
 * <p>The window is widened by the time a claim takes to come back (at most {@link #MAX_COVER}), and
 * a busy pool claims again while the jobs it still holds cover that time: the handlers keep working
 * while the claim travels. With a window alone, a pool of 50 handlers on 5 ms jobs claimed again
 * when 2.5 ms of work was left, and in a fresh JVM, whose claims take tens of milliseconds, its
 * handlers waited for every claim.
 *
 * <p>Used by the pool's dispatcher thread only: not thread-safe.
 */
final class Prefetch {
  private static final double RISE_NANOS = Duration.ofMillis(5).toNanos();
  private static final double FALL_NANOS = Duration.ofMillis(50).toNanos();
  private static final long MIN_SAMPLE_NANOS = Duration.ofMillis(2).toNanos();

  /**
   * The most claim time the prefetch covers: a store slower than this is overloaded, and more jobs
   * held on one node would only wait there.
   */
  static final Duration MAX_COVER = Duration.ofMillis(50);

  private static final double MAX_COVER_NANOS = MAX_COVER.toNanos();

  private final long windowNanos;
  private final int cap;
  private final int handlers;
  private final int fixed;
  private double perNano;
  private double jobNanos;
  private double claimNanos;
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
    return (int) Math.min(cap, Math.floor(perNano() * (windowNanos + claimNanos)));
  }

  /**
   * A claim took {@code nanos} to come back. The cover rises to a slower claim at once and falls
   * back over a few claims, so one fast claim among slow ones does not leave the next to starve.
   */
  void claimed(long nanos) {
    double sample = Math.min(Math.max(0, nanos), MAX_COVER_NANOS);
    claimNanos = sample >= claimNanos ? sample : claimNanos + (sample - claimNanos) * 0.3;
  }

  /**
   * How much room a busy pool lets gather before it claims again, out of {@code target} jobs held
   * (running and waiting): half of them, or less when the jobs still waiting after that would not
   * last while the claim travels.
   *
   * @param target the jobs the pool holds when full: its handlers plus {@link #extra}
   * @param handlers how many of those its handlers run
   */
  int claimAgainAt(int target, int handlers) {
    int half = Math.max(1, target / 2);
    if (fixed >= 0 || windowNanos == 0) {
      return half;
    }
    int reserve = (int) Math.floor(perNano() * claimNanos);
    if (reserve == 0) {
      return half;
    }
    return Math.max(1, Math.min(half, target - handlers - reserve));
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
