package dev.docket.usecase.port;

import dev.docket.domain.Names;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A node as the others see it: what it serves and runs, and when it last said so. Operators read it
 * to learn which node runs which kinds, and how many of its handlers are busy; nothing decides a
 * job's fate by it.
 *
 * <p>Immutable: the queues, the kinds and the busy handlers are sorted copies, the busy handlers
 * name every queue it serves (0 where none is given), and both instants are truncated to
 * microseconds, as every store keeps them. No component is null.
 *
 * @param name the node's name, the owner its leases carry: 1 to {@value #MAX_NAME_LENGTH}
 *     characters, no control characters
 * @param host the machine it runs on: 1 to {@value #MAX_HOST_LENGTH} characters, no control
 *     characters
 * @param startedAt when the node started
 * @param lastSeen when it last recorded its presence
 * @param queues the queues it serves, each with its concurrency (1 or more)
 * @param kinds the kinds it has handlers for, and so claims; empty when it has none
 * @param version Docket's version on that node, when its jar says
 * @param busy per queue it serves, how many of its handlers ran a job at {@link #lastSeen()}: 0 to
 *     the queue's concurrency
 */
public record Node(
    String name,
    String host,
    Instant startedAt,
    Instant lastSeen,
    Map<String, Integer> queues,
    Set<String> kinds,
    Optional<String> version,
    Map<String, Integer> busy) {
  /** The longest a node's name may be: the longest lease owner. */
  public static final int MAX_NAME_LENGTH = dev.docket.domain.Lease.MAX_OWNER_LENGTH;

  /** The longest a host name may be. */
  public static final int MAX_HOST_LENGTH = 255;

  /** The longest a version may be. */
  public static final int MAX_VERSION_LENGTH = 64;

  /** Validates and copies the components. */
  public Node {
    requireText("name", name, MAX_NAME_LENGTH);
    requireText("host", host, MAX_HOST_LENGTH);
    startedAt = Objects.requireNonNull(startedAt, "startedAt").truncatedTo(ChronoUnit.MICROS);
    lastSeen = Objects.requireNonNull(lastSeen, "lastSeen").truncatedTo(ChronoUnit.MICROS);
    Objects.requireNonNull(queues, "queues");
    var sortedQueues = new TreeMap<String, Integer>();
    queues.forEach(
        (queue, concurrency) -> {
          Names.requireQueue(queue);
          if (concurrency == null || concurrency < 1) {
            throw new IllegalArgumentException(
                "Node %s gives queue %s a concurrency of %s: use 1 or more."
                    .formatted(Names.quote(name), Names.quote(queue), concurrency));
          }
          sortedQueues.put(queue, concurrency);
        });
    queues = Collections.unmodifiableSortedMap(sortedQueues);
    Objects.requireNonNull(kinds, "kinds");
    kinds.forEach(Names::requireKind);
    kinds = Collections.unmodifiableSortedSet(new TreeSet<>(kinds));
    Objects.requireNonNull(version, "version");
    version.ifPresent(v -> requireText("version", v, MAX_VERSION_LENGTH));
    busy = busyOf(name, queues, Objects.requireNonNull(busy, "busy"));
  }

  /**
   * This node as seen again at {@code at}: the same node with a new {@link #lastSeen()}, and the
   * same busy handlers.
   */
  public Node seenAt(Instant at) {
    return new Node(name, host, startedAt, at, queues, kinds, version, busy);
  }

  /**
   * This node as seen again at {@code at} with {@code busy} handlers per queue: see {@link
   * #busy()}.
   */
  public Node seenAt(Instant at, Map<String, Integer> busy) {
    return new Node(name, host, startedAt, at, queues, kinds, version, busy);
  }

  private static Map<String, Integer> busyOf(
      String name, Map<String, Integer> queues, Map<String, Integer> busy) {
    var every = new TreeMap<String, Integer>();
    queues.forEach((queue, concurrency) -> every.put(queue, 0));
    busy.forEach(
        (queue, handlers) -> {
          Integer concurrency = queues.get(queue);
          if (concurrency == null) {
            throw new IllegalArgumentException(
                "Node %s has busy handlers in queue %s, which it does not serve."
                    .formatted(Names.quote(name), Names.quote(String.valueOf(queue))));
          }
          if (handlers == null || handlers < 0 || handlers > concurrency) {
            throw new IllegalArgumentException(
                "Node %s has %s busy handlers in queue %s: use 0 to its concurrency, %d."
                    .formatted(Names.quote(name), handlers, Names.quote(queue), concurrency));
          }
          every.put(queue, handlers);
        });
    return Collections.unmodifiableSortedMap(every);
  }

  private static void requireText(String what, String value, int maxLength) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()
        || value.length() > maxLength
        || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "Node %s %s is invalid: use 1 to %d characters, none of them control characters."
              .formatted(what, Names.quote(value), maxLength));
    }
  }
}
