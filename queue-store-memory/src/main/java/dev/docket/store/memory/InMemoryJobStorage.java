package dev.docket.store.memory;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.LeaseLostException;
import dev.docket.domain.Outcome;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.ProgressReport;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.RescueRequest;
import dev.docket.usecase.port.RunningQuery;
import dev.docket.usecase.port.WakeUps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Jobs in a concurrent map, one monitor per job, and per queue two skip lists of pending jobs.
 *
 * <p>Design: every change to a job happens while holding its {@link Entry}'s monitor, and the index
 * of pending jobs is updated inside that same critical section, so a job's index keys always
 * describe its current pending incarnation. Claimers take no lock to find work: they remove a key
 * from the ready list, which only one of them can do, and only then lock the entry and check that
 * the key still matches the job's version. A key that went stale (a racing cancel) fails that check
 * and is dropped, so stale keys cost a little work and never a wrong claim.
 */
final class InMemoryJobStorage implements JobStorage, WakeUps, QueueControl, JobChanges {
  private final ConcurrentHashMap<JobId, Entry> jobs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, QueueIndex> queues = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, JobId> uniqueKeys = new ConcurrentHashMap<>();

  /**
   * The running jobs, a few thousand at most: outcomes and lease extensions look their jobs up here
   * rather than among every job kept, where each lookup was a cache miss.
   */
  private final ConcurrentHashMap<JobId, Entry> running = new ConcurrentHashMap<>();

  private final Set<String> paused = ConcurrentHashMap.newKeySet();

  @Override
  public void pause(String queue, Instant at) {
    paused.add(dev.docket.domain.Names.requireQueue(queue));
  }

  @Override
  public void resume(String queue) {
    paused.remove(dev.docket.domain.Names.requireQueue(queue));
    QueueIndex index = queues.get(queue);
    if (index != null) {
      listeners.forEach(listener -> listener.wake(queue));
    }
  }

  @Override
  public Set<String> pausedQueues() {
    return Set.copyOf(paused);
  }

  private final java.util.concurrent.CopyOnWriteArrayList<Listener> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public WakeUps.Subscription subscribe(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return () -> listeners.remove(listener);
  }

  private final JobSlots slots = new JobSlots();

  private final java.util.concurrent.CopyOnWriteArrayList<JobChanges.Sink> sinks =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public JobChanges.Subscription subscribe(JobChanges.Sink sink) {
    sinks.add(Objects.requireNonNull(sink, "sink"));
    return () -> sinks.remove(sink);
  }

  /**
   * Tells the sinks of a change of state, attempt or progress. Called under the job's entry, so
   * that the changes of one job reach them in the order they were made.
   */
  private void publish(Job before, Job after) {
    if (sinks.isEmpty()) {
      return;
    }
    JobChange.Type type;
    if (before == null) {
      type = JobChange.Type.CREATED;
    } else if (before.state() != after.state() || before.attempt() != after.attempt()) {
      type = JobChange.Type.STATE;
    } else if (!before.progress().equals(after.progress())) {
      type = JobChange.Type.PROGRESS;
    } else {
      return; // a lease, priority or cancel request: nothing subscribers follow
    }
    List<JobChange> changes = List.of(JobChange.of(type, after));
    for (JobChanges.Sink sink : sinks) {
      try {
        sink.changed(changes);
      } catch (RuntimeException e) {
        System.getLogger(InMemoryJobStorage.class.getName())
            .log(System.Logger.Level.WARNING, "A sink of job changes failed", e);
      }
    }
  }

  @Override
  public boolean reportProgress(ProgressReport report) {
    Entry entry = running.get(report.jobId());
    if (entry == null) {
      return false;
    }
    synchronized (entry) {
      Job job = read(entry);
      if (entry.removed || !job.isLeasedUnder(report.fence())) {
        return false;
      }
      Job next = job.reportProgress(report.fence(), report.progress());
      slots.set(entry.slot, next);
      index(entry, job, next);
      return true;
    }
  }

  /**
   * A job's place: its monitor, and the number of the slot that holds its current snapshot. The
   * slot is written under the monitor and read without it.
   */
  static final class Entry {
    /** The job's id: it tells the job's slot from one given to another job. */
    final JobId id;

    final int slot;
    boolean removed;

    Entry(JobId id, int slot) {
      this.id = id;
      this.slot = slot;
    }
  }

