package dev.docket.usecase.port;

import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Progress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A change a store accepted, as subscribers on any node hear of it: which job, what it is now. It
 * carries no payload and no result, so that it stays small whatever the job holds; a subscriber
 * that needs them reads the job.
 *
 * @param type what changed
 * @param jobId the job
 * @param queue its queue
 * @param kind its kind
 * @param tags its tags, sorted
 * @param state its state after the change
 * @param attempt its attempt after the change
 * @param version its version after the change: a subscriber can tell an old change from a new one
 * @param progress its progress after the change, if its handler reported one
 * @param at when the change happened, by the clock of the node that made it
 */
public record JobChange(
    Type type,
    JobId jobId,
    String queue,
    String kind,
    List<String> tags,
    JobState state,
    int attempt,
    long version,
    Optional<Progress> progress,
    Instant at) {

  /** What changed. */
  public enum Type {
    /** The job was stored. */
    CREATED,
    /** Its state or attempt changed: it started, finished, was retried, released or rescued. */
    STATE,
    /** Its handler reported progress; the state is unchanged. */
    PROGRESS
  }

  /**
   * Checks for nulls. Names are not checked again: a change is made from a job that was, and a
   * store that reads changes from outside checks them there.
   */
  public JobChange {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(kind, "kind");
    tags = List.copyOf(tags);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(at, "at");
  }

  /** The change that {@code job}, just stored or changed, went through. */
  public static JobChange of(Type type, dev.docket.domain.Job job) {
    return new JobChange(
        type,
        job.id(),
        job.queue(),
        job.kind(),
        job.tags(),
        job.state(),
        job.attempt(),
        job.version(),
        job.progress(),
        job.updatedAt());
  }

  /** Whether the job has finished with this change: completed, failed or cancelled. */
  public boolean isFinished() {
    return state.isFinished();
  }
}
