package dev.docket.usecase;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Hears about job events in this process. Called on the thread that made the change: return
 * quickly, and don't throw (an exception is logged and ignored, so one listener can't break the
 * others or the worker).
 */
@FunctionalInterface
public interface JobListener {
  /** Listens to nothing. */
  JobListener NONE = event -> {};

  /** One event. */
  void on(JobEvent event);

  /** A listener that passes each event to all of {@code listeners}, each guarded. */
  static JobListener all(List<? extends JobListener> listeners) {
    List<JobListener> copy = List.copyOf(listeners);
    if (copy.isEmpty()) {
      return NONE;
    }
    var log = System.getLogger(JobListener.class.getName());
    // An array, not the list: every job raises two events, and each for-each made an iterator.
    JobListener[] array = copy.toArray(JobListener[]::new);
    return event -> {
      for (JobListener listener : array) {
        try {
          listener.on(event);
        } catch (RuntimeException e) {
          log.log(
              Level.WARNING,
              "A job listener failed on " + event.type() + " of " + event.jobId(),
              e);
        }
      }
    };
  }
}
