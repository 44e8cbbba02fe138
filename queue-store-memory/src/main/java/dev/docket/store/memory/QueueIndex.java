package dev.docket.store.memory;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The pending jobs of one queue: those not yet due, by run-at, and those due, in claim order.
 *
 * <p>Jobs enter {@link #scheduled}; a claim first moves the due ones into {@link #ready}. The store
 * writes no clock-dependent state at insert time, so an insert needs no "now".
 */
final class QueueIndex {
  /** A pending job's place in the index; the version tells a current key from a stale one. */
  record Key(JobId id, int priority, Instant runAt, long version) {
    static Key of(Job job) {
      return new Key(job.id(), job.priority().value(), job.runAt(), job.version());
    }
  }

  /** Claim order: highest priority, then earliest run-at, then lowest id. */
  private static final Comparator<Key> CLAIM_ORDER =
      Comparator.comparingInt((Key k) -> -k.priority())
          .thenComparing(Key::runAt)
          .thenComparing(Key::id)
          .thenComparingLong(Key::version);

  private static final Comparator<Key> DUE_ORDER =
      Comparator.comparing(Key::runAt).thenComparing(Key::id).thenComparingLong(Key::version);

  final ConcurrentSkipListSet<Key> ready = new ConcurrentSkipListSet<>(CLAIM_ORDER);
  final ConcurrentSkipListSet<Key> scheduled = new ConcurrentSkipListSet<>(DUE_ORDER);

  void schedule(Job job) {
    scheduled.add(Key.of(job));
  }

  void remove(Job job) {
    Key key = Key.of(job);
    if (!scheduled.remove(key)) {
      ready.remove(key);
    }
  }

  /**
   * Moves every key due at {@code now} from scheduled to ready. Concurrent promoters each move a
   * key at most once, since only one removal of it succeeds.
   */
  void promoteDue(Instant now) {
    Key first;
    while ((first = firstOrNull()) != null && !first.runAt().isAfter(now)) {
      if (scheduled.remove(first)) {
        ready.add(first);
      }
    }
  }

  private Key firstOrNull() {
    // first() throws when a racing promoter empties the set between a check and the call.
    var keys = scheduled.iterator();
    return keys.hasNext() ? keys.next() : null;
  }
}
