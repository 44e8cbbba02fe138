package dev.docket.usecase.port;

import java.time.Instant;
import java.util.List;

/**
 * Which nodes run, and what each serves and runs, as every node records it of itself: a node beats
 * at start and then regularly, and removes itself when it stops cleanly. A node that dies stops
 * beating; {@link #expire} forgets it later. Operators read the list (the dashboard's Nodes
 * section); claiming never does. Thread-safe.
 */
public interface NodeRegistry {
  /**
   * Records {@code node} as present at its {@link Node#lastSeen()}: adds it, or replaces what is
   * stored under its name. A beat older than the stored one changes nothing, so the latest beat
   * wins whatever order beats arrive in.
   */
  void beat(Node node);

  /** The nodes whose last beat is at or after {@code since}, by name. */
  List<Node> seenSince(Instant since);

  /**
   * Forgets the node named {@code name}, when it stops cleanly; an unknown name changes nothing.
   */
  void remove(String name);

  /**
   * Forgets every node whose last beat is before {@code cutoff}: nodes that died without removing
   * themselves.
   *
   * @return how many were forgotten
   */
  int expire(Instant cutoff);
}
