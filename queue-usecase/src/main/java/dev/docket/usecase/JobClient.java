package dev.docket.usecase;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.usecase.port.JobOperations;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.JobSubmissions;
import dev.docket.usecase.port.PayloadCodec;
import dev.docket.usecase.port.QueueStats;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Submits jobs and manages them: find, list, cancel, retry, statistics.
 *
 * <p>Thread-safe, provided the random source is (a seeded one for tests, used from one thread, or
 * {@code ThreadLocalRandom.current()}).
 */
public final class JobClient {
  private final JobSubmissions submissions;
  private final JobOperations operations;
  private final PayloadCodec codec;
  private final InstantSource clock;
  private final JobIds ids;
  private final JobListener listener;
  private final LocalHandoff handoff;
  private final JobSubscriptions subscriptions;

  /**
   * A client on {@code storage}.
   *
   * @param storage where jobs live
   * @param codec turns payloads into JSON
   * @param clock the time of submission and of every change
   * @param random the random bits of job ids
   */
  public JobClient(
      JobStorage storage, PayloadCodec codec, InstantSource clock, RandomGenerator random) {
    this(storage, codec, clock, random, JobListener.NONE);
  }

  /**
   * A client on {@code storage} that tells {@code listener} of the jobs it submits and cancels.
   *
   * @param storage where jobs live
   * @param codec turns payloads into JSON
   * @param clock the time of submission and of every change
   * @param random the random bits of job ids
   * @param listener hears of submitted and cancelled jobs
   */
  public JobClient(
      JobStorage storage,
      PayloadCodec codec,
      InstantSource clock,
      RandomGenerator random,
      JobListener listener) {
    this(Objects.requireNonNull(storage, "storage"), storage, codec, clock, random, listener);
  }

  /**
   * A client that submits through {@code submissions} and manages jobs through {@code operations},
   * two parts of the same store, and tells {@code listener} of the jobs it submits and cancels.
   *
   * @param submissions where new jobs are stored
   * @param operations where the same jobs are found, listed, changed, deleted and counted
   * @param codec turns payloads into JSON
   * @param clock the time of submission and of every change
   * @param random the random bits of job ids
   * @param listener hears of submitted and cancelled jobs
   */
  public JobClient(
      JobSubmissions submissions,
      JobOperations operations,
      PayloadCodec codec,
      InstantSource clock,
      RandomGenerator random,
      JobListener listener) {
    this(submissions, operations, codec, clock, random, listener, LocalHandoff.NONE);
  }

  /**
   * A client as {@link #JobClient(JobSubmissions, JobOperations, PayloadCodec, InstantSource,
   * RandomGenerator, JobListener)} makes it, that also hands a job it submits on its own to an idle
   * handler of {@code handoff}, stored already claimed for it.
   *
   * @param submissions where new jobs are stored
   * @param operations where the same jobs are found, listed, changed, deleted and counted
   * @param codec turns payloads into JSON
   * @param clock the time of submission and of every change
   * @param random the random bits of job ids
   * @param listener hears of submitted and cancelled jobs
   * @param handoff this node's idle handlers
   */
  public JobClient(
      JobSubmissions submissions,
      JobOperations operations,
      PayloadCodec codec,
      InstantSource clock,
      RandomGenerator random,
      JobListener listener,
      LocalHandoff handoff) {
    this(submissions, operations, codec, clock, random, listener, handoff, null);
  }

  /**
   * A client as {@link #JobClient(JobSubmissions, JobOperations, PayloadCodec, InstantSource,
   * RandomGenerator, JobListener, LocalHandoff)} makes it, that can also {@linkplain #subscribe
   * subscribe} to job changes and {@linkplain #awaitResult await} jobs through {@code
   * subscriptions}, made on the same store. The runtime's client is made so.
   *
   * @param submissions where new jobs are stored
   * @param operations where the same jobs are found, listed, changed, deleted and counted
   * @param codec turns payloads into JSON
   * @param clock the time of submission and of every change
   * @param random the random bits of job ids
   * @param listener hears of submitted and cancelled jobs
   * @param handoff this node's idle handlers
   * @param subscriptions the store's changes, or null for a client that can't subscribe or await
   */
  public JobClient(
      JobSubmissions submissions,
      JobOperations operations,
      PayloadCodec codec,
      InstantSource clock,
      RandomGenerator random,
      JobListener listener,
      LocalHandoff handoff,
      JobSubscriptions subscriptions) {
    this.subscriptions = subscriptions;
    this.handoff = Objects.requireNonNull(handoff, "handoff");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.submissions = Objects.requireNonNull(submissions, "submissions");
    this.operations = Objects.requireNonNull(operations, "operations");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ids = new JobIds(clock, Objects.requireNonNull(random, "random"));
  }

