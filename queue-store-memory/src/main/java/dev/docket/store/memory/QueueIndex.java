package dev.docket.store.memory;

import dev.docket.domain.Job;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The pending jobs of one queue: those not yet due, by run-at, and those due, in claim order.
 *
 * <p>A job goes straight into {@link #ready} when it was due at its own last change (run-at at or
 * before its updated-at), which needs no clock; otherwise into {@link #scheduled}, and a claim
 * moves the due ones over. Claims take keys with {@code pollFirst}, which removes the head without
 * a search, so a job's life in the index is one insert and one poll.
 */
final class QueueIndex {
  /**
   * A pending job's place in the index; the version tells a current key from a stale one. The id
   * and run-at are copied into the key, and the key points at the job's entry, so that comparing
   * keys and claiming one read no other object: with a million jobs in the store, each of those
   * reads was a cache miss.
   */
  record Key(
      InMemoryJobStorage.Entry entry,
      long idHigh,
      long idLow,
      int priority,
      long runAtSecond,
      int runAtNano,
      long version) {
    static Key of(Job job, InMemoryJobStorage.Entry entry) {
      Instant runAt = job.runAt();
      var id = job.id().value();
      return new Key(
          entry,
          id.getMostSignificantBits(),
          id.getLeastSignificantBits(),
          job.priority().value(),
          runAt.getEpochSecond(),
          runAt.getNano(),
          job.version());
    }

    boolean isDueAt(Instant now) {
      long second = now.getEpochSecond();
      return runAtSecond < second || (runAtSecond == second && runAtNano <= now.getNano());
    }

    // Equality is by position in the index alone, so that a key made again from the same job
    // finds the one in the index.
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && idHigh == k.idHigh
          && idLow == k.idLow
          && priority == k.priority
          && runAtSecond == k.runAtSecond
          && runAtNano == k.runAtNano
          && version == k.version;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(idHigh ^ idLow) * 31 + Long.hashCode(version);
    }
  }

  /** Claim order: highest priority, then earliest run-at, then lowest id, then version. */
  private static final Comparator<Key> CLAIM_ORDER =
      (a, b) -> {
        if (a.priority != b.priority) {
          return a.priority > b.priority ? -1 : 1;
        }
        return compareFromRunAt(a, b);
      };

  private static final Comparator<Key> DUE_ORDER = QueueIndex::compareFromRunAt;

  private static int compareFromRunAt(Key a, Key b) {
    if (a.runAtSecond != b.runAtSecond) {
      return a.runAtSecond < b.runAtSecond ? -1 : 1;
    }
    if (a.runAtNano != b.runAtNano) {
      return a.runAtNano < b.runAtNano ? -1 : 1;
    }
    // As JobId.compareTo: unsigned, so that version 7 ids sort by time.
    if (a.idHigh != b.idHigh) {
      return Long.compareUnsigned(a.idHigh, b.idHigh);
    }
    if (a.idLow != b.idLow) {
      return Long.compareUnsigned(a.idLow, b.idLow);
    }
    return Long.compare(a.version, b.version);
  }

  final ConcurrentSkipListSet<Key> ready = new ConcurrentSkipListSet<>(CLAIM_ORDER);
  final ConcurrentSkipListSet<Key> scheduled = new ConcurrentSkipListSet<>(DUE_ORDER);

  void schedule(Job job, InMemoryJobStorage.Entry entry) {
    Key key = Key.of(job, entry);
    if (job.runAt().isAfter(job.updatedAt())) {
      scheduled.add(key);
    } else {
      ready.add(key);
    }
  }

  void remove(Job job) {
    Key key = Key.of(job, null);
    if (!ready.remove(key)) {
      scheduled.remove(key);
    }
  }

  /**
   * Moves every key due at {@code now} from scheduled to ready. Concurrent promoters each move a
   * key at most once, since only one poll of it succeeds; a key polled too early goes back.
   */
  void promoteDue(Instant now) {
    Key first;
    while ((first = firstOrNull()) != null && first.isDueAt(now)) {
      Key polled = scheduled.pollFirst();
      if (polled == null) {
        return;
      }
      if (polled.isDueAt(now)) {
        ready.add(polled);
      } else {
        scheduled.add(polled); // a racing promoter took the due one first
        return;
      }
    }
  }

  private Key firstOrNull() {
    // first() throws when a racing promoter empties the set between a check and the call.
    var keys = scheduled.iterator();
    return keys.hasNext() ? keys.next() : null;
  }
}
