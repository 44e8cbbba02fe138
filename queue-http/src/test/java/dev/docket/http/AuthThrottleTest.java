package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private final AuthThrottle throttle = new AuthThrottle();

  @Test
  void anAddress_mayFailAFewTimes_thenWaitsLongerAfterEachFailure_upToTheCap() {
    for (int i = 0; i < AuthThrottle.FREE_FAILURES; i++) {
      throttle.failed("10.0.0.9", NOW);
    }
    assertThat(throttle.shutOut("10.0.0.9", NOW)).isEmpty();

    throttle.failed("10.0.0.9", NOW);
    assertThat(throttle.shutOut("10.0.0.9", NOW)).contains(Duration.ofSeconds(1));
    throttle.failed("10.0.0.9", NOW);
    assertThat(throttle.shutOut("10.0.0.9", NOW)).contains(Duration.ofSeconds(2));
    throttle.failed("10.0.0.9", NOW);
    assertThat(throttle.shutOut("10.0.0.9", NOW)).contains(Duration.ofSeconds(4));
    for (int i = 0; i < 30; i++) {
      throttle.failed("10.0.0.9", NOW);
    }
    assertThat(throttle.shutOut("10.0.0.9", NOW)).contains(AuthThrottle.MAX_LOCKOUT);
    assertThat(throttle.shutOut("10.0.0.9", NOW.plus(AuthThrottle.MAX_LOCKOUT))).isEmpty();
    assertThat(throttle.shutOut("10.0.0.10", NOW)).as("another address").isEmpty();
  }

  @Test
  void aSuccess_orAQuietSpell_forgivesTheFailures() {
    for (int i = 0; i <= AuthThrottle.FREE_FAILURES; i++) {
      throttle.failed("10.0.0.9", NOW);
      throttle.failed("10.0.0.8", NOW);
    }
    throttle.succeeded("10.0.0.9");
    Instant later = NOW.plus(AuthThrottle.FORGET_AFTER);
    throttle.failed("10.0.0.8", later);

    assertThat(throttle.shutOut("10.0.0.9", NOW)).isEmpty();
    assertThat(throttle.shutOut("10.0.0.8", later)).as("starts a new count").isEmpty();
  }

  @Test
  void ipv6Addresses_countByTheirNetwork() {
    for (int i = 0; i <= AuthThrottle.FREE_FAILURES; i++) {
      throttle.failed("2001:db8:1:2::" + Integer.toHexString(i + 1), NOW);
    }

    assertThat(throttle.shutOut("2001:db8:1:2:ffff::1", NOW)).isPresent();
    assertThat(throttle.shutOut("2001:db8:1:3::1", NOW)).isEmpty();
  }

  @Test
  void theTable_holdsABoundedNumberOfAddresses() {
    for (int i = 0; i < AuthThrottle.MAX_ADDRESSES + 500; i++) {
      throttle.failed("10.%d.%d.%d".formatted(i >> 16 & 255, i >> 8 & 255, i & 255), NOW);
    }

    assertThat(throttle.size()).isEqualTo(AuthThrottle.MAX_ADDRESSES);
    assertThat(throttle.failures()).isEqualTo(AuthThrottle.MAX_ADDRESSES + 500);
  }
}
