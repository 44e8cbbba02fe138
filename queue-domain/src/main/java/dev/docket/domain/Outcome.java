package dev.docket.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What a worker reports about the attempt it ran: the job completed, failed (to be retried, or for
 * good), was cancelled at the handler's acknowledgement, or was handed back unfinished.
 *
 * <p>Every outcome carries the fence of the lease it was earned under. A store checks {@link
 * Job#isLeasedUnder(long)} and applies the outcome with {@link #applyTo(Job)}; an outcome whose
 * fence no longer holds is refused. A job asked to cancel meanwhile ends cancelled whatever the
 * outcome, except completion: work that was done stays done.
 */
public sealed interface Outcome {
  /** The job reported on. */
  JobId jobId();

  /** The fence of the lease the worker holds. */
  long fence();

  /** When the outcome happened. */
  Instant at();

  /**
   * The job after this outcome.
   *
   * @throws IllegalTransitionException if {@code job} is not running
   * @throws LeaseLostException if it runs under another lease than {@link #fence()}
   */
  Job applyTo(Job job);

  /**
   * The outcome of a failed attempt of {@code claimed}: a retry after the policy's backoff if the
   * job has attempts left, the dead letter otherwise.
   */
  static Outcome ofFailure(Job claimed, AttemptError error, Instant at, RandomGenerator random) {
    long fence = claimed.lease().orElseThrow(() -> notRunning(claimed)).fence();
    return claimed.canRetry()
        ? new Retried(claimed.id(), fence, at, error, at.plus(claimed.backoffDuration(random)))
        : new Failed(claimed.id(), fence, at, error);
  }

  /** The outcome of a failure that no retry can mend, such as a payload that can't be read. */
  static Outcome ofPermanentFailure(Job claimed, AttemptError error, Instant at) {
    long fence = claimed.lease().orElseThrow(() -> notRunning(claimed)).fence();
    return new Failed(claimed.id(), fence, at, error);
  }

  private static IllegalTransitionException notRunning(Job job) {
    return IllegalTransitionException.cannot(
        job.id(), job.state(), JobState.RUNNING, "report an outcome");
  }

  /**
   * The handler finished.
   *
   * @param jobId the job
   * @param fence the lease's fence
   * @param at when
   * @param result what the handler returned, as JSON, if it returned something; see {@link
   *     Job#requireResult}
   */
  record Completed(JobId jobId, long fence, Instant at, Optional<String> result)
      implements Outcome {
    /** Checks for nulls and the result's length. */
    public Completed {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(result, "result");
      result.ifPresent(Job::requireResult);
    }

    /** A completion without a result. */
    public Completed(JobId jobId, long fence, Instant at) {
      this(jobId, fence, at, Optional.empty());
    }

    @Override
    public Job applyTo(Job job) {
      return job.complete(fence, result, at);
    }
  }

  /**
   * The attempt failed; the job runs again from {@code runAt}.
   *
   * @param jobId the job
   * @param fence the lease's fence
   * @param at when
   * @param error why the attempt failed
   * @param runAt when the next attempt may start
   */
  record Retried(JobId jobId, long fence, Instant at, AttemptError error, Instant runAt)
      implements Outcome {
    /** Checks for nulls. */
    public Retried {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(runAt, "runAt");
    }

    @Override
    public Job applyTo(Job job) {
      return job.retry(fence, error, runAt, at);
    }
  }

  /**
   * The attempt failed and the job goes to the dead letter.
   *
   * @param jobId the job
   * @param fence the lease's fence
   * @param at when
   * @param error why the attempt failed
   */
  record Failed(JobId jobId, long fence, Instant at, AttemptError error) implements Outcome {
    /** Checks for nulls. */
    public Failed {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(error, "error");
    }

    @Override
    public Job applyTo(Job job) {
      return job.deadLetter(fence, error, at);
    }
  }

  /**
   * The handler stopped because the job was cancelled.
   *
   * @param jobId the job
   * @param fence the lease's fence
   * @param at when
   */
  record Cancelled(JobId jobId, long fence, Instant at) implements Outcome {
    /** Checks for nulls. */
    public Cancelled {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Job applyTo(Job job) {
      return job.acknowledgeCancel(fence, at);
    }
  }

  /**
   * The worker handed the job back unfinished (a graceful shutdown); the attempt does not count.
   *
   * @param jobId the job
   * @param fence the lease's fence
   * @param at when
   */
  record Released(JobId jobId, long fence, Instant at) implements Outcome {
    /** Checks for nulls. */
    public Released {
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public Job applyTo(Job job) {
      return job.release(fence, at);
    }
  }
}
