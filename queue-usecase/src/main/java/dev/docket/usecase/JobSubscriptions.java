package dev.docket.usecase;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobOperations;
import dev.docket.usecase.port.QueueStats;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a store's feed of changes into subscriptions and awaits: one registration on the feed for
 * the whole process, however many subscribers and awaiting callers there are, so that thousands of
 * awaits cost a PostgreSQL store its one listening connection and nothing more.
 *
 * <p>Each subscriber has a bounded buffer and a virtual thread of its own that delivers from it: a
 * slow subscriber slows neither the feed nor the others, and one that falls a whole buffer behind
 * is dropped with {@link JobSubscriber#onDropped}. An await completes from the feed; as a fallback
 * for a lost notification it also reads the job now and then (after 5 s, then less and less often,
 * and at once when the feed says it missed changes), so it finishes even if the feed is silent.
 *
 * <p>Made and closed by the runtime, started at its first use; {@link JobClient#subscribe} and
 * {@link JobClient#awaitResult} are the way in. Thread-safe.
 */
public final class JobSubscriptions implements AutoCloseable {
  /** How many changes a subscriber may have waiting before it is dropped, unless it says. */
  public static final int DEFAULT_BUFFER = 10_000;

  static final Duration STATS_INTERVAL = Duration.ofSeconds(1);
  static final Duration STATS_IDLE_INTERVAL = Duration.ofSeconds(15);
  static final Duration FIRST_RECHECK = Duration.ofSeconds(5);
  static final Duration LONGEST_RECHECK = Duration.ofSeconds(60);

  /** How long the feed is kept with no subscriber and no await before it is let go. */
  static final Duration IDLE_RELEASE = Duration.ofSeconds(60);

  private static final int RECHECKS_PER_TICK = 200;
  private static final System.Logger LOG = System.getLogger(JobSubscriptions.class.getName());

  private final JobChanges feed;
  private final JobOperations operations;
  private final InstantSource clock;
  private final CopyOnWriteArrayList<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<JobId, Waiter> waiters = new ConcurrentHashMap<>();
  private final AtomicBoolean changedSinceStats = new AtomicBoolean(true);
  private volatile Instant lastStats = Instant.EPOCH;
  private ScheduledExecutorService timer;
  private JobChanges.Subscription registration;

  /**
   * Subscriptions over {@code feed}, reading jobs and statistics from {@code operations} of the
   * same store.
   */
  public JobSubscriptions(JobChanges feed, JobOperations operations, InstantSource clock) {
    this.feed = Objects.requireNonNull(feed, "feed");
    this.operations = Objects.requireNonNull(operations, "operations");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  // Guarded by this, as are the registration and the timer.
  private boolean started;
  private boolean closed;

  /**
   * Whether the registration asks for every change (some subscriber needs them) or only for the
   * awaited jobs' (a PostgreSQL store then sends only those).
   */
  private boolean wide;

  private Instant idleSince;

  /**
   * Registers on the feed and starts the timer of statistics and rechecks, at the first subscribe
   * or await: a process that uses neither pays nothing for them, and a PostgreSQL store's triggers
   * send nothing for it. Call under this object's lock.
   *
   * @param everyChange whether the first user is a subscriber, which needs every change
   */
  private void start(boolean everyChange) {
    if (started) {
      if (everyChange && !wide) {
        registration.everyChange(true);
        wide = true;
      }
      return;
    }
    if (closed) {
      throw new IllegalStateException("The runtime has stopped: it can't subscribe or await.");
    }
    wide = everyChange;
    registration =
        feed.subscribe(
            new JobChanges.Sink() {
              @Override
              public void changed(List<JobChange> changes) {
                dispatch(changes);
              }

              @Override
              public void missed() {
                dispatchMissed();
              }
            },
            everyChange);
    var executor =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("docket-subscriptions").factory());
    executor.scheduleWithFixedDelay(
        this::tick, STATS_INTERVAL.toMillis(), STATS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    timer = executor;
    started = true;
  }

  /**
   * Ends every subscription and fails every await with {@link
   * java.util.concurrent.CancellationException}: the node is stopping.
   */
  @Override
  public synchronized void close() {
    closed = true;
    started = false;
    if (registration != null) {
      registration.close();
      registration = null;
    }
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    for (Delivery delivery : deliveries) {
      delivery.close();
    }
    for (Waiter waiter : waiters.values()) {
      waiter.futures.forEach(future -> future.cancel(false));
    }
    waiters.clear();
  }

  /** Subscribes with a buffer of {@value #DEFAULT_BUFFER} changes. */
  public Subscription subscribe(JobFilter filter, JobSubscriber subscriber) {
    return subscribe(filter, subscriber, DEFAULT_BUFFER);
  }

  /**
   * Delivers to {@code subscriber} every change that {@code filter} matches from now on, until the
   * subscription is closed or the subscriber falls {@code buffer} changes behind.
   */
  public Subscription subscribe(JobFilter filter, JobSubscriber subscriber, int buffer) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(subscriber, "subscriber");
    if (buffer < 1) {
      throw new IllegalArgumentException("A subscriber's buffer must hold at least 1 change.");
    }
    var delivery = new Delivery(filter, subscriber, buffer);
    synchronized (this) {
      start(true);
      deliveries.add(delivery);
    }
    delivery.start();
    if (filter.stats()) {
      changedSinceStats.set(true);
    }
    return delivery;
  }

  /** How many subscriptions are open, for tests and metrics. */
  public int subscriberCount() {
    return deliveries.size();
  }

  /**
   * How many awaits are pending, for tests and metrics: each future of {@link
   * JobClient#awaitFinished} or {@link JobClient#awaitResult} that is not done yet.
   */
  public int awaitCount() {
    return waiters.values().stream().mapToInt(waiter -> waiter.futures.size()).sum();
  }

  /**
   * The job once it has finished, whatever its end. Completes exceptionally with {@link
   * JobNotFoundException} if the job is not found (or is deleted before it finishes).
   */
  CompletableFuture<Job> awaitFinished(JobId id) {
    Objects.requireNonNull(id, "id");
    var future = new CompletableFuture<Job>();
    Instant now = clock.instant();
    boolean first;
    JobChanges.Subscription watching;
    synchronized (this) {
      start(false);
      first = !waiters.containsKey(id);
      watching = registration;
      waiters.compute(
          id,
          (key, existing) -> {
            Waiter w = existing == null ? new Waiter(now.plus(FIRST_RECHECK)) : existing;
            w.futures.add(future);
            return w;
          });
    }
    future.whenComplete((job, failure) -> forget(id, future));
    // Registered first, read second: a change in between completes it through the feed anyway.
    // The watch is written on the await's own thread, never the caller's, and before the read:
    // a change committed after it is sent, even to a node that listens to awaited jobs only.
    Thread.ofVirtual()
        .name("docket-await")
        .start(
            () -> {
              if (first) {
                watching.watch(id);
                if (!waiters.containsKey(id)) {
                  watching.unwatch(id); // done or cancelled while the watch was written
                  return;
                }
              }
              check(id);
            });
    return future;
  }

  private void forget(JobId id, CompletableFuture<Job> future) {
    Waiter left =
        waiters.computeIfPresent(
            id,
            (key, waiter) -> {
              waiter.futures.remove(future);
              return waiter.futures.isEmpty() ? null : waiter;
            });
    if (left == null) {
      JobChanges.Subscription watching;
      synchronized (this) {
        watching = registration;
      }
      if (watching != null) {
        watching.unwatch(id);
      }
    }
  }

  /**
   * Asks the feed for the awaited jobs' changes only, once no subscriber is left: a PostgreSQL
   * store then stops sending every change. On the timer's thread, never the feed's.
   */
  private synchronized void narrowIfNoSubscriber() {
    if (started && wide && deliveries.isEmpty()) {
      registration.everyChange(false);
      wide = false;
    }
  }

  /** Reads the job and completes its awaits if it has finished. */
  private void check(JobId id) {
    Waiter waiter = waiters.get(id);
    if (waiter == null) {
      return;
    }
    try {
      var job = operations.find(id);
      if (job.isEmpty()) {
        waiter.futures.forEach(f -> f.completeExceptionally(new JobNotFoundException(id)));
      } else if (job.get().state().isFinished()) {
        waiter.futures.forEach(f -> f.complete(job.get()));
      }
    } catch (RuntimeException e) {
      // The store is down: the next recheck tries again.
      LOG.log(Level.DEBUG, "Reading awaited job " + id + " failed", e);
    }
  }

  private void dispatch(List<JobChange> changes) {
    if (!changedSinceStats.get()) {
      changedSinceStats.set(true); // read first: every worker thread writing it would contend
    }
    for (JobChange change : changes) {
      if (change.isFinished() && waiters.containsKey(change.jobId())) {
        Thread.ofVirtual().name("docket-await").start(() -> check(change.jobId()));
      }
    }
    for (Delivery delivery : deliveries) {
      for (JobChange change : changes) {
        if (delivery.filter.matches(change) && !delivery.offer(change)) {
          break;
        }
      }
    }
  }

  private void dispatchMissed() {
    changedSinceStats.set(true);
    for (Delivery delivery : deliveries) {
      delivery.offer(Missed.INSTANCE);
    }
    Instant now = clock.instant();
    waiters.values().forEach(waiter -> waiter.nextCheck = now);
  }

  private void tick() {
    try {
      narrowIfNoSubscriber();
      pushStats();
      recheckWaiters();
      releaseIfIdle();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "The subscriptions' timer failed; it runs again in a second", e);
    }
  }

  /**
   * Lets go of the feed once nothing has used it for {@link #IDLE_RELEASE}: the next subscribe or
   * await takes it again. Runs on the timer's thread, which it ends.
   */
  private synchronized void releaseIfIdle() {
    if (!started || !deliveries.isEmpty() || !waiters.isEmpty()) {
      idleSince = null;
      return;
    }
    Instant now = clock.instant();
    if (idleSince == null) {
      idleSince = now;
    } else if (!now.isBefore(idleSince.plus(IDLE_RELEASE))) {
      registration.close();
      registration = null;
      timer.shutdown();
      timer = null;
      started = false;
      idleSince = null;
    }
  }

  private void pushStats() {
    if (deliveries.stream().noneMatch(d -> d.filter.stats())) {
      return;
    }
    Instant now = clock.instant();
    boolean changed = changedSinceStats.get();
    if (!changed && now.isBefore(lastStats.plus(STATS_IDLE_INTERVAL))) {
      return;
    }
    changedSinceStats.set(false);
    List<QueueStats> stats;
    try {
      stats = operations.stats(now);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "Statistics for subscribers could not be read", e);
      return;
    }
    lastStats = now;
    var event = new Stats(stats, now);
    for (Delivery delivery : deliveries) {
      if (delivery.filter.stats()) {
        delivery.offer(event);
      }
    }
  }

  private void recheckWaiters() {
    Instant now = clock.instant();
    var due = new ArrayList<JobId>();
    for (var entry : waiters.entrySet()) {
      Waiter waiter = entry.getValue();
      if (!waiter.nextCheck.isAfter(now)) {
        waiter.backoff =
            waiter.backoff.multipliedBy(2).compareTo(LONGEST_RECHECK) > 0
                ? LONGEST_RECHECK
                : waiter.backoff.multipliedBy(2);
        waiter.nextCheck = now.plus(waiter.backoff);
        due.add(entry.getKey());
        if (due.size() == RECHECKS_PER_TICK) {
          break;
        }
      }
    }
    due.forEach(this::check);
  }

  private static final class Waiter {
    final CopyOnWriteArrayList<CompletableFuture<Job>> futures = new CopyOnWriteArrayList<>();
    volatile Instant nextCheck;
    volatile Duration backoff = FIRST_RECHECK;

    Waiter(Instant nextCheck) {
      this.nextCheck = nextCheck;
    }
  }

  private enum Missed {
    INSTANCE
  }

  /** Put in a closed subscription's buffer, so that its thread ends even if no interrupt does. */
  private enum Stop {
    INSTANCE
  }

  private record Stats(List<QueueStats> stats, Instant at) {}

  private record Dropped(String reason) {}

  /**
   * One subscriber's buffer and the virtual thread that empties it. The thread ends at a {@link
   * Stop} (closed) or after delivering a {@link Dropped}: one of the two is always in the buffer
   * once the subscription is no longer open, so the thread ends even if the subscriber swallows the
   * interrupt that close sends.
   */
  private final class Delivery implements Subscription {
    final JobFilter filter;
    private final JobSubscriber subscriber;
    private final BlockingQueue<Object> buffer;
    private final int capacity;
    private final AtomicBoolean open = new AtomicBoolean(true);

    /** Set before the thread starts, read by close from another thread. */
    private volatile Thread thread;

    Delivery(JobFilter filter, JobSubscriber subscriber, int capacity) {
      this.filter = filter;
      this.subscriber = subscriber;
      this.capacity = capacity;
      // One more than the capacity: the last place is kept for the notice of being dropped.
      this.buffer = new ArrayBlockingQueue<>(capacity + 1);
    }

    /** Starts the thread, unless the subscription was closed since it was made. */
    void start() {
      Thread unstarted = Thread.ofVirtual().name("docket-subscriber").unstarted(this::run);
      thread = unstarted;
      // A close in between finds the thread set and the Stop in the buffer: the thread, if it
      // starts, takes the Stop and ends.
      if (open.get()) {
        unstarted.start();
      }
    }

    /** Whether the item was queued; false once the subscriber is dropped or closed. */
    boolean offer(Object item) {
      if (!open.get()) {
        return false;
      }
      if (buffer.size() < capacity && buffer.offer(item)) {
        return true;
      }
      if (open.compareAndSet(true, false)) {
        deliveries.remove(this);
        replaceBufferWith(
            new Dropped(
                "the subscriber fell %,d changes behind and was dropped".formatted(capacity)));
      }
      return false;
    }

    /**
     * Empties the buffer and puts {@code last} in it. A dispatch that saw the subscription open
     * just before may still add an item, so this tries again until {@code last} is in.
     */
    private void replaceBufferWith(Object last) {
      buffer.clear();
      while (!buffer.offer(last)) {
        buffer.clear();
      }
    }

    private void run() {
      while (true) {
        Object item;
        try {
          item = buffer.take();
        } catch (InterruptedException e) {
          // Close interrupts too, but the Stop it enqueues is what ends the loop: a subscriber
          // may also have left its own interrupt pending.
          continue;
        }
        if (item == Stop.INSTANCE) {
          return;
        }
        if (!open.get() && !(item instanceof Dropped)) {
          continue; // closed or dropped: what is left is stale, up to the Stop or the Dropped
        }
        try {
          switch (item) {
            case JobChange change -> subscriber.onChange(change);
            case Stats stats -> subscriber.onStats(stats.stats(), stats.at());
            case Missed missed -> subscriber.onMissed();
            case Dropped dropped -> {
              subscriber.onDropped(dropped.reason());
              return;
            }
            default -> throw new IllegalStateException("Unknown item " + item);
          }
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "A job subscriber failed; it stays subscribed", e);
        }
      }
    }

    @Override
    public boolean isOpen() {
      return open.get();
    }

    @Override
    public void close() {
      open.set(false);
      deliveries.remove(this);
      replaceBufferWith(Stop.INSTANCE);
      Thread running = thread;
      if (running != null) {
        running.interrupt(); // wakes a subscriber that blocks, if it listens
      }
    }
  }
}
