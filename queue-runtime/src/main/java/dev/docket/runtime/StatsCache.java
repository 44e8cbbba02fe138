package dev.docket.runtime;

import dev.docket.usecase.JobClient;
import dev.docket.usecase.port.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Queue statistics shared by the metrics gauges, the API and the dashboard, read from the store at
 * most once per {@link #MAX_AGE}. Counting is a scan of the job table on PostgreSQL, so a few open
 * dashboards and a scraper must not each run one per refresh. Thread-safe: concurrent readers of a
 * stale value wait for one refresh.
 */
final class StatsCache {
  static final Duration MAX_AGE = Duration.ofSeconds(2);

  private final JobClient client;
  private final List<Consumer<List<QueueStats>>> listeners = new CopyOnWriteArrayList<>();
  private List<QueueStats> value;
  private long readAt;

  StatsCache(JobClient client) {
    this.client = client;
  }

  void onRefresh(Consumer<List<QueueStats>> listener) {
    listeners.add(listener);
  }

  /**
   * The statistics, at most {@link #MAX_AGE} old.
   *
   * @throws dev.docket.usecase.port.StorageException if they are stale and the store fails
   */
  List<QueueStats> get() {
    List<QueueStats> fresh;
    synchronized (this) {
      if (value != null && System.nanoTime() - readAt < MAX_AGE.toNanos()) {
        return value;
      }
      fresh = client.stats();
      value = fresh;
      readAt = System.nanoTime();
    }
    listeners.forEach(listener -> listener.accept(fresh));
    return fresh;
  }
}