  /** The entry's job, or null once it was removed (and its slot perhaps given to another job). */
  private Job read(Entry entry) {
    Job job = slots.get(entry.slot);
    // Identity first: every transition keeps the id object, so the equals call is rarely made.
    return job != null && (job.id() == entry.id || job.id().equals(entry.id)) ? job : null;
  }

  /** Removes the entry. Call under its monitor. */
  private void discard(Entry entry) {
    entry.removed = true;
    jobs.remove(entry.id, entry);
    slots.release(entry.slot);
  }

  @Override
  public List<Job> insert(List<Job> newJobs) {
    Objects.requireNonNull(newJobs, "jobs");
    var ids = new java.util.HashSet<JobId>();
    for (Job job : newJobs) {
      if (!ids.add(job.id())) {
        throw new IllegalArgumentException(
            "Job %s appears twice in one insert.".formatted(job.id()));
      }
      requireNew(job);
    }
    var stored = new ArrayList<Job>(newJobs.size());
    String lastDue = null;
    var due = new java.util.LinkedHashSet<String>();
    try {
      for (Job job : newJobs) {
        Job kept = job.uniqueKey().isPresent() ? insertUnique(job) : insertPlain(job);
        stored.add(kept);
        if (kept == job && !job.queue().equals(lastDue) && !job.runAt().isAfter(job.updatedAt())) {
          lastDue = job.queue();
          due.add(lastDue);
        }
      }
    } finally {
      // One wake-up per queue and insert, as one NOTIFY per queue and transaction: a bulk insert
      // woke the workers once per job, and they claimed from a paused queue as often. In a
      // finally block, since the jobs stored before one that failed stay stored.
      due.forEach(this::announce);
    }
    return stored;
  }

