package dev.docket.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.NodeRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link NodeRegistry}, as a suite that a store's tests inherit: one subclass that
 * supplies {@link #createRegistry()}.
 *
 * <pre>{@code
 * class MyNodeRegistryContractTest extends NodeRegistryContract {
 *   @Override
 *   protected NodeRegistry createRegistry() {
 *     return MyStore.createEmpty().nodeRegistry();
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class NodeRegistryContract {
  private final MutableClock clock = MutableClock.standard();
  private NodeRegistry registry;

  /** A new, empty registry; called before every test. */
  protected abstract NodeRegistry createRegistry();

  @BeforeEach
  final void startEmpty() {
    registry = createRegistry();
    assertThat(registry.seenSince(Instant.EPOCH)).as("nodes of a new registry").isEmpty();
  }

  private Node node(String name, Instant seen) {
    return new Node(
        name,
        "host-of-" + name,
        clock.instant(),
        seen,
        Map.of("mail", 4, "default", 10),
        Set.of("email.send", "report.build"),
        Optional.of("1.2.3"),
        Map.of("mail", 1));
  }

  @Test
  void beat_recordsTheNode_withEveryField() {
    Node node = node("node-a", clock.instant().plusNanos(1_234_567));

    registry.beat(node);

    assertThat(registry.seenSince(Instant.EPOCH)).containsExactly(node);
    Node read = registry.seenSince(Instant.EPOCH).get(0);
    assertThat(read.queues()).containsExactly(Map.entry("default", 10), Map.entry("mail", 4));
    assertThat(read.kinds()).containsExactly("email.send", "report.build");
    assertThat(read.busy()).containsExactly(Map.entry("default", 0), Map.entry("mail", 1));
    assertThat(read.lastSeen()).isEqualTo(clock.instant().plusNanos(1_234_000));
  }

  @Test
  void eachBeat_recordsTheBusyHandlersOfEveryQueue_asTheyAreThen() {
    Instant now = clock.instant();
    Node node = node("node-a", now);
    registry.beat(node.seenAt(now, Map.of("default", 10, "mail", 4)));
    registry.beat(node("node-b", now).seenAt(now, Map.of("default", 3)));

    assertThat(registry.seenSince(Instant.EPOCH))
        .extracting(Node::busy)
        .containsExactly(Map.of("default", 10, "mail", 4), Map.of("default", 3, "mail", 0));

    registry.beat(node.seenAt(now.plusSeconds(1), Map.of("mail", 1)));
    registry.beat(node.seenAt(now.plusSeconds(2), Map.of()));

    assertThat(registry.seenSince(Instant.EPOCH))
        .extracting(Node::name, Node::busy)
        .containsExactly(
            tuple("node-a", Map.of("default", 0, "mail", 0)),
            tuple("node-b", Map.of("default", 3, "mail", 0)));
  }

  @Test
  void anOlderBeat_leavesTheBusyHandlersOfTheLaterOne() {
    Instant now = clock.instant();
    Node node = node("node-a", now);
    registry.beat(node.seenAt(now.plusSeconds(5), Map.of("mail", 2)));

    registry.beat(node.seenAt(now.plusSeconds(4), Map.of("mail", 4)));

    assertThat(registry.seenSince(Instant.EPOCH))
        .singleElement()
        .extracting(Node::busy)
        .isEqualTo(Map.of("default", 0, "mail", 2));
  }

  @Test
  void aNodeWithoutQueuesKindsOrVersion_isRecordedAsSuch() {
    var bare =
        new Node(
            "bare",
            "h",
            clock.instant(),
            clock.instant(),
            Map.of(),
            Set.of(),
            Optional.empty(),
            Map.of());

    registry.beat(bare);

    assertThat(registry.seenSince(Instant.EPOCH)).containsExactly(bare);
  }

  @Test
  void seenSince_listsTheNodesSeenAtOrAfterTheInstant_byName() {
    Instant now = clock.instant();
    registry.beat(node("node-c", now));
    registry.beat(node("node-a", now.plusSeconds(5)));
    registry.beat(node("node-b", now.minusNanos(1_000)));

    assertThat(registry.seenSince(Instant.EPOCH))
        .extracting(Node::name)
        .containsExactly("node-a", "node-b", "node-c");
    assertThat(registry.seenSince(now)).extracting(Node::name).containsExactly("node-a", "node-c");
    assertThat(registry.seenSince(now.plusSeconds(5)))
        .extracting(Node::name)
        .containsExactly("node-a");
    assertThat(registry.seenSince(now.plusSeconds(6))).isEmpty();
  }

  @Test
  void aLaterBeat_replacesTheNode_andAnOlderOne_changesNothing() {
    Instant now = clock.instant();
    registry.beat(node("node-a", now));
    var redeployed =
        new Node(
            "node-a",
            "other-host",
            now.plusSeconds(9),
            now.plusSeconds(10),
            Map.of("reports", 2),
            Set.of("new.kind"),
            Optional.empty(),
            Map.of("reports", 2));

    registry.beat(redeployed);
    registry.beat(node("node-a", now.plusSeconds(5)));

    assertThat(registry.seenSince(Instant.EPOCH)).containsExactly(redeployed);
    registry.beat(redeployed.seenAt(now.plusSeconds(10)));
    assertThat(registry.seenSince(Instant.EPOCH)).containsExactly(redeployed);
  }

  @Test
  void remove_forgetsTheNode_andAnUnknownName_changesNothing() {
    registry.beat(node("node-a", clock.instant()));
    registry.beat(node("node-b", clock.instant()));

    registry.remove("node-a");
    registry.remove("node-a");
    registry.remove("unknown");

    assertThat(registry.seenSince(Instant.EPOCH)).extracting(Node::name).containsExactly("node-b");
  }

  @Test
  void expire_forgetsOnlyNodesSilentSinceBeforeTheCutoff_andCountsThem() {
    Instant now = clock.instant();
    registry.beat(node("silent-1", now.minusSeconds(120)));
    registry.beat(node("silent-2", now.minusSeconds(61)));
    registry.beat(node("edge", now.minusSeconds(60)));
    registry.beat(node("live", now));

    int forgotten = registry.expire(now.minusSeconds(60));

    assertThat(forgotten).isEqualTo(2);
    assertThat(registry.seenSince(Instant.EPOCH))
        .extracting(Node::name)
        .containsExactly("edge", "live");
    assertThat(registry.expire(now.minusSeconds(60))).isZero();
  }

  @Test
  void manyNodesBeatingAtOnce_eachEndsWithItsLatestBeat_andASharedNameWithTheLatestOfAll()
      throws Exception {
    int nodes = 8;
    int beats = 40;
    Instant start = clock.instant();
    ExecutorService pool = Executors.newFixedThreadPool(nodes);
    var go = new CountDownLatch(1);
    try {
      var done = new ArrayList<Future<?>>();
      for (int n = 0; n < nodes; n++) {
        String name = "node-" + n;
        int offset = n;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int b = 1; b <= beats; b++) {
                    Instant at = start.plus(Duration.ofMillis(b * 100L + offset));
                    registry.beat(node(name, at));
                    registry.beat(node("shared", at));
                    registry.seenSince(start);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<Node> seen = registry.seenSince(start);
    assertThat(seen).hasSize(nodes + 1);
    for (int n = 0; n < nodes; n++) {
      String name = "node-" + n;
      Instant last = start.plus(Duration.ofMillis(beats * 100L + n));
      assertThat(seen)
          .filteredOn(node -> node.name().equals(name))
          .singleElement()
          .extracting(Node::lastSeen)
          .isEqualTo(last);
    }
    assertThat(seen)
        .filteredOn(node -> node.name().equals("shared"))
        .singleElement()
        .extracting(Node::lastSeen)
        .isEqualTo(start.plus(Duration.ofMillis(beats * 100L + nodes - 1)));
  }
}
