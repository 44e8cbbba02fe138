package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How far ahead a pool claims: a short window of work at the rate its jobs finish. */
class PrefetchTest {
  private static final long MS = 1_000_000;

  /** What a pool has done so far: jobs finished and the handlers' time they took. */
  private static final class Pool {
    long finished;
    double busyNanos;
  }

  /**
   * Feeds {@code prefetch} a steady rate of jobs that each take {@code jobMs}, for {@code millis},
   * sampled every 2 ms, and returns the last answer.
   */
  private static int steady(
      Prefetch prefetch, Pool pool, long fromMs, long millis, double perMs, double jobMs) {
    int extra = 0;
    for (long t = fromMs; t <= fromMs + millis; t += 2) {
      extra = prefetch.extra(t * MS, pool.finished, (long) pool.busyNanos);
      long done = Math.round(2 * perMs);
      pool.finished += done;
      pool.busyNanos += done * jobMs * MS;
    }
    return extra;
  }

  /**
   * A prefetch of 50 handlers on 5 ms jobs that have finished what they could, 10 jobs a
   * millisecond, for 100 ms.
   */
  private static Prefetch fiftyBusyHandlers(int cap, Pool pool) {
    var prefetch = new Prefetch(Duration.ofMillis(10), cap, 50);
    steady(prefetch, pool, 0, 100, 10, 5);
    return prefetch;
  }

  @Test
  void aStartingPool_claimsOnlyForItsFreeHandlers() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 10);

    assertThat(prefetch.extra(0, 0, 0)).isZero();
  }

  @Test
  void shortJobs_whoseRateTheStoreSets_areClaimedAheadByAtMostTwoWindowsAtTheirRate() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 10);

    // 10,000 jobs/s of 10 µs each: the handlers could do far more, the store sets the pace.
    int extra = steady(prefetch, new Pool(), 0, 100, 10, 0.01);

    assertThat(extra).isBetween(190, 200);
  }

  @Test
  void handlersWaitingForJobs_getAPrefetchSizedByWhatTheyCouldDo() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 50);

    // 50 handlers on 5 ms jobs could do 10,000 jobs/s, but finish 4,000: too few jobs ahead.
    int extra = steady(prefetch, new Pool(), 0, 100, 4, 5);

    assertThat(extra).as("twice the 40 jobs the observed rate gives").isBetween(76, 80);
  }

  @Test
  void slowJobs_areNotClaimedAhead() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 10);

    // 10 handlers on 1-second jobs: 10 jobs/s, so 10 ms of work is a tenth of a job.
    int extra = steady(prefetch, new Pool(), 0, 2_000, 0.01, 1_000);

    assertThat(extra).isZero();
  }

  @Test
  void theCap_boundsTheJobsAhead_whateverTheRate() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 100, 10);

    assertThat(steady(prefetch, new Pool(), 0, 100, 1_000, 0.001)).isEqualTo(100);
  }

  @Test
  void jobsThatTurnSlow_shrinkThePrefetchWithinAFewTensOfMilliseconds() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 10);
    var pool = new Pool();
    steady(prefetch, pool, 0, 100, 10, 0.01);

    int after = steady(prefetch, pool, 102, 150, 0.01, 1_000);

    assertThat(after).isLessThan(10);
  }

  @Test
  void idleTime_isNotCountedAsASlowRate() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 10);
    var pool = new Pool();
    int busy = steady(prefetch, pool, 0, 100, 10, 0.01);

    prefetch.idle();
    int afterAnIdleMinute = prefetch.extra(60_000 * MS, pool.finished, (long) pool.busyNanos);

    assertThat(afterAnIdleMinute).isEqualTo(busy);
  }

  @Test
  void aZeroWindow_turnsPrefetchOff() {
    var prefetch = new Prefetch(Duration.ZERO, 1_000, 10);

    assertThat(steady(prefetch, new Pool(), 0, 100, 10, 0.01)).isZero();
  }

  @Test
  void aClaimThatTakesLong_widensThePrefetchByTheWorkDoneMeanwhile() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 50);
    var pool = new Pool();
    // 50 handlers on 5 ms jobs, finishing what they could: 10,000 jobs/s.
    int windowOnly = steady(prefetch, pool, 0, 100, 10, 5);

    prefetch.claimed(20 * MS);
    int covered = steady(prefetch, pool, 102, 10, 10, 5);

    assertThat(windowOnly).as("10 ms at 10 jobs/ms").isBetween(95, 100);
    assertThat(covered).as("10 ms plus the claim's 20, at 10 jobs/ms").isBetween(290, 300);
  }

  @Test
  void aBusyPool_claimsAgainWhileWhatItHoldsStillCoversTheClaim() {
    var pool = new Pool();
    var prefetch = fiftyBusyHandlers(1_000, pool);
    prefetch.claimed(20 * MS);
    int target = 50 + steady(prefetch, pool, 102, 10, 10, 5);

    int room = prefetch.claimAgainAt(target, 50);

    int waiting = target - room - 50;
    assertThat(waiting / 10.0)
        .as("ms of work still waiting when the claim goes out, at 10 jobs/ms")
        .isGreaterThanOrEqualTo(20);
    assertThat(room).as("a claim still carries a window's work").isGreaterThanOrEqualTo(95);
  }

  @Test
  void withoutAClaimTimed_aBusyPoolClaimsAgainWhenHalfItsRoomIsFree() {
    var prefetch = new Prefetch(Duration.ofMillis(10), 1_000, 10);
    int target = 10 + steady(prefetch, new Pool(), 0, 100, 10, 0.01);

    assertThat(prefetch.claimAgainAt(target, 10)).isEqualTo(target / 2);
  }

  @Test
  void theClaimTimeCovered_isBounded_soASlowStoreDoesNotPileJobsOnOneNode() {
    var pool = new Pool();
    var prefetch = fiftyBusyHandlers(100_000, pool);

    prefetch.claimed(2_000 * MS);
    int extra = steady(prefetch, pool, 102, 10, 10, 5);

    long boundMs = 10 + Prefetch.MAX_COVER.toMillis();
    assertThat(extra)
        .as("the window plus %d ms at 10 jobs/ms", boundMs - 10)
        .isLessThanOrEqualTo((int) (boundMs * 10));
  }

  @Test
  void fastClaimsAfterASlowOne_narrowTheCoverAgainWithinAFewClaims() {
    var pool = new Pool();
    var prefetch = fiftyBusyHandlers(1_000, pool);
    prefetch.claimed(40 * MS);
    int afterSlow = steady(prefetch, pool, 102, 10, 10, 5);

    for (int i = 0; i < 10; i++) {
      prefetch.claimed(1 * MS);
    }
    int afterFast = steady(prefetch, pool, 114, 10, 10, 5);

    assertThat(afterSlow).isGreaterThan(450);
    assertThat(afterFast).as("less than 5 ms of claim time still covered").isLessThan(150);
  }
}
