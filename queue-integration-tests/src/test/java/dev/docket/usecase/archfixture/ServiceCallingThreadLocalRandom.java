package dev.docket.usecase.archfixture;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** A service that jitters a backoff with its own random source instead of an injected one. */
public final class ServiceCallingThreadLocalRandom {

  public Duration backoff(Duration base) {
    return base.plusMillis(ThreadLocalRandom.current().nextLong(100));
  }
}
