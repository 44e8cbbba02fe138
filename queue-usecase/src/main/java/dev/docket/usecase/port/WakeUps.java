package dev.docket.usecase.port;

/**
 * Tells idle workers that a queue may have runnable jobs, so they claim at once instead of at their
 * next poll.
 *
 * <p>Best effort: a wake-up may be spurious, late or lost (a dropped connection), which is why
 * workers keep polling as a fallback. Thread-safe.
 */
public interface WakeUps {

  /** Receives wake-ups. Called on the notifier's thread: return quickly. */
  interface Listener {
    /** Jobs of {@code queue} may have become runnable. */
    void wake(String queue);

    /** Wake-ups may have been missed (the connection was down): check every queue. */
    void wakeAll();
  }

  /** A registration; closing it stops the wake-ups. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** Registers {@code listener} until the returned subscription is closed. */
  Subscription subscribe(Listener listener);
}
