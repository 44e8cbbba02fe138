package dev.docket.runtime;

import dev.docket.usecase.JobClient;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Queue statistics shared by the metrics gauges, the API, the dashboard and {@code docket serve
 * --print-stats}, read from the store at most once per {@link #MAX_AGE}. Counting is a scan of the
 * job table on PostgreSQL, so a few open dashboards and a scraper must not each run one per
 * refresh. Thread-safe: concurrent readers of a stale value wait for one refresh.
 *
 * <p>A failed read is kept for {@link #MAX_AGE} too. While the database is down each read waits for
 * the pool's connection timeout; without this, every reader queued behind a failing one would then
 * wait its own timeout in turn, and one Prometheus scrape, whose every queue gauge reads the
 * statistics, would take a timeout per gauge.
 */
final class StatsCache {
  static final Duration MAX_AGE = Duration.ofSeconds(2);

  private final JobClient client;
  private final LongSupplier nanoTime;
  private final List<Consumer<List<QueueStats>>> listeners = new CopyOnWriteArrayList<>();

  // A lock, not synchronized: readers wait here while one asks the store, and on JDK 21 a virtual
  // thread (the HTTP server's) waiting for a monitor pins its carrier thread.
  private final ReentrantLock lock = new ReentrantLock();
  private boolean read; // guarded by lock
  private List<QueueStats> value; // guarded by lock
  private StorageException failure; // guarded by lock
  private long readAt; // guarded by lock

  StatsCache(JobClient client) {
    this(client, System::nanoTime);
  }

  /** A cache that tells time by {@code nanoTime}, as {@link System#nanoTime()} does. */
  StatsCache(JobClient client, LongSupplier nanoTime) {
    this.client = client;
    this.nanoTime = nanoTime;
  }

  void onRefresh(Consumer<List<QueueStats>> listener) {
    listeners.add(listener);
  }

  /**
   * The statistics, at most {@link #MAX_AGE} old.
   *
   * @throws StorageException if they are stale and the store fails, or failed less than {@link
   *     #MAX_AGE} ago
   */
  List<QueueStats> get() {
    List<QueueStats> fresh;
    lock.lock();
    try {
      if (read && nanoTime.getAsLong() - readAt < MAX_AGE.toNanos()) {
        if (failure != null) {
          throw new StorageException(failure.getMessage(), failure, failure.isUnreachable());
        }
        return value;
      }
      try {
        fresh = client.stats();
      } catch (StorageException e) {
        remember(null, e);
        throw e;
      }
      remember(fresh, null);
    } finally {
      lock.unlock();
    }
    listeners.forEach(listener -> listener.accept(fresh));
    return fresh;
  }

  private void remember(List<QueueStats> stats, StorageException e) {
    value = stats;
    failure = e;
    read = true;
    readAt = nanoTime.getAsLong();
  }
}
