package dev.docket.usecase.archfixture;

import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;

/** Follows the clock rule: time comes from injected sources, so it must not be reported. */
public final class ServiceUsingAnInjectedClock {

  private final InstantSource source;
  private final Clock clock;

  public ServiceUsingAnInjectedClock(InstantSource source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  public Instant now() {
    return source.instant().isAfter(Instant.now(clock)) ? source.instant() : Instant.now(clock);
  }
}
