package dev.docket.usecase;

import dev.docket.domain.AttemptError;
import dev.docket.domain.JobId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a job, as in-process listeners see it: for logging, metrics and tests.
 * Events are sent after the store accepted the change, never for a refused one.
 *
 * @param type what happened
 * @param jobId the job
 * @param queue its queue
 * @param kind its kind
 * @param attempt the attempt it concerns, 0 before the first
 * @param at when
 * @param runTime how long the handler ran, for the outcome of an attempt
 * @param error why the attempt failed, for retries, dead letters and rescues
 * @param waited how long the job waited from the moment it was due to its handler's start, for
 *     {@link Type#STARTED}
 */
public record JobEvent(
    Type type,
    JobId jobId,
    String queue,
    String kind,
    int attempt,
    Instant at,
    Optional<Duration> runTime,
    Optional<AttemptError> error,
    Optional<Duration> waited) {

  /** What happened. */
  public enum Type {
    /** A new job was stored. */
    SUBMITTED,
    /** A worker claimed it and is about to run its handler. */
    STARTED,
    /** The handler finished. */
    COMPLETED,
    /** The attempt failed; the job runs again after its backoff. */
    RETRIED,
    /** The attempt failed for good: the job is in the dead letter. */
    DEAD,
    /** The job was cancelled. */
    CANCELLED,
    /** The worker gave the job back unfinished, as on shutdown. */
    RELEASED,
    /** The job's worker stopped reporting and its lease expired. */
    RESCUED,
    /** The job was deleted by hand. */
    DELETED
  }

  /** Checks for nulls. */
  public JobEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(runTime, "runTime");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(waited, "waited");
  }

  /** An event that says nothing of a wait: every event but {@link Type#STARTED}. */
  public JobEvent(
      Type type,
      JobId jobId,
      String queue,
      String kind,
      int attempt,
      Instant at,
      Optional<Duration> runTime,
      Optional<AttemptError> error) {
    this(type, jobId, queue, kind, attempt, at, runTime, error, Optional.empty());
  }
}