  /**
   * Submits a job of {@code type} with default options.
   *
   * @return the stored job, or the existing one if its unique key was taken
   * @throws dev.docket.usecase.port.PayloadException if the payload can't be written as JSON
   */
  public <P> Job submit(JobType<P> type, P payload) {
    return submit(JobRequest.of(type, payload).build());
  }

  /**
   * Submits one job.
   *
   * @return the stored job, or the existing one if its unique key was taken
   * @throws dev.docket.usecase.port.PayloadException if the payload is not valid JSON
   */
  public Job submit(JobRequest request) {
    return submitAll(List.of(request)).get(0);
  }

  /**
   * Submits many jobs at once, all or none: if one request is invalid, none is stored.
   *
   * @return for each request, in order, the stored job or the one holding its unique key
   */
  public List<Job> submitAll(List<JobRequest> requests) {
    List<Job> jobs = prepare(requests);
    if (jobs.isEmpty()) {
      return List.of();
    }
    if (jobs.size() == 1 && handoff != LocalHandoff.NONE) {
      Job job = jobs.get(0);
      if (job.uniqueKey().isEmpty() && job.isRunnableAt(job.createdAt())) {
        var slot = handoff.reserve(job.queue(), job.kind());
        if (slot.isPresent()) {
          return List.of(handOff(job, slot.get()));
        }
      }
    }
    List<Job> stored = submissions.insert(jobs);
    if (listener != JobListener.NONE) {
      for (int i = 0; i < stored.size(); i++) {
        Job job = stored.get(i);
        if (job.id().equals(jobs.get(i).id())) {
          listener.on(event(JobEvent.Type.SUBMITTED, job, job.createdAt()));
        }
      }
    }
    return stored;
  }

  /**
   * Stores a due job claimed for a reserved idle handler when nothing comes before it, and starts
   * it there: one round trip from the submit to the handler. Listeners hear of the submission
   * before the handler can start.
   */
  private Job handOff(Job job, LocalHandoff.Slot slot) {
    Job stored;
    try {
      stored = submissions.insertClaimed(job, slot.claim());
    } catch (RuntimeException | Error e) {
      slot.release();
      throw e;
    }
    // Held at once, so that its lease is kept however long the listeners take; started after
    // them.
    Runnable start = null;
    if (stored.state() == dev.docket.domain.JobState.RUNNING) {
      start = slot.take(stored);
    } else {
      slot.release();
    }
    try {
      if (listener != JobListener.NONE) {
        listener.on(event(JobEvent.Type.SUBMITTED, stored, stored.createdAt()));
      }
    } finally {
      if (start != null) {
        start.run();
      }
    }
    return stored;
  }

