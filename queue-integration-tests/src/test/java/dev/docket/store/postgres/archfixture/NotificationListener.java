package dev.docket.store.postgres.archfixture;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A store class that makes its own randomness. It shares its simple name with the Postgres wake-up
 * listener, whose reconnect jitter is the one exception to the clock rule; the exception names that
 * class exactly, so this one is reported.
 */
public final class NotificationListener {

  public Duration jittered(Duration backoff) {
    return Duration.ofNanos(ThreadLocalRandom.current().nextLong(backoff.toNanos() + 1));
  }
}
