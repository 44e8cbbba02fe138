package dev.docket.domain.archfixture;

import java.time.Instant;
import java.util.function.Supplier;

/** Reads the system clock through a method reference, which the clock rule must see too. */
public final class DomainClassReferencingInstantNow {

  public Supplier<Instant> clock() {
    return Instant::now;
  }
}