  @Override
  public Job insertClaimed(Job job, ClaimRequest claim) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(claim, "claim");
    Instant now = claim.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    if (job.uniqueKey().isPresent()
        || !job.queue().equals(claim.queue())
        || !claim.accepts(job.kind())
        || !job.isRunnableAt(now)
        || paused.contains(job.queue())
        || runnableAhead(job, claim, now)) {
      return insert(List.of(job)).get(0);
    }
    requireNew(job);
    Job claimed = job.claim(claim.owner(), now, claim.leaseDuration());
    var entry = new Entry(job.id(), slots.take());
    synchronized (entry) {
      slots.set(entry.slot, claimed);
      if (jobs.putIfAbsent(job.id(), entry) != null) {
        slots.release(entry.slot);
        throw new IllegalArgumentException("Job %s is stored already.".formatted(job.id()));
      }
      index(entry, null, claimed);
    }
    return claimed;
  }

  private void requireNew(Job job) {
    if (job.state() != JobState.PENDING || job.attempt() != 0) {
      throw new IllegalArgumentException(
          "Job %s is %s at attempt %d: only new jobs can be inserted."
              .formatted(job.id(), job.state(), job.attempt()));
    }
    if (jobs.containsKey(job.id())) {
      throw new IllegalArgumentException("Job %s is stored already.".formatted(job.id()));
    }
  }

  /**
   * Whether a claim at {@code now} would take another job of the queue before {@code job}: one it
   * accepts, due, of the job's priority or a higher one (the new job is the latest of its
   * priority).
   */
  private boolean runnableAhead(Job job, ClaimRequest claim, Instant now) {
    QueueIndex index = queues.get(job.queue());
    if (index == null) {
      return false;
    }
    index.promoteDue(now);
    for (QueueIndex.Key key : index.ready) { // in claim order: stop at the first lower priority
      if (key.priority() < job.priority().value()) {
        return false;
      }
      Job queued = read(key.entry());
      if (queued != null
          && queued.version() == key.version()
          && key.isDueAt(now)
          && claim.accepts(queued.kind())) {
        return true;
      }
    }
    return false;
  }

  private Job insertPlain(Job job) {
    var entry = new Entry(job.id(), slots.take());
    synchronized (entry) {
      slots.set(entry.slot, job);
      if (jobs.putIfAbsent(job.id(), entry) != null) {
        slots.release(entry.slot);
        throw new IllegalArgumentException("Job %s is stored already.".formatted(job.id()));
      }
      index(entry, null, job);
    }
    return job;
  }

  private Job insertUnique(Job job) {
    var result = new Job[1];
    uniqueKeys.compute(
        job.uniqueKey().orElseThrow(),
        (key, holder) -> {
          Entry existing = holder == null ? null : jobs.get(holder);
          Job held = existing == null ? null : read(existing);
          if (held != null) {
            result[0] = held;
            return holder;
          }
          result[0] = insertPlain(job);
          return job.id();
        });
    return result[0];
  }

  @Override
  public List<Job> claim(ClaimRequest request) {
    QueueIndex index = queues.get(request.queue());
    if (index == null || paused.contains(request.queue())) {
      return List.of();
    }
    // To the microsecond once, as every job keeps its times: the claimed snapshots then share one
    // instant instead of truncating a copy each.
    Instant now = request.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    index.promoteDue(now);
    var claimed = new ArrayList<Job>(Math.min(request.limit(), 64));
    if (request.kinds().isEmpty()) {
      QueueIndex.Key key;
      // pollFirst hands each key to exactly one claimer, and takes the head without a search.
      while (claimed.size() < request.limit() && (key = index.ready.pollFirst()) != null) {
        take(key, index, request, now, claimed);
      }
    } else {
      // Keys of other kinds stay in place for a claimer that runs them: this claim walks past
      // them and removes only the keys it takes, which, as with pollFirst, only one claimer can.
      for (var keys = index.ready.iterator();
          claimed.size() < request.limit() && keys.hasNext(); ) {
        QueueIndex.Key key = keys.next();
        Job job = read(key.entry());
        if (job != null && job.version() == key.version() && !request.accepts(job.kind())) {
          continue;
        }
        if (index.ready.remove(key)) {
          take(key, index, request, now, claimed); // drops the key if it went stale
        }
      }
    }
    return claimed;
  }

  /** Claims the job of a key this claimer removed from the ready list, unless the key is stale. */
  private void take(
      QueueIndex.Key key, QueueIndex index, ClaimRequest request, Instant now, List<Job> claimed) {
    Entry entry = key.entry();
    synchronized (entry) {
      Job job = read(entry);
      if (entry.removed || job.state() != JobState.PENDING || job.version() != key.version()) {
        return; // a stale key: the job moved on since it was indexed
      }
      if (!job.isRunnableAt(now)) {
        index.scheduled.add(key); // promoted by a claimer whose clock ran ahead of ours
        return;
      }
      Job next;
      try {
        next = job.claim(request.owner(), now, request.leaseDuration());
      } catch (RuntimeException e) {
        index.ready.add(key); // the job stays claimable; the caller learns why this claim failed
        throw e;
      }
      slots.set(entry.slot, next);
      // The key is already out of the index (removed by the caller): only the running set
      // changes. Searching both skip lists for a key that is gone cost more than the claim.
      running.put(next.id(), entry);
      publish(job, next);
      claimed.add(next);
    }
  }

  @Override
  public List<Outcome> report(List<Outcome> outcomes) {
    var refused = new ArrayList<Outcome>();
    for (Outcome outcome : outcomes) {
      // Only a running job takes an outcome, and every running job is in the running map.
      Entry entry = running.get(outcome.jobId());
      if (entry == null) {
        refused.add(outcome);
        continue;
      }
      synchronized (entry) {
        Job job = read(entry);
        if (entry.removed || !job.isLeasedUnder(outcome.fence())) {
          refused.add(outcome);
          continue;
        }
        try {
          Job next = outcome.applyTo(job);
          slots.set(entry.slot, next);
          reindex(entry, job, next);
        } catch (LeaseLostException e) {
          refused.add(outcome);
        }
      }
    }
    return refused;
  }

  @Override
  public List<LeaseStatus> extendLeases(List<LeaseExtension> extensions) {
    var statuses = new ArrayList<LeaseStatus>(extensions.size());
    for (LeaseExtension extension : extensions) {
      Entry entry = running.get(extension.jobId());
      if (entry == null) {
        statuses.add(LeaseStatus.lost(extension.jobId()));
        continue;
      }
      synchronized (entry) {
        Job job = read(entry);
        if (entry.removed || !job.isLeasedUnder(extension.fence())) {
          statuses.add(LeaseStatus.lost(extension.jobId()));
          continue;
        }
        Job next = job.extendLease(extension.fence(), extension.expiresAt(), extension.at());
        slots.set(entry.slot, next);
        statuses.add(new LeaseStatus(next.id(), true, next.isCancelRequested()));
      }
    }
    return statuses;
  }

  @Override
  public Optional<Job> find(JobId id) {
    Entry entry = jobs.get(Objects.requireNonNull(id, "id"));
    return entry == null ? Optional.empty() : Optional.ofNullable(read(entry));
  }

  @Override
  public JobPage list(JobQuery query) {
    // The limit + 1 matches nearest the cursor in one pass: a heap whose head is the one farthest
    // from it. Forward (newest first) keeps the largest ids; a page before beforeId the smallest.
    boolean backward = query.beforeId().isPresent();
    Comparator<Job> reading =
        backward ? Comparator.comparing(Job::id) : Comparator.comparing(Job::id).reversed();
    var nearest = new PriorityQueue<Job>(query.limit() + 1, reading.reversed());
    var matcher = query.matcher();
    for (Entry entry : jobs.values()) {
      Job job = read(entry);
      if (job != null && query.withinCursor(job.id()) && matcher.test(job)) {
        nearest.add(job);
        if (nearest.size() > query.limit() + 1) {
          nearest.poll();
        }
      }
    }
    var found = new ArrayList<>(nearest);
    found.sort(reading);
    return JobPage.of(query, found);
  }

  /** Longest-running first: earliest lease start, then lowest id. */
  private static final Comparator<Job> LONGEST_RUNNING =
      Comparator.comparing((Job job) -> job.lease().orElseThrow().startedAt())
          .thenComparing(Job::id);

  @Override
  public List<Job> running(RunningQuery query) {
    Objects.requireNonNull(query, "query");
    var byOwner = new TreeMap<String, List<Job>>();
    // Only the running jobs, from their own map: a few thousand at most, whatever the store holds.
    for (Entry entry : running.values()) {
      Job job = read(entry);
      if (job == null || job.state() != JobState.RUNNING) {
        continue;
      }
      String owner = job.lease().orElseThrow().owner();
      if (query.owners().contains(owner)) {
        byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(job);
      }
    }
    var out = new ArrayList<Job>();
    byOwner.forEach(
        (owner, jobs) -> {
          jobs.sort(LONGEST_RUNNING);
          out.addAll(jobs.subList(0, Math.min(jobs.size(), query.limit())));
        });
    return out;
  }

  @Override
  public long count(JobQuery query, long cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("The cap is %d; count up to 1 or more.".formatted(cap));
    }
    long found = 0;
    var matcher = query.matcher();
    for (Entry entry : jobs.values()) {
      Job job = read(entry);
      if (job != null && query.withinCursor(job.id()) && matcher.test(job) && ++found >= cap) {
        break;
      }
    }
    return found;
  }

  @Override
  public Optional<Job> update(JobId id, UnaryOperator<Job> change) {
    Objects.requireNonNull(change, "change");
    Entry entry = jobs.get(Objects.requireNonNull(id, "id"));
    if (entry == null) {
      return Optional.empty();
    }
    synchronized (entry) {
      if (entry.removed) {
        return Optional.empty();
      }
      Job job = read(entry);
      Job next = change.apply(job);
      if (next == job) {
        return Optional.of(job);
      }
      job.requireSuccessor(next);
      slots.set(entry.slot, next);
      reindex(entry, job, next);
      return Optional.of(next);
    }
  }

  @Override
  public Optional<Job> delete(JobId id) {
    Entry entry = jobs.get(Objects.requireNonNull(id, "id"));
    if (entry == null) {
      return Optional.empty();
    }
    synchronized (entry) {
      if (entry.removed) {
        return Optional.empty();
      }
      Job job = read(entry);
      job.requireDeletable();
      discard(entry);
      if (job.state() == JobState.PENDING) {
        queues.get(job.queue()).remove(job);
      }
      job.uniqueKey().ifPresent(key -> uniqueKeys.remove(key, id));
      return Optional.of(job);
    }
  }

  @Override
  public List<Job> rescueExpired(RescueRequest request) {
    var rescued = new ArrayList<Job>();
    for (Entry entry : running.values()) {
      if (rescued.size() >= request.limit()) {
        break;
      }
      synchronized (entry) {
        Job job = read(entry);
        if (entry.removed
            || job.state() != JobState.RUNNING
            || !job.lease().orElseThrow().isExpiredAt(request.now())) {
          continue;
        }
        Job next = job.expireLease(request.now(), request.random());
        slots.set(entry.slot, next);
        reindex(entry, job, next);
        rescued.add(next);
      }
    }
    return rescued;
  }

  @Override
  public int agePriorities(AgingRequest request) {
    int aged = 0;
    for (Entry entry : jobs.values()) {
      if (aged >= request.limit()) {
        break;
      }
      Job seen = read(entry);
      if (seen == null || !isAgeable(seen, request)) {
        continue;
      }
      synchronized (entry) {
        Job job = read(entry);
        if (entry.removed || !isAgeable(job, request)) {
          continue;
        }
        Job next = job.ageUp(request.now());
        slots.set(entry.slot, next);
        reindex(entry, job, next);
        aged++;
      }
    }
    return aged;
  }

  private static boolean isAgeable(Job job, AgingRequest request) {
    return job.isRunnableAt(request.now())
        && job.runAt().isBefore(request.waitedSince())
        && job.updatedAt().isBefore(request.waitedSince())
        && job.priority().value() < dev.docket.domain.Priority.MAX_VALUE;
  }

  @Override
  public List<QueueStats> stats(Instant now) {
    Objects.requireNonNull(now, "now");
    var byQueue = new TreeMap<String, Tally>();
    for (Entry entry : jobs.values()) {
      Job job = read(entry);
      if (job == null) {
        continue; // deleted while we looked
      }
      byQueue.computeIfAbsent(job.queue(), q -> new Tally()).add(job, now);
    }
    var stats = new ArrayList<QueueStats>(byQueue.size());
    byQueue.forEach(
        (queue, tally) ->
            stats.add(
                new QueueStats(
                    queue, tally.counts, tally.runnable, Optional.ofNullable(tally.oldestDueAt))));
    return stats;
  }

  private static final class Tally {
    final Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    long runnable;
    Instant oldestDueAt;

    void add(Job job, Instant now) {
      counts.merge(job.state(), 1L, Long::sum);
      if (job.isRunnableAt(now)) {
        runnable++;
        if (oldestDueAt == null || job.runAt().isBefore(oldestDueAt)) {
          oldestDueAt = job.runAt();
        }
      }
    }
  }

  @Override
  public int purge(PurgeRequest request) {
    // The oldest finishes first: a max-heap of finish times keeps the smallest `limit`.
    Comparator<Job> byFinish = Comparator.comparing(job -> job.finishedAt().orElseThrow());
    var oldest = new PriorityQueue<Job>(request.limit() + 1, byFinish.reversed());
    for (Entry entry : jobs.values()) {
      Job job = read(entry);
      if (job != null && isPurgeable(job, request)) {
        oldest.add(job);
        if (oldest.size() > request.limit()) {
          oldest.poll();
        }
      }
    }
    int purged = 0;
    var ids = new HashMap<JobId, Job>();
    oldest.forEach(job -> ids.put(job.id(), job));
    for (JobId id : ids.keySet()) {
      Entry entry = jobs.get(id);
      if (entry == null) {
        continue;
      }
      synchronized (entry) {
        Job job = read(entry);
        if (entry.removed || !isPurgeable(job, request)) {
          continue;
        }
        discard(entry);
        job.uniqueKey().ifPresent(key -> uniqueKeys.remove(key, id));
        purged++;
      }
    }
    return purged;
  }

  private static boolean isPurgeable(Job job, PurgeRequest request) {
    return request.states().contains(job.state())
        && job.finishedAt().orElseThrow().isBefore(request.finishedBefore());
  }

  /**
   * Keeps the index in step with a change and wakes workers for a due job. Call under the entry.
   */
  private void reindex(Entry entry, Job before, Job after) {
    if (index(entry, before, after)) {
      announce(after.queue());
    }
  }

  /** Tells idle workers that {@code queue} has a due job, as PostgreSQL's NOTIFY does. */
  private void announce(String queue) {
    for (Listener listener : listeners) {
      listener.wake(queue); // listeners return at once
    }
  }

  /**
   * Keeps the pending index and the running set in step with a change, without waking anyone. Call
   * under the entry.
   *
   * @return whether the job is now pending and due, so that workers should hear of it
   */
  private boolean index(Entry entry, Job before, Job after) {
    publish(before, after);
    boolean due = false;
    if (before != null && before.state() == JobState.PENDING) {
      QueueIndex index = queues.get(before.queue());
      index.remove(before);
    }
    if (after.state() == JobState.PENDING) {
      queues.computeIfAbsent(after.queue(), q -> new QueueIndex()).schedule(after, entry);
      due = !after.runAt().isAfter(after.updatedAt());
    }
    if (after.state() == JobState.RUNNING) {
      running.put(after.id(), entry);
    } else if (before != null && before.state() == JobState.RUNNING) {
      running.remove(after.id(), entry);
    }
    return due;
  }
}