  private static JobEvent event(JobEvent.Type type, Job job, java.time.Instant at) {
    return new JobEvent(
        type,
        job.id(),
        job.queue(),
        job.kind(),
        job.attempt(),
        at,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Makes the jobs of {@code requests} without storing them: encoded, validated and given ids. For
   * stores that enqueue inside the caller's own transaction, such as the PostgreSQL store's {@code
   * enqueue(connection, jobs)}.
   *
   * @throws dev.docket.usecase.port.PayloadException if a payload is not valid JSON
   */
  public List<Job> prepare(List<JobRequest> requests) {
    Objects.requireNonNull(requests, "requests");
    var now = clock.instant();
    var jobs = new ArrayList<Job>(requests.size());
    for (JobRequest request : requests) {
      Objects.requireNonNull(request, "request");
      String json =
          request.payloadJson().isPresent()
              ? codec.validate(request.payloadJson().get())
              : codec.encode(request.payload().orElseThrow());
      jobs.add(Job.submit(ids.next(), request.toSpec(json, now), now));
    }
    return jobs;
  }

  /** The job with this id. */
  public Optional<Job> find(JobId id) {
    return operations.find(id);
  }

  /**
   * The job with this id.
   *
   * @throws JobNotFoundException if there is none
   */
  public Job get(JobId id) {
    return operations.find(id).orElseThrow(() -> new JobNotFoundException(id));
  }

  /** A page of jobs matching {@code query}, newest first. */
  public JobPage list(JobQuery query) {
    return operations.list(query);
  }

  /**
   * Cancels a job: a pending one at once; a running one is asked to stop, and its handler sees the
   * request.
   *
   * @return the job after the change
   * @throws JobNotFoundException if there is no such job
   * @throws dev.docket.domain.IllegalTransitionException if the job has finished
   */
  public Job cancel(JobId id) {
    return cancel(id, new boolean[1]);
  }

  /** Cancels, and sets {@code unchanged[0]} when the job's cancel had been asked for already. */
  private Job cancel(JobId id, boolean[] unchanged) {
    Job job =
        operations
            .update(
                id,
                j -> {
                  Job next = j.cancel(clock.instant());
                  unchanged[0] = next == j;
                  return next;
                })
            .orElseThrow(() -> new JobNotFoundException(id));
    if (job.state() == dev.docket.domain.JobState.CANCELLED) {
      listener.on(event(JobEvent.Type.CANCELLED, job, job.updatedAt()));
    }
    return job;
  }

  /**
   * Retries a failed or cancelled job by hand: it becomes pending and runs again soon.
   *
   * @return the job after the change
   * @throws JobNotFoundException if there is no such job
   * @throws dev.docket.domain.IllegalTransitionException unless the job is failed or cancelled
   */
  public Job retry(JobId id) {
    return operations
        .update(id, job -> job.requeue(clock.instant()))
        .orElseThrow(() -> new JobNotFoundException(id));
  }

  /**
   * Runs a finished job (completed, failed or cancelled) again as a new job: the same queue, kind,
   * payload, priority, tags, max attempts and retry policy, runnable now, and no unique key, which
   * the finished job may still hold. The finished job stays as it was.
   *
   * @return the new job
   * @throws JobNotFoundException if there is no such job
   * @throws IllegalStateException if the job has not finished: it runs, or will
   */
  public Job rerun(JobId id) {
    Job job = get(id);
    if (!job.state().isFinished()) {
      throw new IllegalStateException(
          "Job %s is %s: only a finished job (completed, failed or cancelled) can be run again."
              .formatted(id, job.state().name().toLowerCase(java.util.Locale.ROOT)));
    }
    var request =
        JobRequest.ofJson(job.kind(), job.payload())
            .queue(job.queue())
            .priority(job.priority())
            .tags(job.tags())
            .maxAttempts(job.maxAttempts())
            .retryPolicy(job.retryPolicy())
            .build();
    return submit(request);
  }

  /**
   * Deletes a job that is not running, whatever else its state: pending, finished or in the dead
   * letter. Its unique key is free again.
   *
   * @return the job as it was
   * @throws JobNotFoundException if there is no such job
   * @throws IllegalStateException if the job is running: cancel it first
   */
  public Job delete(JobId id) {
    Job job = operations.delete(id).orElseThrow(() -> new JobNotFoundException(id));
    listener.on(event(JobEvent.Type.DELETED, job, clock.instant()));
    return job;
  }

  // ---- Many jobs at once ------------------------------------------------------------------

  /** The most jobs one bulk action names, and the most it acts on from a filter. */
  public static final int MAX_BULK = JobQuery.MAX_LIMIT;

  /**
   * How many jobs match {@code query}'s filters, counting no further than {@code cap}: what an
   * operator sees before acting on all of them.
   */
  public long count(JobQuery query, long cap) {
    return operations.count(query.fromStart(), cap);
  }

  /**
   * The jobs matching {@code query} that failed an attempt, grouped by their last error's type,
   * largest first: a dead letter of thousands read as a few causes. Looks at the newest {@code
   * scan} matches at most.
   */
  public List<dev.docket.usecase.port.ErrorGroup> errorGroups(
      JobQuery query, int limit, long scan) {
    return operations.errorGroups(query.fromStart(), limit, scan);
  }

  /**
   * Applies {@code action} to each job named, each on its own and atomically as {@link #retry},
   * {@link #cancel} and {@link #delete} do. A job that is gone, or whose state the action does not
   * apply to (a pending job retried, a finished one cancelled, a running one deleted), is skipped
   * with its reason; so repeating the call changes nothing more. A failure of the store stops the
   * action and is thrown: what was changed before it stays changed, and repeating the call finishes
   * the rest.
   *
   * @param ids up to {@link #MAX_BULK} ids; an id named twice is acted on once
   * @throws IllegalArgumentException if there are more than {@link #MAX_BULK} ids
   */
  public BulkResult act(BulkResult.Action action, List<JobId> ids) {
    Objects.requireNonNull(action, "action");
    var distinct = new java.util.LinkedHashSet<>(Objects.requireNonNull(ids, "ids"));
    if (distinct.size() > MAX_BULK) {
      throw new IllegalArgumentException(
          "%d jobs are named; act on at most %d at once.".formatted(distinct.size(), MAX_BULK));
    }
    var changed = new ArrayList<JobId>();
    var skipped = new ArrayList<BulkResult.Skipped>();
    for (JobId id : distinct) {
      actOn(action, id, changed, skipped);
    }
    return new BulkResult(changed, skipped, Optional.empty());
  }

  /**
   * Applies {@code action} to one page of the jobs matching {@code query}: up to {@code
   * query.limit()} matches after its cursor, newest first, each as {@link #act(BulkResult.Action,
   * List)} does. To act on every match, repeat with {@link JobQuery#after} the result's {@link
   * BulkResult#nextAfterId} until it is empty. A job that stops matching between the read and the
   * action (retried by someone else meanwhile) is skipped with its reason.
   */
  public BulkResult act(BulkResult.Action action, JobQuery query) {
    Objects.requireNonNull(action, "action");
    JobPage page = operations.list(query);
    var changed = new ArrayList<JobId>();
    var skipped = new ArrayList<BulkResult.Skipped>();
    for (Job job : page.jobs()) {
      actOn(action, job.id(), changed, skipped);
    }
    return new BulkResult(changed, skipped, page.nextAfterId());
  }

  private void actOn(
      BulkResult.Action action, JobId id, List<JobId> changed, List<BulkResult.Skipped> skipped) {
    try {
      boolean[] unchanged = new boolean[1];
      switch (action) {
        case RETRY -> retry(id);
        case CANCEL -> cancel(id, unchanged);
        case DELETE -> delete(id);
      }
      if (unchanged[0]) {
        skipped.add(
            new BulkResult.Skipped(
                id, "Job %s is running and was asked to stop already.".formatted(id)));
      } else {
        changed.add(id);
      }
    } catch (JobNotFoundException e) {
      skipped.add(new BulkResult.Skipped(id, "There is no job " + id + "."));
    } catch (dev.docket.domain.IllegalTransitionException | IllegalStateException e) {
      skipped.add(new BulkResult.Skipped(id, e.getMessage()));
    }
  }

  /** Statistics of every queue that has jobs. */
  public List<QueueStats> stats() {
    return operations.stats(clock.instant());
  }

  // ---- Results and subscriptions --------------------------------------------------------

  /**
   * Hears of the changes {@code filter} matches, made on any node, from now on: see {@link
   * JobSubscriber}. The subscriber may fall {@value JobSubscriptions#DEFAULT_BUFFER} changes behind
   * before it is dropped.
   *
   * @return the subscription; close it to stop
   * @throws IllegalStateException if this client was made without subscriptions
   */
  public Subscription subscribe(JobFilter filter, JobSubscriber subscriber) {
    return subscriptions().subscribe(filter, subscriber);
  }

  /**
   * The job once it has finished, whichever node runs it and however it ends: completed, failed or
   * cancelled. No thread waits and nothing polls in a loop: the future completes from the store's
   * change feed. Cancel the future, or use {@link CompletableFuture#orTimeout}, to stop waiting;
   * the job is not affected.
   *
   * @return a future that fails with {@link JobNotFoundException} if there is no such job
   * @throws IllegalStateException if this client was made without subscriptions
   */
  public CompletableFuture<Job> awaitFinished(JobId id) {
    return subscriptions().awaitFinished(id);
  }

  /**
   * The result of the job once it has completed, read as {@code resultType}: null if its handler
   * returned none. If the job ends failed or cancelled instead, the future fails with a {@link
   * java.util.concurrent.CompletionException} wrapping a {@link JobFailedException}, and if there
   * is no such job, with one wrapping a {@link JobNotFoundException}: that is what {@link
   * CompletableFuture#join}, {@link CompletableFuture#exceptionally} and {@link
   * CompletableFuture#whenComplete} see, while {@link CompletableFuture#get()} throws an {@link
   * ExecutionException} whose cause is the {@code JobFailedException} or {@code
   * JobNotFoundException}.
   *
   * <p>Cancelling this future, or its {@link CompletableFuture#orTimeout timeout}, stops the wait
   * underneath at once; the job is not affected. A future derived from it (by {@code thenApply} and
   * the like) does not pass its own cancellation back: cancel this one.
   *
   * <pre>{@code
   * Job job = client.submit(RESIZE, new Resize(imageId, 640));
   * client.awaitResult(job.id(), Thumbnail.class)
   *     .orTimeout(10, TimeUnit.SECONDS)
   *     .thenAccept(thumbnail -> ...);
   * }</pre>
   *
   * @throws IllegalStateException if this client was made without subscriptions
   */
  public <R> CompletableFuture<R> awaitResult(JobId id, Class<R> resultType) {
    Objects.requireNonNull(resultType, "resultType");
    CompletableFuture<Job> finished = awaitFinished(id);
    CompletableFuture<R> result = finished.thenApply(job -> resultOf(job, resultType));
    // A dependent future does not pass its cancellation or timeout back to its source: without
    // this, the await underneath would hold its place in the subscriptions until the job ends,
    // however long ago the caller gave up.
    result.whenComplete((value, failure) -> finished.cancel(false));
    return result;
  }

  /**
   * Waits up to {@code timeout} for the result of the job, as {@link #awaitResult(JobId, Class)}
   * gives it: for a web request that submits a job and answers with its result.
   *
   * @throws JobFailedException if the job ended failed or cancelled
   * @throws JobNotFoundException if there is no such job
   * @throws TimeoutException if the job has not finished within {@code timeout}; it goes on
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public <R> R awaitResult(JobId id, Class<R> resultType, Duration timeout)
      throws InterruptedException, TimeoutException {
    var future = awaitResult(id, resultType);
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      future.cancel(false);
    }
  }

  /**
   * The result of a completed job, read as {@code resultType}: null if it has none.
   *
   * @throws JobFailedException if the job ended failed or cancelled
   * @throws IllegalStateException if it has not finished
   * @throws dev.docket.usecase.port.PayloadException if the result can't be read as {@code
   *     resultType}
   */
  public <R> R resultOf(Job job, Class<R> resultType) {
    return switch (job.state()) {
      case COMPLETED -> job.result().map(json -> codec.decode(json, resultType)).orElse(null);
      case FAILED, CANCELLED -> throw new JobFailedException(job);
      default ->
          throw new IllegalStateException(
              "Job %s is %s: it has no result yet.".formatted(job.id(), job.state()));
    };
  }

  private JobSubscriptions subscriptions() {
    if (subscriptions == null) {
      throw new IllegalStateException(
          "This JobClient was made without subscriptions, so it can't subscribe or await: use the"
              + " runtime's client, DocketRuntime.client().");
    }
    return subscriptions;
  }
}
