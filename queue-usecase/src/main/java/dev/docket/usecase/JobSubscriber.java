package dev.docket.usecase;

import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.QueueStats;
import java.time.Instant;
import java.util.List;

/**
 * Hears of job changes on every node, as {@link JobClient#subscribe} delivers them: in order, on a
 * thread of the subscription's own, so a slow subscriber slows nobody else. A subscriber that falls
 * too far behind is dropped (see {@link #onDropped}); one that throws is logged and kept.
 */
@FunctionalInterface
public interface JobSubscriber {
  /** A change the store accepted, of a job the filter matches. */
  void onChange(JobChange change);

  /**
   * The statistics of every queue, for a subscription whose filter asked for them: sent at a
   * bounded rate (about once a second while anything changes), not per change.
   */
  default void onStats(List<QueueStats> stats, Instant at) {}

  /**
   * Changes may have been lost before this point (the store's connection was down, or the store has
   * just started sending changes to this node): what the subscriber keeps of jobs should be read
   * again.
   */
  default void onMissed() {}

  /**
   * The subscription has ended because the subscriber fell behind: more changes waited for it than
   * its buffer holds. Nothing more is delivered; subscribe again, and read what you need afresh.
   *
   * @param reason says how far behind, for a log
   */
  default void onDropped(String reason) {}
}
