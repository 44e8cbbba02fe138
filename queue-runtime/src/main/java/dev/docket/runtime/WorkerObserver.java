package dev.docket.runtime;

import java.time.Duration;

/**
 * Hears of every round trip a node's workers make to the store: the seam metrics and benchmarks
 * measure the worker path through. Job events go to a {@link dev.docket.usecase.JobListener}
 * instead.
 *
 * <p>Called on the workers' own threads, right after each call returns: an implementation must be
 * thread-safe, quick and must not throw (a throw is logged and ignored).
 */
public interface WorkerObserver {
  /** Observes nothing. */
  WorkerObserver NONE =
      new WorkerObserver() {
        @Override
        public void claimed(String queue, int jobs, Duration roundTrip) {}

        @Override
        public void reported(String queue, int outcomes, Duration roundTrip) {}
      };

  /**
   * A claim returned.
   *
   * @param queue the queue claimed from
   * @param jobs how many jobs it took, 0 or more
   * @param roundTrip how long the store took to answer
   */
  void claimed(String queue, int jobs, Duration roundTrip);

  /**
   * A batch of outcomes was stored.
   *
   * @param queue the queue of the jobs
   * @param outcomes how many outcomes the batch held
   * @param roundTrip how long the store took to answer
   */
  void reported(String queue, int outcomes, Duration roundTrip);

  /** One observer that tells each of {@code observers}, in order, catching what they throw. */
  static WorkerObserver all(java.util.List<WorkerObserver> observers) {
    var copy = java.util.List.copyOf(observers);
    if (copy.isEmpty()) {
      return NONE;
    }
    if (copy.size() == 1) {
      return copy.getFirst();
    }
    return new WorkerObserver() {
      @Override
      public void claimed(String queue, int jobs, Duration roundTrip) {
        for (WorkerObserver observer : copy) {
          observer.claimed(queue, jobs, roundTrip);
        }
      }

      @Override
      public void reported(String queue, int outcomes, Duration roundTrip) {
        for (WorkerObserver observer : copy) {
          observer.reported(queue, outcomes, roundTrip);
        }
      }
    };
  }
}
