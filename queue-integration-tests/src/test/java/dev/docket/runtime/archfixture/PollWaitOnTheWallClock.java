package dev.docket.runtime.archfixture;

/** A runtime class that measures a wait with the wall clock instead of System.nanoTime. */
public final class PollWaitOnTheWallClock {

  public long deadline(long millis) {
    return System.currentTimeMillis() + millis;
  }
}
