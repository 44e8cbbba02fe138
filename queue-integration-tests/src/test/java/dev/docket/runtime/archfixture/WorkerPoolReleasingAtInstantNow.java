package dev.docket.runtime.archfixture;

import java.time.Instant;

/** A runtime class that stamps a released job with the system clock, not the injected one. */
public final class WorkerPoolReleasingAtInstantNow {

  public Instant releasedAt() {
    return Instant.now();
  }
}
