package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How far ahead a pool claims: a short window of work at the rate its jobs finish. */
class PrefetchTest {
  private static final long MS = 1_000_000;

  /** Feeds {@code prefetch} a steady rate for {@code millis}, sampled every 2 ms. */
  private static int steady(
      Prefetch prefetch, long fromMs, long millis, double perMs, long[] done) {
    int extra = 0;
    for (long t = fromMs; t <= fromMs + millis; t += 2) {
      extra = prefetch.extra(t * MS, done[0]);
      done[0] += Math.round(2 * perMs);
    }
    return extra;
  }

  @Test
  void aStartingPool_claimsOnlyForItsFreeHandlers() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000);

    assertThat(prefetch.extra(0, 0)).isZero();
  }

  @Test
  void shortJobs_areClaimedAheadByTheWindowsWorthAtTheirRate() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000);

    // 10,000 jobs/s: 10 ms of them is 100 jobs.
    int extra = steady(prefetch, 0, 100, 10, new long[1]);

    assertThat(extra).isBetween(95, 100);
  }

  @Test
  void slowJobs_areNotClaimedAhead() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000);

    // 10 handlers on 1-second jobs: 10 jobs/s, so 10 ms of work is a tenth of a job.
    int extra = steady(prefetch, 0, 2_000, 0.01, new long[1]);

    assertThat(extra).isZero();
  }

  @Test
  void theCap_boundsTheJobsAhead_whateverTheRate() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 100);

    assertThat(steady(prefetch, 0, 100, 1_000, new long[1])).isEqualTo(100);
  }

  @Test
  void jobsThatTurnSlow_shrinkThePrefetchWithinAFewTensOfMilliseconds() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000);
    long[] done = new long[1];
    steady(prefetch, 0, 100, 10, done);

    int after = steady(prefetch, 102, 150, 0.01, done);

    assertThat(after).isLessThan(10);
  }

  @Test
  void idleTime_isNotCountedAsASlowRate() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000);
    long[] done = new long[1];
    int busy = steady(prefetch, 0, 100, 10, done);

    prefetch.idle();
    int afterAnIdleMinute = prefetch.extra(60_000 * MS, done[0]);

    assertThat(afterAnIdleMinute).isEqualTo(busy);
  }

  @Test
  void aZeroWindow_turnsPrefetchOff() {
    var prefetch = new Prefetch(Duration.ZERO, 1_000);

    assertThat(steady(prefetch, 0, 100, 10, new long[1])).isZero();
  }
}
