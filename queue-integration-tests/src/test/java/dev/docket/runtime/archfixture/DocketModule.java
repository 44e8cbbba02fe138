package dev.docket.runtime.archfixture;

import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * A runtime class that picks the system clock and random source. It shares its simple name with the
 * runtime's Guice module, whose defaults are exempt from the clock rule; the exemption names that
 * class exactly, so this one is reported.
 */
public final class DocketModule {

  public InstantSource clock() {
    return InstantSource.system();
  }

  public RandomGenerator random() {
    return ThreadLocalRandom.current();
  }
}
