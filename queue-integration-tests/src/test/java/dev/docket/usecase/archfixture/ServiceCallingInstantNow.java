package dev.docket.usecase.archfixture;

import java.time.Instant;

/** A service that reads the system clock instead of an injected InstantSource. */
public final class ServiceCallingInstantNow {

  public Instant runAt() {
    return Instant.now();
  }
}
