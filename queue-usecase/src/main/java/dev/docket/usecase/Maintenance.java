package dev.docket.usecase;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.JobMaintenance;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.RescueRequest;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Keeps the store healthy: rescues jobs whose worker died, and deletes finished jobs past their
 * retention. Both work in bounded batches, so neither holds a large part of the store at once.
 *
 * <p>Thread-safe, provided the random source is.
 */
public final class Maintenance {
  /** How many jobs one batch of a rescue or purge touches. */
  public static final int BATCH_SIZE = 1_000;

  private final JobMaintenance storage;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final JobListener listener;

  /**
   * Maintenance of {@code storage}. It needs only a store's maintenance part, so any {@link
   * dev.docket.usecase.port.JobStorage} will do.
   *
   * @param storage where jobs live
   * @param clock decides expiry and retention
   * @param random the jitter of rescued jobs' backoff
   */
  public Maintenance(JobMaintenance storage, InstantSource clock, RandomGenerator random) {
    this(storage, clock, random, JobListener.NONE);
  }

  /**
   * Maintenance of {@code storage} that tells {@code listener} of every rescued job.
   *
   * @param storage where jobs live
   * @param clock decides expiry and retention
   * @param random the jitter of rescued jobs' backoff
   * @param listener hears of rescued jobs
   */
  public Maintenance(
      JobMaintenance storage, InstantSource clock, RandomGenerator random, JobListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Rescues every running job whose lease has expired: each is retried after its backoff, or
   * dead-lettered when it has no attempts left, with a {@code LeaseExpired} error.
   *
   * @return how many jobs were rescued
   */
  public int rescueExpiredLeases() {
    int total = 0;
    List<Job> batch;
    do {
      batch = storage.rescueExpired(new RescueRequest(clock.instant(), BATCH_SIZE, random));
      total += batch.size();
      for (Job job : batch) {
        listener.on(
            new JobEvent(
                JobEvent.Type.RESCUED,
                job.id(),
                job.queue(),
                job.kind(),
                job.attempt(),
                job.updatedAt(),
                java.util.Optional.empty(),
                job.errors().isEmpty()
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(job.errors().get(job.errors().size() - 1))));
      }
    } while (!batch.isEmpty());
    return total;
  }

  /**
   * Moves runnable jobs that have waited longer than {@code threshold} up one priority level, so
   * that low priorities never starve behind a steady stream of higher ones.
   *
   * @return how many jobs moved up
   */
  public int agePriorities(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException(
          "Aging threshold %s must be positive.".formatted(threshold));
    }
    var now = clock.instant();
    var request = new AgingRequest(now.minus(threshold), now, BATCH_SIZE);
    int total = 0;
    int aged;
    do {
      aged = storage.agePriorities(request);
      total += aged;
    } while (aged > 0);
    return total;
  }

  /**
   * Deletes jobs in {@code states} that finished more than {@code retention} ago.
   *
   * @return how many jobs were deleted
   */
  public int purge(Set<JobState> states, Duration retention) {
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative()) {
      throw new IllegalArgumentException(
          "Retention %s is negative: use zero or more.".formatted(retention));
    }
    var request = new PurgeRequest(states, clock.instant().minus(retention), BATCH_SIZE);
    int total = 0;
    int deleted;
    do {
      deleted = storage.purge(request);
      total += deleted;
    } while (deleted > 0);
    return total;
  }
}
