package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.store.memory.MemoryStore;
import dev.docket.usecase.port.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link NodeKindsScenarios} with the nodes on one in-memory store. */
class MemoryNodeKindsTest extends NodeKindsScenarios {
  private final MemoryStore store = MemoryStore.start();

  @Override
  DocketRuntime node(RuntimeOptions options, HandlerBinding<?>... handlers) {
    List<HandlerBinding<?>> bindings = List.of(handlers);
    return Guice.createInjector(
            new RuntimeRobustnessTest.SharedStore(store),
            new DocketModule(options),
            new AbstractModule() {
              @Override
              protected void configure() {
                bindings.forEach(h -> DocketModule.handlers(binder()).addBinding().toInstance(h));
              }
            })
        .getInstance(DocketRuntime.class);
  }

  @Test
  @Timeout(30)
  void aNodeThatDiedWithoutRemovingItself_isForgottenByTheMaintenance_andNotListed() {
    Instant now = Instant.now();
    Node dead =
        new Node(
            "node-dead",
            "h",
            now.minus(Duration.ofHours(1)),
            now.minus(DocketRuntime.NODE_SILENCE).minusSeconds(1),
            Map.of("default", 1),
            Set.of("work.kind"),
            Optional.empty(),
            Map.of());
    store.nodeRegistry().beat(dead);
    DocketRuntime node = node(RuntimeOptions.builder().owner("node-live").build());
    try {
      assertThat(node.nodes()).as("listed before it is forgotten").isEmpty();
      node.start();

      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  store.nodeRegistry().seenSince(Instant.EPOCH).stream()
                      .map(Node::name)
                      .toList()
                      .equals(List.of("node-live")));
      assertThat(node.nodes()).extracting(Node::name).containsExactly("node-live");
    } finally {
      node.stop(Duration.ZERO);
    }
    assertThat(store.nodeRegistry().seenSince(Instant.EPOCH)).as("removed at stop").isEmpty();
  }
}
