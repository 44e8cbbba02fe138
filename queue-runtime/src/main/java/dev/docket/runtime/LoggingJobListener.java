package dev.docket.runtime;

import dev.docket.domain.LogText;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobListener;
import java.lang.System.Logger.Level;

/**
 * Logs job events: dead letters and rescues as warnings, since someone should look at them; the
 * rest at debug level. Every value from the job goes through {@link LogText#escape}.
 */
final class LoggingJobListener implements JobListener {
  private static final System.Logger LOG = System.getLogger("dev.docket.jobs");

  @Override
  public void on(JobEvent event) {
    switch (event.type()) {
      case DEAD ->
          LOG.log(
              Level.WARNING,
              "Job {0} ({1} on {2}) is in the dead letter after attempt {3}: {4}",
              event.jobId(),
              LogText.escape(event.kind()),
              LogText.escape(event.queue()),
              event.attempt(),
              // The message is the handler's, often built from the payload: one event, one line.
              event.error().map(e -> LogText.escape(e.type() + ": " + e.message())).orElse(""));
      case RESCUED ->
          LOG.log(
              Level.WARNING,
              "Job {0} ({1} on {2}) was rescued: its worker stopped reporting.",
              event.jobId(),
              LogText.escape(event.kind()),
              LogText.escape(event.queue()));
      default ->
          LOG.log(
              Level.DEBUG,
              "Job {0} ({1} on {2}) {3}, attempt {4}",
              event.jobId(),
              LogText.escape(event.kind()),
              LogText.escape(event.queue()),
              event.type(),
              event.attempt());
    }
  }
}
