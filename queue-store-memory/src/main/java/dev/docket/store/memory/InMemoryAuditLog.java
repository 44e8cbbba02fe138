package dev.docket.store.memory;

import dev.docket.usecase.port.AuditEntry;
import dev.docket.usecase.port.AuditLog;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The audit log as a bounded ring in the heap, oldest first: past {@link #capacity} entries the
 * oldest goes, so a long-lived process holds at most that many whatever the retention. One lock
 * guards it: operators' changes are few.
 */
final class InMemoryAuditLog implements AuditLog {
  /** How many entries the ring keeps unless told otherwise. */
  static final int DEFAULT_CAPACITY = 10_000;

  private final int capacity;
  private final ArrayDeque<AuditEntry> entries = new ArrayDeque<>();
  private long lastId;

  InMemoryAuditLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("Audit capacity %d is below 1.".formatted(capacity));
    }
    this.capacity = capacity;
  }

  @Override
  public synchronized AuditEntry record(AuditEntry entry) {
    Objects.requireNonNull(entry, "entry");
    var stored = entry.withId(++lastId);
    if (entries.size() >= capacity) {
      entries.removeFirst();
    }
    entries.addLast(stored);
    return stored;
  }

  @Override
  public synchronized List<AuditEntry> list(int limit, long before) {
    AuditLog.requireLimit(limit);
    var page = new ArrayList<AuditEntry>(Math.min(limit, entries.size()));
    Iterator<AuditEntry> newestFirst = entries.descendingIterator();
    while (newestFirst.hasNext() && page.size() < limit) {
      AuditEntry entry = newestFirst.next();
      if (entry.id() < before) {
        page.add(entry);
      }
    }
    return page;
  }

  @Override
  public synchronized int purge(Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    int before = entries.size();
    entries.removeIf(e -> e.at().isBefore(cutoff));
    return before - entries.size();
  }
}
