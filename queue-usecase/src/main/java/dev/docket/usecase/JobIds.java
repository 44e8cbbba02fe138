package dev.docket.usecase;

import dev.docket.domain.JobId;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Makes version 7 UUIDs that strictly increase within this process: the 48-bit millisecond time and
 * a 12-bit counter, then 62 random bits. Increasing ids keep jobs submitted together in submission
 * order when they tie on priority and run-at.
 */
final class JobIds {
  private static final int COUNTER_BITS = 12;

  private final InstantSource clock;
  private final RandomGenerator random;

  /** Shared by every generator, so ids increase across all clients of this process. */
  private static final AtomicLong LAST = new AtomicLong();

  JobIds(InstantSource clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  JobId next() {
    long floor = clock.millis() << COUNTER_BITS;
    // A counter that runs past 12 bits borrows the next millisecond: still increasing.
    long stamp = LAST.updateAndGet(prev -> Math.max(prev + 1, floor));
    long millis = stamp >>> COUNTER_BITS;
    long counter = stamp & ((1L << COUNTER_BITS) - 1);
    long msb = (millis << 16) | 0x7000L | counter;
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return JobId.of(new UUID(msb, lsb));
  }
}
