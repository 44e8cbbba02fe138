package dev.docket.usecase.archfixture;

import java.time.Clock;
import java.time.InstantSource;

/** A service that picks the system clock itself instead of receiving one. */
public final class ServiceUsingTheSystemClock {

  public InstantSource clock() {
    return Clock.systemUTC();
  }
}
