package dev.docket.usecase;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.Names;
import dev.docket.domain.Outcome;
import dev.docket.domain.Progress;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobClaims;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.PayloadCodec;
import dev.docket.usecase.port.PayloadException;
import dev.docket.usecase.port.ProgressReport;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Claims jobs under a lease, runs their handlers and reports the outcomes.
 *
 * <p>Each step is a method of its own ({@link #claim}, {@link #execute}, {@link #report}) so a
 * worker pool can claim in batches, run handlers on its own threads and report many outcomes in one
 * round trip; {@link #processBatch} does all three in the calling thread. How an attempt ends:
 *
 * <ul>
 *   <li>the handler returns: completed;
 *   <li>it throws {@link JobCancelledException}, or throws after a cancel request: cancelled;
 *   <li>a cancel request came between the claim and the start: cancelled, the handler not run;
 *   <li>it throws {@link NonRetryableException}, or the payload can't be read as the handler's
 *       type: failed for good, into the dead letter;
 *   <li>it throws anything else, {@code Error}s included, or no handler knows the kind (another
 *       node may): retried after the backoff while attempts remain, dead-lettered after that;
 *   <li>it runs past its kind's timeout: interrupted, and the attempt fails with a {@code Timeout}
 *       error (retried per policy);
 *   <li>the thread is interrupted (the worker is stopping): released, the attempt not counted.
 * </ul>
 *
 * <p>A job is held, and its lease extended by {@link #heartbeat}, from its claim until the store
 * has answered its report.
 *
 * <p>Thread-safe.
 */
public final class JobProcessor {
  private static final System.Logger LOG = System.getLogger(JobProcessor.class.getName());

  private final JobClaims claims;
  private final HandlerRegistry handlers;
  private final PayloadCodec codec;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final ProcessorOptions options;
  private final JobListener listener;

  /**
   * Jobs this processor holds a lease on, from the claim until the store has answered the report:
   * jobs waiting their turn in a batch and jobs whose outcome is not stored yet need their leases
   * extended too. Keyed by id and fence, so a stale run of a job that was claimed again never
   * removes the live run's entry.
   */
  private final ConcurrentHashMap<Held, RunningJob> inFlight = new ConcurrentHashMap<>();

  private record Held(JobId id, long fence) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Held other && fence == other.fence && id.equals(other.id);
    }

    @Override
    public int hashCode() {
      return id.hashCode() * 31 + Long.hashCode(fence);
    }
  }

  /**
   * A processor. It needs only the worker path of a store, so any {@link
   * dev.docket.usecase.port.JobStorage} will do.
   *
   * @param claims where jobs are claimed, and their outcomes and leases stored
   * @param handlers the handlers, by kind
   * @param codec reads payloads
   * @param clock the time of claims and outcomes
   * @param random the jitter of retry backoffs
   * @param options the owner name and lease
   */
  public JobProcessor(
      JobClaims claims,
      HandlerRegistry handlers,
      PayloadCodec codec,
      InstantSource clock,
      RandomGenerator random,
      ProcessorOptions options) {
    this(claims, handlers, codec, clock, random, options, JobListener.NONE);
  }

  /**
   * A processor that tells {@code listener} of every job it starts and every outcome the store
   * accepted.
   *
   * @param claims where jobs are claimed, and their outcomes and leases stored
   * @param handlers the handlers, by kind
   * @param codec reads payloads
   * @param clock the time of claims and outcomes
   * @param random the jitter of retry backoffs
   * @param options the owner name and lease
   * @param listener hears of started jobs and stored outcomes
   */
  public JobProcessor(
      JobClaims claims,
      HandlerRegistry handlers,
      PayloadCodec codec,
      InstantSource clock,
      RandomGenerator random,
      ProcessorOptions options,
      JobListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.handlers = Objects.requireNonNull(handlers, "handlers");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Claims up to {@code limit} runnable jobs of {@code queue}, in claim order, of the kinds this
   * processor has handlers for. Jobs of other kinds stay where they are, for a worker that can run
   * them: claiming one here would only use up an attempt. With no handler at all, nothing is
   * claimed.
   */
  public List<Job> claim(String queue, int limit) {
    Set<String> kinds = handlers.kinds();
    if (kinds.isEmpty()) {
      return List.of();
    }
    List<Job> claimed =
        claims.claim(
            new ClaimRequest(
                queue, limit, options.owner(), options.leaseDuration(), clock.instant(), kinds));
    for (Job job : claimed) {
      var running = new RunningJob(job, this);
      inFlight.put(new Held(job.id(), running.fence()), running);
    }
    return claimed;
  }

  /**
   * The claim under which a job submitted on this node may be stored already claimed for this
   * processor (see {@link dev.docket.usecase.port.JobSubmissions#insertClaimed}): the claim {@link
   * #claim} would make now for one job of {@code queue}.
   */
  public ClaimRequest claimForOne(String queue) {
    return new ClaimRequest(
        queue, 1, options.owner(), options.leaseDuration(), clock.instant(), handlers.kinds());
  }

  /**
   * Holds a job that the store claimed for this processor outside {@link #claim}, as {@link
   * dev.docket.usecase.port.JobSubmissions#insertClaimed} does: from now on {@link #heartbeat}
   * extends its lease, as for a job this processor claimed.
   *
   * @throws IllegalArgumentException if the job is not leased by this processor's owner
   */
  public void adopt(Job claimed) {
    var lease = claimed.lease().orElse(null);
    if (lease == null || !lease.owner().equals(options.owner())) {
      throw new IllegalArgumentException(
          "Job %s is not leased by %s.".formatted(claimed.id(), options.owner()));
    }
    var running = new RunningJob(claimed, this);
    inFlight.put(new Held(claimed.id(), running.fence()), running);
  }

  /**
   * Runs the handler of a claimed job in the calling thread and decides its outcome. The outcome is
   * not stored until it is {@linkplain #report reported}.
   */
  public Outcome execute(Job claimed) {
    var held = new Held(claimed.id(), claimed.lease().orElseThrow().fence());
    RunningJob running = inFlight.computeIfAbsent(held, h -> new RunningJob(claimed, this));
    if (running.isLeaseLost()) {
      // The job was rescued while it waited its turn: its new owner runs it, this worker doesn't.
      return new Outcome.Released(claimed.id(), running.fence(), clock.instant());
    }
    if (running.wasCancelRequested()) {
      // Cancelled while it waited its turn: it ends without its handler ever running.
      return new Outcome.Cancelled(claimed.id(), running.fence(), clock.instant());
    }
    try {
      return start(running);
    } catch (RuntimeException | Error e) {
      // Deciding the outcome failed (a listener, an exception that can't be printed): the job
      // must still end its attempt, or it would stay running under a lease kept alive forever.
      Instant at = clock.instant();
      LOG.log(Level.WARNING, "Job " + claimed.id() + ": recording its attempt failed", e);
      return Outcome.ofFailure(
          claimed,
          AttemptError.reason(
              claimed.attempt(),
              at,
              e.getClass().getName(),
              "Docket could not record this attempt's outcome; see the worker's log."),
          at,
          random);
    }
  }

  private Outcome start(RunningJob running) {
    Job claimed = running.job();
    Instant started = clock.instant();
    running.started(started);
    listener.on(
        new JobEvent(
            JobEvent.Type.STARTED,
            claimed.id(),
            claimed.queue(),
            claimed.kind(),
            claimed.attempt(),
            started,
            Optional.empty(),
            Optional.empty(),
            Optional.of(waited(claimed, started))));
    return run(running);
  }

  /**
   * From the moment {@code job} was due to {@code started}: its run time, or its creation if it was
   * submitted to run at an earlier time than that.
   */
  private static Duration waited(Job job, Instant started) {
    Instant due = job.runAt().isBefore(job.createdAt()) ? job.createdAt() : job.runAt();
    return Duration.between(due, started);
  }

  private Outcome run(RunningJob running) {
    Job job = running.job();
    Optional<HandlerRegistry.Registration<?>> registration = handlers.find(job.kind());
    if (registration.isEmpty()) {
      Instant at = clock.instant();
      var error =
          AttemptError.reason(
              job.attempt(),
              at,
              "UnknownKind",
              "No handler is registered for kind %s on worker %s; registered kinds: %s."
                  .formatted(Names.quote(job.kind()), options.owner(), handlers.kinds()));
      return Outcome.ofFailure(job, error, at, random);
    }
    Object payload;
    try {
      payload = codec.decode(job.payload(), registration.get().type().payloadType());
    } catch (PayloadException e) {
      Instant at = clock.instant();
      return Outcome.ofPermanentFailure(job, AttemptError.of(job.attempt(), at, e), at);
    }
    Duration timeout = options.timeouts().get(job.kind());
    Thread handlerThread = Thread.currentThread();
    ScheduledFuture<?> alarm =
        timeout == null
            ? null
            : Alarms.TIMER.schedule(
                () -> running.timeOut(handlerThread), timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      Object result = registration.get().invoke(payload, running);
      if (!running.finishInTime()) {
        Thread.interrupted(); // it finished anyway: the work is done, the interrupt is stale
      }
      flushUninterrupted(running);
      return completion(running, result);
    } catch (Throwable failure) {
      // Decided before the flush, so that an alarm firing during the flush neither interrupts it
      // nor turns a handler that ended in time into a timeout.
      boolean inTime = running.finishInTime();
      flushUninterrupted(running);
      Instant at = clock.instant();
      if (!inTime) {
        Thread.interrupted(); // the interrupt was the timeout's, not a shutdown's
        var error =
            AttemptError.reason(
                job.attempt(),
                at,
                "Timeout",
                "The handler of kind %s ran longer than its timeout of %s and was interrupted."
                    .formatted(Names.quote(job.kind()), timeout));
        return Outcome.ofFailure(job, error, at, random);
      }
      if (failure instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
        // An interrupt means the worker is stopping: the job goes back, the attempt not counted.
        Thread.currentThread().interrupt();
        return new Outcome.Released(job.id(), running.fence(), at);
      }
      if (failure instanceof JobCancelledException || running.wasCancelRequested()) {
        return new Outcome.Cancelled(job.id(), running.fence(), at);
      }
      var error = AttemptError.of(job.attempt(), at, failure);
      return failure instanceof NonRetryableException
          ? Outcome.ofPermanentFailure(job, error, at)
          : Outcome.ofFailure(job, error, at, random);
    } finally {
      if (alarm != null) {
        alarm.cancel(false);
      }
    }
  }

  /**
   * The outcome of a handler that returned {@code result}: completed with it encoded, or failed for
   * good if it can't be kept, since running the handler again would make the same result.
   */
  private Outcome completion(RunningJob running, Object result) {
    Job job = running.job();
    if (result == null) {
      return new Outcome.Completed(job.id(), running.fence(), clock.instant());
    }
    String json;
    try {
      json = codec.encode(result);
    } catch (PayloadException e) {
      Instant at = clock.instant();
      return Outcome.ofPermanentFailure(
          job,
          AttemptError.reason(
              job.attempt(),
              at,
              "ResultNotEncodable",
              "The handler returned a %s that can't be written as JSON: %s"
                  .formatted(result.getClass().getName(), e.getMessage())),
          at);
    }
    Instant at = clock.instant();
    if (json.length() > Job.MAX_RESULT_LENGTH) {
      return Outcome.ofPermanentFailure(
          job,
          AttemptError.reason(
              job.attempt(),
              at,
              "ResultTooLarge",
              ("The handler returned a %s of %,d characters of JSON; a result may have at most"
                      + " %,d. Keep bulk data in your own storage and return a reference to it.")
                  .formatted(result.getClass().getName(), json.length(), Job.MAX_RESULT_LENGTH)),
          at);
    }
    return new Outcome.Completed(job.id(), running.fence(), at, Optional.of(json));
  }

  /**
   * Writes the handler's last progress report with the thread's interrupt flag cleared, and sets
   * the flag again after. A timeout or a stopping worker leaves the flag set, and an interrupted
   * thread's JDBC write fails (on a virtual thread it closes the socket, and with it a pooled
   * connection): the last report would be lost just when it says how far an unfinished attempt
   * came. The flag is restored before the failure is classified, which reads it.
   */
  private static void flushUninterrupted(RunningJob running) {
    boolean interrupted = Thread.interrupted();
    try {
      running.flushProgress();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  Instant now() {
    return clock.instant();
  }

  /** Writes {@code running}'s pending progress after {@code delay}, off the handler's thread. */
  void scheduleProgress(RunningJob running, Duration delay) {
    Alarms.TIMER.schedule(
        () -> Thread.ofVirtual().name("docket-progress").start(running::flushProgress),
        delay.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /**
   * Stores a progress report; best effort, since the next report or the outcome supersedes it.
   *
   * @return false only if the store refused it because the job is no longer leased under the
   *     running job's fence; true also when the write failed, which says nothing of the lease
   */
  boolean writeProgress(RunningJob running, Progress progress) {
    try {
      return claims.reportProgress(new ProgressReport(running.jobId(), running.fence(), progress));
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "Job " + running.jobId() + ": its progress could not be stored", e);
      return true;
    }
  }

  private static JobEvent outcomeEvent(Outcome outcome, RunningJob running) {
    Job job = running.job();
    Optional<Duration> runTime =
        running.startedAt().map(start -> Duration.between(start, outcome.at()));
    JobEvent.Type type;
    Optional<AttemptError> error = Optional.empty();
    switch (outcome) {
      case Outcome.Completed c -> type = JobEvent.Type.COMPLETED;
      case Outcome.Retried r -> {
        type = JobEvent.Type.RETRIED;
        error = Optional.of(r.error());
      }
      case Outcome.Failed f -> {
        type = JobEvent.Type.DEAD;
        error = Optional.of(f.error());
      }
      case Outcome.Cancelled c -> type = JobEvent.Type.CANCELLED;
      case Outcome.Released r -> type = JobEvent.Type.RELEASED;
    }
    return new JobEvent(
        type, job.id(), job.queue(), job.kind(), job.attempt(), outcome.at(), runTime, error);
  }

  /**
   * One daemon thread for every processor's handler timeouts: it only interrupts threads. Cancelled
   * alarms leave its queue at once, so finished jobs are not kept alive by them.
   */
  private static final class Alarms {
    static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
      var timer =
          new java.util.concurrent.ScheduledThreadPoolExecutor(
              1, Thread.ofPlatform().daemon().name("docket-timeouts").factory());
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    }
  }

  /**
   * Lets go of jobs whose outcomes could not be stored: they are no longer extended by the
   * heartbeat, so their leases run out and the rescue decides their fate.
   */
  public void abandon(List<Outcome> outcomes) {
    for (Outcome outcome : outcomes) {
      inFlight.remove(new Held(outcome.jobId(), outcome.fence()));
    }
  }

  /**
   * Stores outcomes in one call to the store.
   *
   * @return the outcomes refused because this worker lost the lease; the job's fate is decided
   *     elsewhere
   */
  public List<Outcome> report(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return List.of();
    }
    List<Outcome> refused = claims.report(outcomes);
    var refusedSet =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Outcome, Boolean>());
    refusedSet.addAll(refused);
    for (Outcome outcome : outcomes) {
      RunningJob running = inFlight.remove(new Held(outcome.jobId(), outcome.fence()));
      if (running != null && !refusedSet.contains(outcome) && listener != JobListener.NONE) {
        listener.on(outcomeEvent(outcome, running));
      }
    }
    for (Outcome outcome : refused) {
      LOG.log(
          Level.WARNING,
          "Job {0}: the outcome {1} of worker {2} was refused, because the lease was lost.",
          outcome.jobId(),
          outcome.getClass().getSimpleName(),
          options.owner());
    }
    return refused;
  }

  /**
   * Claims up to {@code limit} jobs of {@code queue}, runs them one after another in the calling
   * thread and reports their outcomes together.
   *
   * @return the outcomes, in claim order
   */
  public List<Outcome> processBatch(String queue, int limit) {
    List<Job> claimed = claim(queue, limit);
    var outcomes = new ArrayList<Outcome>(claimed.size());
    for (Job job : claimed) {
      outcomes.add(execute(job));
    }
    report(outcomes);
    return outcomes;
  }

  /**
   * Extends the lease of every job running on this processor, in one call to the store, and passes
   * on what the store knows: a cancel request, or a lease lost to a rescue.
   *
   * @return how many leases were extended
   */
  public int heartbeat() {
    List<RunningJob> running = List.copyOf(inFlight.values());
    if (running.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    Instant expiry = now.plus(options.leaseDuration());
    var extensions = new ArrayList<LeaseExtension>(running.size());
    for (RunningJob job : running) {
      extensions.add(new LeaseExtension(job.jobId(), job.fence(), expiry, now));
    }
    List<LeaseStatus> statuses = claims.extendLeases(extensions);
    int extended = 0;
    for (int i = 0; i < statuses.size(); i++) {
      if (apply(running.get(i), statuses.get(i))) {
        extended++;
      }
    }
    return extended;
  }

  /**
   * Passes a cancel request to a job running on this processor, without waiting for the next
   * heartbeat.
   *
   * @return whether the job was running here
   */
  public boolean signalCancel(JobId id) {
    boolean found = false;
    for (var entry : inFlight.entrySet()) {
      if (entry.getKey().id().equals(id)) {
        entry.getValue().requestCancel();
        found = true;
      }
    }
    return found;
  }

  /** The jobs this processor holds: claimed, and not yet reported. */
  public Set<JobId> inFlight() {
    var ids = new java.util.HashSet<JobId>();
    inFlight.keySet().forEach(held -> ids.add(held.id()));
    return Set.copyOf(ids);
  }

  boolean extend(RunningJob running, Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()
        || duration.isZero()
        || duration.compareTo(ProcessorOptions.MAX_LEASE) > 0) {
      throw new IllegalArgumentException(
          "Lease extension %s is out of range: use more than 0 and at most %s."
              .formatted(duration, ProcessorOptions.MAX_LEASE));
    }
    Instant now = clock.instant();
    var extension = new LeaseExtension(running.jobId(), running.fence(), now.plus(duration), now);
    return apply(running, claims.extendLeases(List.of(extension)).get(0));
  }

  private static boolean apply(RunningJob running, LeaseStatus status) {
    if (!status.held()) {
      running.loseLease();
      return false;
    }
    if (status.cancelRequested()) {
      running.requestCancel();
    }
    return true;
  }
}
