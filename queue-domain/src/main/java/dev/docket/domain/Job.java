package dev.docket.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A durable background job: what to run ({@link #kind()} with its {@link #payload()}), where and
 * when ({@link #queue()}, {@link #priority()}, {@link #runAt()}), and how far it has come.
 *
 * <p>A {@code Job} is an immutable snapshot. Every change is a method that checks the change is
 * legal, then returns a new snapshot with the version raised by one; an illegal change throws
 * {@link IllegalTransitionException}. Changes a worker reports on a running job take the lease's
 * fence and throw {@link LeaseLostException} if the worker no longer holds it. Nothing here reads a
 * clock or a random source of its own: both are passed in.
 *
 * <p>Times are kept to the microsecond. Instances are thread-safe. Two snapshots are equal when
 * every field is.
 */
public final class Job {
  /** How many attempt errors a job keeps: the most recent ones. */
  public static final int MAX_ERRORS_KEPT = 50;

  /** How many attempt records a job keeps: the most recent ones. */
  public static final int MAX_ATTEMPTS_KEPT = 50;

  /**
   * The longest result a job may keep, in characters of JSON: a result is for a summary of what a
   * handler did (a count, a URL, an id), not for bulk data, which belongs in the application's own
   * storage.
   */
  public static final int MAX_RESULT_LENGTH = 256 * 1024;

  private final JobId id;
  private final JobSpec spec;
  private final JobState state;
  private final int attempt;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final Instant finishedAt;
  private final List<AttemptError> errors;
  private final List<AttemptRecord> attempts;
  private final Lease lease;
  private final long version;
  private final boolean cancelRequested;
  private final String result;
  private final Progress progress;

  private Job(
      JobId id,
      JobSpec spec,
      JobState state,
      int attempt,
      Instant createdAt,
      Instant updatedAt,
      Instant finishedAt,
      List<AttemptError> errors,
      List<AttemptRecord> attempts,
      Lease lease,
      long version,
      boolean cancelRequested,
      String result,
      Progress progress) {
    this.id = id;
    this.spec = spec;
    this.state = state;
    this.attempt = attempt;
    this.createdAt = Times.micros(createdAt);
    this.updatedAt = Times.micros(updatedAt);
    // A finish is also the last update: one instant for both, not two equal copies, since every
    // finished job keeps it for its retention.
    this.finishedAt =
        finishedAt == null
            ? null
            : finishedAt == updatedAt ? this.updatedAt : Times.micros(finishedAt);
    this.errors = errors;
    this.attempts = attempts;
    this.lease = lease;
    this.version = version;
    this.cancelRequested = cancelRequested;
    this.result = result;
    this.progress = progress;
  }

  /** A new pending job, runnable from {@code spec.runAt()}, with version 1. */
  public static Job submit(JobId id, JobSpec spec, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(now, "now");
    return new Job(
        id,
        spec,
        JobState.PENDING,
        0,
        now,
        now,
        null,
        List.of(),
        List.of(),
        null,
        1,
        false,
        null,
        null);
  }

  /**
   * A job as a store saved it. Checks that the fields agree with each other: a running job has a
   * lease and nothing else has; a finished job has a finish time and nothing else has; only a
   * completed job has a result; it keeps at most {@link #MAX_ATTEMPTS_KEPT} attempt records. (The
   * records' order is not checked: their times come from the clocks of several nodes.)
   */
  public static Job restore(
      JobId id,
      JobSpec spec,
      JobState state,
      int attempt,
      Instant createdAt,
      Instant updatedAt,
      Optional<Instant> finishedAt,
      List<AttemptError> errors,
      List<AttemptRecord> attempts,
      Optional<Lease> lease,
      long version,
      boolean cancelRequested,
      Optional<String> result,
      Optional<Progress> progress) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (attempt < 0 || attempt > spec.maxAttempts()) {
      throw new IllegalArgumentException(
          "Job %s has attempt %d, outside 0 to its max attempts %d."
              .formatted(id, attempt, spec.maxAttempts()));
    }
    if (lease.isPresent() != (state == JobState.RUNNING)) {
      throw new IllegalArgumentException(
          "Job %s is %s %s a lease: only running jobs have one."
              .formatted(id, state, lease.isPresent() ? "with" : "without"));
    }
    if (finishedAt.isPresent() != state.isFinished()) {
      throw new IllegalArgumentException(
          "Job %s is %s %s a finish time: only finished jobs have one."
              .formatted(id, state, finishedAt.isPresent() ? "with" : "without"));
    }
    if (version < 1) {
      throw new IllegalArgumentException(
          "Job %s has version %d: versions start at 1.".formatted(id, version));
    }
    if (result.isPresent() && state != JobState.COMPLETED) {
      throw new IllegalArgumentException(
          "Job %s is %s with a result: only completed jobs have one.".formatted(id, state));
    }
    Objects.requireNonNull(attempts, "attempts");
    if (attempts.size() > MAX_ATTEMPTS_KEPT) {
      throw new IllegalArgumentException(
          "Job %s has %d attempt records: a job keeps at most %d."
              .formatted(id, attempts.size(), MAX_ATTEMPTS_KEPT));
    }
    return new Job(
        id,
        spec,
        state,
        attempt,
        createdAt,
        updatedAt,
        finishedAt.orElse(null),
        List.copyOf(errors),
        List.copyOf(attempts),
        lease.orElse(null),
        version,
        cancelRequested && state == JobState.RUNNING,
        result.orElse(null),
        progress.orElse(null));
  }

  // ---- Questions -------------------------------------------------------------------------

  /** Whether the job may run at {@code now}: pending and due. */
  public boolean isRunnableAt(Instant now) {
    return state == JobState.PENDING && !spec.runAt().isAfter(now);
  }

  /**
   * Whether a failure of the current attempt leads to another attempt rather than the dead letter.
   */
  public boolean canRetry() {
    return attempt < spec.maxAttempts() && spec.retryPolicy().allowsRetry();
  }

  /** How long to wait before the next attempt if the current one fails. */
  public Duration backoffDuration(RandomGenerator random) {
    return spec.retryPolicy().backoffDuration(Math.max(1, attempt), random);
  }

  /** Whether a worker presenting {@code fence} holds this job's lease. */
  public boolean isLeasedUnder(long fence) {
    return state == JobState.RUNNING && lease != null && lease.fence() == fence;
  }

  /**
   * Checks that {@code next} can follow this snapshot: the same job, a later version. Stores call
   * it on the result of a change they are asked to apply.
   *
   * @throws IllegalStateException naming both, if it cannot
   */
  public void requireSuccessor(Job next) {
    Objects.requireNonNull(next, "the change returned null");
    if (!next.id.equals(id) || next.version <= version) {
      throw new IllegalStateException(
          "A change of job %s must keep its id and raise its version %d, but gave %s."
              .formatted(id, version, next));
    }
  }

  /**
   * Checks that the job may be deleted: any job but a running one, whose worker still holds it and
   * would report into nothing. Stores call it under the same lock as the delete.
   *
   * @throws IllegalStateException naming the job, if it is running
   */
  public void requireDeletable() {
    if (state == JobState.RUNNING) {
      throw new IllegalStateException(
          "Job %s is running: cancel it first, and delete it once it stops.".formatted(id));
    }
  }

  // ---- Transitions -----------------------------------------------------------------------

  /**
   * A worker takes the job: it becomes running under a new lease whose fence is the new version and
   * whose start is {@code now}, and the attempt count goes up by one.
   *
   * @throws IllegalTransitionException if the job is not pending
   * @throws IllegalStateException if the job is not due at {@code now}
   */
  public Job claim(String owner, Instant now, Duration leaseDuration) {
    require(JobState.RUNNING, "be claimed");
    if (spec.runAt().isAfter(now)) {
      throw new IllegalStateException(
          "Job %s is not due until %s, so it cannot be claimed at %s."
              .formatted(id, spec.runAt(), now));
    }
    requirePositive(leaseDuration);
    long next = version + 1;
    return new Job(
        id,
        spec,
        JobState.RUNNING,
        attempt + 1,
        createdAt,
        now,
        null,
        errors,
        attempts,
        new Lease(owner, next, now.plus(leaseDuration), now),
        next,
        false,
        null,
        null);
  }

  /**
   * The worker holding the lease finished the job.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   */
  public Job complete(long fence, Instant at) {
    return complete(fence, Optional.empty(), at);
  }

  /**
   * The worker holding the lease finished the job with a result: the handler's return value,
   * encoded as JSON, at most {@value #MAX_RESULT_LENGTH} characters.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   * @throws IllegalArgumentException if the result is too long
   */
  public Job complete(long fence, Optional<String> result, Instant at) {
    requireLease(fence, JobState.COMPLETED, "complete");
    result.ifPresent(Job::requireResult);
    return finish(
        JobState.COMPLETED,
        errors,
        withAttempt(AttemptRecord.Ending.COMPLETED, at),
        at,
        result.orElse(null));
  }

  /**
   * Checks a result's length: every store keeps one this long.
   *
   * @throws IllegalArgumentException if it is longer than {@value #MAX_RESULT_LENGTH} characters
   */
  public static void requireResult(String result) {
    Objects.requireNonNull(result, "result");
    if (result.length() > MAX_RESULT_LENGTH) {
      throw new IllegalArgumentException(
          "The result has %,d characters; a job's result may have at most %,d."
              .formatted(result.length(), MAX_RESULT_LENGTH));
    }
  }

  /**
   * The worker holding the lease reports how far the handler has come. The lease, state and attempt
   * stay as they are.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   */
  public Job reportProgress(long fence, Progress newProgress) {
    requireLease(fence, JobState.RUNNING, "report progress");
    Objects.requireNonNull(newProgress, "progress");
    return new Job(
        id,
        spec,
        state,
        attempt,
        createdAt,
        newProgress.at().isAfter(updatedAt) ? newProgress.at() : updatedAt,
        null,
        errors,
        attempts,
        lease,
        version + 1,
        cancelRequested,
        null,
        newProgress);
  }

  /**
   * The current attempt failed and the job waits until {@code runAt} for the next one; if it was
   * asked to cancel meanwhile, it is cancelled instead, with the error kept.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   * @throws IllegalStateException if the job has no attempts left
   */
  public Job retry(long fence, AttemptError error, Instant runAt, Instant at) {
    requireLease(fence, JobState.PENDING, "be retried");
    if (cancelRequested) {
      return finish(
          JobState.CANCELLED,
          withError(error),
          withAttempt(AttemptRecord.Ending.CANCELLED, at),
          at);
    }
    if (!canRetry()) {
      throw new IllegalStateException(
          "Job %s used attempt %d of %d (policy %s), so it cannot be retried."
              .formatted(id, attempt, spec.maxAttempts(), spec.retryPolicy()));
    }
    return toPending(
        withError(error), withAttempt(AttemptRecord.Ending.FAILED, at), runAt, attempt, at);
  }

  /**
   * The current attempt failed and the job goes to the dead letter: it is {@link JobState#FAILED}
   * with every attempt's error kept.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   */
  public Job deadLetter(long fence, AttemptError error, Instant at) {
    requireLease(fence, JobState.FAILED, "be dead-lettered");
    return cancelRequested
        ? finish(
            JobState.CANCELLED,
            withError(error),
            withAttempt(AttemptRecord.Ending.CANCELLED, at),
            at)
        : finish(
            JobState.FAILED, withError(error), withAttempt(AttemptRecord.Ending.FAILED, at), at);
  }

  /**
   * The worker stopped the job after a cancel request: it is cancelled.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   */
  public Job acknowledgeCancel(long fence, Instant at) {
    requireLease(fence, JobState.CANCELLED, "acknowledge a cancel");
    return finish(JobState.CANCELLED, errors, withAttempt(AttemptRecord.Ending.CANCELLED, at), at);
  }

  /**
   * The worker gave the job back unfinished, as on a graceful shutdown: it is pending and runnable
   * at {@code at}, and the attempt does not count.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   */
  public Job release(long fence, Instant at) {
    requireLease(fence, JobState.PENDING, "be released");
    if (cancelRequested) {
      return finish(
          JobState.CANCELLED, errors, withAttempt(AttemptRecord.Ending.CANCELLED, at), at);
    }
    return toPending(errors, withAttempt(AttemptRecord.Ending.RELEASED, at), at, attempt - 1, at);
  }

  /**
   * The worker holding the lease keeps it until {@code expiresAt}, or longer if it already held it
   * longer: an extension never shortens a lease. The fence does not change.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws LeaseLostException if it runs under another lease than {@code fence}'s
   */
  public Job extendLease(long fence, Instant expiresAt, Instant at) {
    requireLease(fence, JobState.RUNNING, "extend its lease");
    Objects.requireNonNull(expiresAt, "expiresAt");
    return new Job(
        id,
        spec,
        state,
        attempt,
        createdAt,
        at,
        null,
        errors,
        attempts,
        new Lease(
            lease.owner(),
            lease.fence(),
            expiresAt.isAfter(lease.expiresAt()) ? expiresAt : lease.expiresAt(),
            lease.startedAt()),
        version + 1,
        cancelRequested,
        null,
        progress);
  }

  /**
   * The lease ran out before the worker reported: the worker is presumed dead. The attempt counts
   * as failed with a {@code LeaseExpired} error, so the job is retried after its backoff or, with
   * no attempts left, dead-lettered. A job that was asked to cancel is cancelled instead.
   *
   * @throws IllegalTransitionException if the job is not running
   * @throws IllegalStateException if the lease has not expired at {@code now}
   */
  public Job expireLease(Instant now, RandomGenerator random) {
    if (state != JobState.RUNNING) {
      throw IllegalTransitionException.cannot(id, state, JobState.RUNNING, "have its lease expire");
    }
    if (!lease.isExpiredAt(now)) {
      throw new IllegalStateException(
          "Job %s is leased by %s until %s, so its lease has not expired at %s."
              .formatted(id, lease.owner(), lease.expiresAt(), now));
    }
    var error =
        AttemptError.reason(
            attempt,
            now,
            "LeaseExpired",
            "The lease of %s expired at %s before the job finished."
                .formatted(lease.owner(), lease.expiresAt()));
    if (cancelRequested) {
      // An operator asked the job to stop and its worker died: what was asked for happens.
      return finish(
          JobState.CANCELLED,
          withError(error),
          withAttempt(AttemptRecord.Ending.CANCELLED, now),
          now);
    }
    var expired = withAttempt(AttemptRecord.Ending.LEASE_EXPIRED, now);
    return canRetry()
        ? toPending(withError(error), expired, now.plus(backoffDuration(random)), attempt, now)
        : finish(JobState.FAILED, withError(error), expired, now);
  }

  /**
   * Cancels the job. A pending job is cancelled at once. A running job is asked to stop: it stays
   * running with {@link #isCancelRequested()} set until its worker acknowledges or finishes.
   *
   * @throws IllegalTransitionException if the job has finished
   */
  public Job cancel(Instant at) {
    if (state == JobState.RUNNING) {
      return cancelRequested
          ? this
          : new Job(
              id,
              spec,
              state,
              attempt,
              createdAt,
              at,
              null,
              errors,
              attempts,
              lease,
              version + 1,
              true,
              null,
              progress);
    }
    if (!state.canTransitionTo(JobState.CANCELLED)) {
      throw IllegalTransitionException.cancel(id, state);
    }
    return finish(JobState.CANCELLED, errors, attempts, at);
  }

  /**
   * Sends a failed or cancelled job back to pending, runnable at {@code at}, by an operator's hand.
   * Its errors are kept; if it had used all its attempts it gets one more.
   *
   * @throws IllegalTransitionException unless the job is failed or cancelled
   */
  public Job requeue(Instant at) {
    // Pending and running jobs can become pending by a worker's hand, never by an operator's.
    if (state == JobState.PENDING
        || state == JobState.RUNNING
        || !state.canTransitionTo(JobState.PENDING)) {
      throw IllegalTransitionException.retryByHand(id, state);
    }
    if (attempt >= JobSpec.MAX_ATTEMPTS) {
      throw new IllegalStateException(
          "Job %s used all %d attempts a job may have, so it cannot be retried again."
              .formatted(id, JobSpec.MAX_ATTEMPTS));
    }
    int maxAttempts = Math.max(spec.maxAttempts(), attempt + 1);
    var requeued = respec(spec.priority(), at, maxAttempts);
    return new Job(
        id,
        requeued,
        JobState.PENDING,
        attempt,
        createdAt,
        at,
        null,
        errors,
        attempts,
        null,
        version + 1,
        false,
        null,
        progress);
  }

  /**
   * Raises the priority of a pending job, as priority aging does for jobs that waited too long.
   *
   * @throws IllegalTransitionException if the job is not pending
   */
  public Job raisePriority(int steps, Instant at) {
    if (state != JobState.PENDING) {
      throw IllegalTransitionException.cannot(
          id, state, JobState.PENDING, "have its priority raised");
    }
    var raised = spec.priority().raisedBy(steps);
    if (raised.equals(spec.priority())) {
      return this;
    }
    return new Job(
        id,
        respec(raised, spec.runAt(), spec.maxAttempts()),
        state,
        attempt,
        createdAt,
        at,
        null,
        errors,
        attempts,
        null,
        version + 1,
        false,
        null,
        progress);
  }

  /**
   * Moves a pending job that waited too long up to the next priority level, so that low priorities
   * never starve; an urgent job stays as it is.
   *
   * @throws IllegalTransitionException if the job is not pending
   */
  public Job ageUp(Instant at) {
    return raisePriority(spec.priority().nextLevel().value() - spec.priority().value(), at);
  }

  // ---- Internals -------------------------------------------------------------------------

  private void require(JobState target, String action) {
    if (!state.canTransitionTo(target)) {
      throw IllegalTransitionException.cannot(id, state, target, action);
    }
  }

  /** A worker's report needs the job running (else illegal) and under the worker's fence. */
  private void requireLease(long fence, JobState target, String action) {
    if (state != JobState.RUNNING) {
      throw IllegalTransitionException.cannot(id, state, target, action);
    }
    if (lease.fence() != fence) {
      throw new LeaseLostException(id, fence, "running under fence %d".formatted(lease.fence()));
    }
  }

  private Job finish(
      JobState target, List<AttemptError> newErrors, List<AttemptRecord> newAttempts, Instant at) {
    return finish(target, newErrors, newAttempts, at, null);
  }

  private Job finish(
      JobState target,
      List<AttemptError> newErrors,
      List<AttemptRecord> newAttempts,
      Instant at,
      String result) {
    require(target, "become " + IllegalTransitionException.word(target));
    Objects.requireNonNull(at, "at");
    return new Job(
        id,
        spec,
        target,
        attempt,
        createdAt,
        at,
        at,
        newErrors,
        newAttempts,
        null,
        version + 1,
        false,
        result,
        progress);
  }

  private Job toPending(
      List<AttemptError> newErrors,
      List<AttemptRecord> newAttempts,
      Instant runAt,
      int newAttempt,
      Instant at) {
    require(JobState.PENDING, "go back to pending");
    Objects.requireNonNull(at, "at");
    return new Job(
        id,
        respec(spec.priority(), runAt, spec.maxAttempts()),
        JobState.PENDING,
        newAttempt,
        createdAt,
        at,
        null,
        newErrors,
        newAttempts,
        null,
        version + 1,
        false,
        null,
        progress);
  }

  private JobSpec respec(Priority priority, Instant runAt, int maxAttempts) {
    return new JobSpec(
        spec.queue(),
        spec.kind(),
        spec.payload(),
        priority,
        maxAttempts,
        spec.retryPolicy(),
        runAt,
        spec.uniqueKey(),
        spec.tags());
  }

  private List<AttemptError> withError(AttemptError error) {
    Objects.requireNonNull(error, "error");
    var all = new ArrayList<AttemptError>(Math.min(errors.size() + 1, MAX_ERRORS_KEPT));
    int skip = Math.max(0, errors.size() + 1 - MAX_ERRORS_KEPT);
    all.addAll(errors.subList(skip, errors.size()));
    all.add(error);
    return List.copyOf(all);
  }

  /**
   * The attempt records with the running attempt's appended, ended at {@code at} as {@code ending}:
   * its node and start come from the lease, its due time from the run-at it was claimed at, which
   * stays as it was while the job runs.
   */
  private List<AttemptRecord> withAttempt(AttemptRecord.Ending ending, Instant at) {
    Objects.requireNonNull(at, "at");
    var record =
        new AttemptRecord(attempt, lease.owner(), spec.runAt(), lease.startedAt(), at, ending);
    var all = new ArrayList<AttemptRecord>(Math.min(attempts.size() + 1, MAX_ATTEMPTS_KEPT));
    int skip = Math.max(0, attempts.size() + 1 - MAX_ATTEMPTS_KEPT);
    all.addAll(attempts.subList(skip, attempts.size()));
    all.add(record);
    return List.copyOf(all);
  }

  private static void requirePositive(Duration leaseDuration) {
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    if (leaseDuration.isNegative() || leaseDuration.isZero()) {
      throw new IllegalArgumentException(
          "Lease duration %s must be positive.".formatted(leaseDuration));
    }
  }

  // ---- Accessors -------------------------------------------------------------------------

  /** The job's id. */
  public JobId id() {
    return id;
  }

  /** The job's current definition: queue, kind, payload, priority, run-at and the rest. */
  public JobSpec spec() {
    return spec;
  }

  /** The queue the job waits in. */
  public String queue() {
    return spec.queue();
  }

  /** The name of the handler that runs the job. */
  public String kind() {
    return spec.kind();
  }

  /** The JSON payload. */
  public String payload() {
    return spec.payload();
  }

  /** The priority within the queue. */
  public Priority priority() {
    return spec.priority();
  }

  /** The current state. */
  public JobState state() {
    return state;
  }

  /** How many attempts have started, 0 before the first claim. */
  public int attempt() {
    return attempt;
  }

  /** How many attempts the job gets in all. */
  public int maxAttempts() {
    return spec.maxAttempts();
  }

  /** How long the job waits between attempts. */
  public RetryPolicy retryPolicy() {
    return spec.retryPolicy();
  }

  /** The earliest time the job may run (next). */
  public Instant runAt() {
    return spec.runAt();
  }

  /** When the job was submitted. */
  public Instant createdAt() {
    return createdAt;
  }

  /** When the job last changed. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** When the job finished, if it has. */
  public Optional<Instant> finishedAt() {
    return Optional.ofNullable(finishedAt);
  }

  /** The errors of failed attempts, oldest first; at most {@link #MAX_ERRORS_KEPT}. */
  public List<AttemptError> errors() {
    return errors;
  }

  /**
   * The attempts that have ended, oldest first, at most {@link #MAX_ATTEMPTS_KEPT}: each one's
   * node, times and ending. The running attempt is not among them; its {@link #lease()} describes
   * it.
   */
  public List<AttemptRecord> attempts() {
    return attempts;
  }

  /** The lease of a running job. */
  public Optional<Lease> lease() {
    return Optional.ofNullable(lease);
  }

  /** The version, raised by one on every change. */
  public long version() {
    return version;
  }

  /** The unique key, if the job has one. */
  public Optional<String> uniqueKey() {
    return spec.uniqueKey();
  }

  /** The tags, sorted. */
  public List<String> tags() {
    return spec.tags();
  }

  /**
   * The result the handler returned, as JSON: only for a completed job, and only if it returned
   * one.
   */
  public Optional<String> result() {
    return Optional.ofNullable(result);
  }

  /** The progress the handler of the current or last attempt reported, if it did. */
  public Optional<Progress> progress() {
    return Optional.ofNullable(progress);
  }

  /** Whether someone asked this running job to stop. */
  public boolean isCancelRequested() {
    return cancelRequested;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Job other
        && attempt == other.attempt
        && version == other.version
        && cancelRequested == other.cancelRequested
        && id.equals(other.id)
        && spec.equals(other.spec)
        && state == other.state
        && createdAt.equals(other.createdAt)
        && updatedAt.equals(other.updatedAt)
        && Objects.equals(finishedAt, other.finishedAt)
        && errors.equals(other.errors)
        && attempts.equals(other.attempts)
        && Objects.equals(lease, other.lease)
        && Objects.equals(result, other.result)
        && Objects.equals(progress, other.progress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, version);
  }

  @Override
  public String toString() {
    return "Job[%s %s/%s %s attempt %d/%d v%d]"
        .formatted(id, queue(), kind(), state, attempt, maxAttempts(), version);
  }
}
