package dev.docket.usecase.port;

import java.time.Instant;
import java.util.Set;

/**
 * Pausing and resuming queues, for every node at once: a store that implements this claims nothing
 * from a paused queue, whichever worker asks. Jobs of a paused queue can still be submitted; they
 * wait. Thread-safe.
 */
public interface QueueControl {
  /** Pauses {@code queue}; pausing a paused queue changes nothing. */
  void pause(String queue, Instant at);

  /** Resumes {@code queue}; resuming a queue that runs changes nothing. */
  void resume(String queue);

  /** The paused queues. */
  Set<String> pausedQueues();
}
