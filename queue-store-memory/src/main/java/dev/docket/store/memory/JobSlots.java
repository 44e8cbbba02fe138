package dev.docket.store.memory;

import dev.docket.domain.Job;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The current snapshot of every job, in numbered slots of a few large arrays.
 *
 * <p>Every change of a job stores a new snapshot, fresh in the young generation, into a place that
 * has long been old. The collector must then scan the old memory around each such place (a card of
 * 512 bytes) at its next young collection. When the place was a field of a small per-job object,
 * the card held that job's other objects too, and draining a million jobs made the collector scan
 * half a gigabyte of cards. In arrays, 128 slots share a card, and jobs claimed in order share
 * them, so the same drain dirties a few thousand cards instead.
 *
 * <p>Slots of deleted and purged jobs are given to new jobs: readers that hold no lock check that
 * the snapshot in a slot is still their job's. Thread-safe.
 */
final class JobSlots {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK_SIZE = 1 << CHUNK_BITS;
  private static final int CHUNK_MASK = CHUNK_SIZE - 1;

  /** Grown by copying, so readers see every chunk of a slot that was handed out before. */
  private volatile AtomicReferenceArray<?>[] chunks = new AtomicReferenceArray<?>[0];

  private int next; // guarded by this
  private int[] free = new int[64]; // guarded by this
  private int freeCount; // guarded by this

  @SuppressWarnings("unchecked")
  private AtomicReferenceArray<Job> chunk(int slot) {
    return (AtomicReferenceArray<Job>) chunks[slot >>> CHUNK_BITS];
  }

  Job get(int slot) {
    return chunk(slot).get(slot & CHUNK_MASK);
  }

  void set(int slot, Job job) {
    chunk(slot).set(slot & CHUNK_MASK, job);
  }

  /** A slot for a new job: a released one if there is one, else a new one. */
  synchronized int take() {
    if (freeCount > 0) {
      return free[--freeCount];
    }
    int slot = next;
    if (slot == Integer.MAX_VALUE) {
      throw new IllegalStateException("The in-memory store holds as many jobs as it can.");
    }
    if ((slot >>> CHUNK_BITS) == chunks.length) {
      var grown = Arrays.copyOf(chunks, chunks.length + 1);
      grown[chunks.length] = new AtomicReferenceArray<Job>(CHUNK_SIZE);
      chunks = grown;
    }
    next = slot + 1;
    return slot;
  }

  /** Empties a slot and keeps it for the next new job. */
  synchronized void release(int slot) {
    set(slot, null);
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, free.length * 2);
    }
    free[freeCount++] = slot;
  }
}
