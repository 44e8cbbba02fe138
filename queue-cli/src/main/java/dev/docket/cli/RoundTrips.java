package dev.docket.cli;

import dev.docket.runtime.WorkerObserver;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** Counts a node's claims and reports and their total round-trip time, for the bench's report. */
final class RoundTrips implements WorkerObserver {
  private final LongAdder claims = new LongAdder();
  private final LongAdder claimNanos = new LongAdder();
  private final LongAdder reports = new LongAdder();
  private final LongAdder reportNanos = new LongAdder();

  /** A count of round trips and their total time. */
  record Totals(long count, double seconds) {}

  @Override
  public void claimed(String queue, int jobs, Duration roundTrip) {
    claims.increment();
    claimNanos.add(roundTrip.toNanos());
  }

  @Override
  public void reported(String queue, int outcomes, Duration roundTrip) {
    reports.increment();
    reportNanos.add(roundTrip.toNanos());
  }

  Totals claimTotals() {
    return new Totals(claims.sum(), claimNanos.sum() / 1e9);
  }

  Totals reportTotals() {
    return new Totals(reports.sum(), reportNanos.sum() / 1e9);
  }
}
