package dev.docket.usecase.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static Node node(Map<String, Integer> busy) {
    return new Node(
        "node-a",
        "host-a",
        T0,
        T0,
        Map.of("mail", 4, "default", 10),
        Set.of("email.send"),
        Optional.empty(),
        busy);
  }

  @Test
  void busyHandlers_nameEveryQueue_withZeroForTheOnesNotGiven() {
    assertThat(node(Map.of("mail", 4)).busy())
        .containsExactly(Map.entry("default", 0), Map.entry("mail", 4));
    assertThat(node(Map.of()).busy())
        .containsExactly(Map.entry("default", 0), Map.entry("mail", 0));
  }

  @Test
  void busyHandlers_ofAQueueTheNodeDoesNotServe_areRefused() {
    assertThatThrownBy(() -> node(Map.of("reports", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queue 'reports', which it does not serve");
  }

  @Test
  void busyHandlers_outsideZeroToTheConcurrency_areRefused() {
    assertThatThrownBy(() -> node(Map.of("mail", 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 busy handlers in queue 'mail': use 0 to its concurrency, 4");
    assertThatThrownBy(() -> node(Map.of("mail", -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1 busy handlers");
  }

  @Test
  void seenAgain_keepsTheBusyHandlers_unlessNewOnesAreGiven() {
    Node busy = node(Map.of("mail", 2));

    assertThat(busy.seenAt(T0.plusSeconds(1)).busy()).isEqualTo(busy.busy());
    assertThat(busy.seenAt(T0.plusSeconds(1), Map.of("default", 1)).busy())
        .containsExactly(Map.entry("default", 1), Map.entry("mail", 0));
  }
}
