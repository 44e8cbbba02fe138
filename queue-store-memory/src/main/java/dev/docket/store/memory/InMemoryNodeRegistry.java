package dev.docket.store.memory;

import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.NodeRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;

/** Nodes in a concurrent map by name; a beat is one atomic compute. */
final class InMemoryNodeRegistry implements NodeRegistry {
  private final ConcurrentSkipListMap<String, Node> nodes = new ConcurrentSkipListMap<>();

  @Override
  public void beat(Node node) {
    Objects.requireNonNull(node, "node");
    nodes.compute(
        node.name(),
        (name, stored) ->
            stored == null || !node.lastSeen().isBefore(stored.lastSeen()) ? node : stored);
  }

  @Override
  public List<Node> seenSince(Instant since) {
    Objects.requireNonNull(since, "since");
    return nodes.values().stream().filter(n -> !n.lastSeen().isBefore(since)).toList();
  }

  @Override
  public void remove(String name) {
    nodes.remove(Objects.requireNonNull(name, "name"));
  }

  @Override
  public int expire(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    int[] forgotten = {0};
    for (String name : nodes.keySet()) {
      // Removed only if still silent: a beat that lands meanwhile keeps the node.
      nodes.computeIfPresent(
          name,
          (n, node) -> {
            if (node.lastSeen().isBefore(cutoff)) {
              forgotten[0]++;
              return null;
            }
            return node;
          });
    }
    return forgotten[0];
  }
}
