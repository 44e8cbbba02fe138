package dev.docket.usecase.archfixture;

import java.time.Clock;
import java.time.InstantSource;

/** A service, not the Defaults class, that picks the system clock itself. */
public final class ServiceUsingTheSystemClock {

  public InstantSource clock() {
    return Clock.systemUTC();
  }
}
