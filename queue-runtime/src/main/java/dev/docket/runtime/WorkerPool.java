package dev.docket.runtime;

import dev.docket.domain.Job;
import dev.docket.domain.Outcome;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.port.ClaimRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;

/**
 * The workers of one queue: up to {@code concurrency} handlers at once.
 *
 * <p>One dispatcher thread claims jobs for the free handlers plus a short prefetch (see {@link
 * Prefetch}): the jobs the handlers finish in {@link RuntimeOptions#prefetch()} at their recent
 * rate. Claimed jobs wait in a buffer, most urgent first, and each handler thread takes the next
 * one itself when it finishes, so short jobs run back to back while the next claim travels, and one
 * claim carries many jobs even at a low concurrency. A buffered job is held like a running one: the
 * heartbeat extends its lease, a cancel or a lost lease stops it before it starts, and a stop gives
 * it back without using an attempt.
 *
 * <p>When the queue runs dry the dispatcher waits for a wake-up or the poll interval (with ±20%
 * jitter, so nodes don't poll in step). A reporter thread stores outcomes in batches, so many
 * finished jobs cost one round trip. When the store fails, the dispatcher backs off with jitter and
 * logs the outage once, not once per poll.
 */
final class WorkerPool {
  private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** How long a busy queue's dispatcher lets freed slots gather before it claims. */
  static final Duration LINGER = Duration.ofMillis(2);

  private final String queue;
  private final int concurrency;
  private final JobProcessor processor;
  private final RuntimeOptions options;
  private final InstantSource clock;
  private final RandomGenerator jitter;

  /** Claimed jobs waiting for a handler: highest priority first, then in claim order. */
  private final PriorityBlockingQueue<Waiting> buffer =
      new PriorityBlockingQueue<>(64, Waiting.ORDER);

  /** Jobs claimed and not finished: waiting in the buffer or running. */
  private final AtomicInteger held = new AtomicInteger();

  private final AtomicInteger running = new AtomicInteger();
  private final LongAdder finished = new LongAdder();
  private final LongAdder handlerNanos = new LongAdder();
  private final Prefetch prefetch;

  /** Outcomes handed to the reporter and not yet stored (or given up). */
  private final AtomicInteger unreported = new AtomicInteger();

  /** Set while the dispatcher waits for the reporter to catch up. */
  private volatile boolean reportWanted;

  /**
   * How many outcomes may wait for the reporter before the dispatcher stops claiming: one full
   * report. Beyond it the store takes outcomes slower than jobs finish, and claiming on would only
   * pile up jobs that are done here but still running in the store, under leases of this node.
   */
  static final int REPORT_SLACK = ClaimRequest.MAX_LIMIT;

  /** A finishing handler wakes the dispatcher when {@link #held} falls to this; -1: never. */
  private volatile int wakeAtOrBelow = -1;

  /** Claim order of buffered jobs, for ties of priority. */
  private final java.util.concurrent.atomic.AtomicLong claimOrder =
      new java.util.concurrent.atomic.AtomicLong();

  private final HandlerThreads handlers;
  // Lock-free, since every handler adds to it once per job; the reporter parks on its own flag.
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private volatile boolean reporterParked;
  private final Object signal = new Object();
  private final Thread dispatcher;
  private final Thread reporter;
  private volatile boolean woken;
  private volatile boolean waiting;
  private volatile boolean claiming = true;
  private final WorkerObserver observer;
  private final OutageLog reportLog;
  private volatile boolean reporting = true;
  private volatile boolean reporterDone;

  WorkerPool(
      String queue,
      int concurrency,
      JobProcessor processor,
      RuntimeOptions options,
      InstantSource clock,
      RandomGenerator jitter,
      WorkerObserver observer) {
    this(
        queue,
        concurrency,
        processor,
        options,
        clock,
        jitter,
        observer,
        new Prefetch(options.prefetch(), maxPrefetch(concurrency), concurrency));
  }

  WorkerPool(
      String queue,
      int concurrency,
      JobProcessor processor,
      RuntimeOptions options,
      InstantSource clock,
      RandomGenerator jitter,
      WorkerObserver observer,
      Prefetch prefetch) {
    this.observer = observer;
    this.reportLog = new OutageLog(LOG, "Queue " + queue + ": reporting outcomes");
    this.queue = queue;
    this.concurrency = concurrency;
    this.processor = processor;
    this.options = options;
    this.clock = clock;
    this.jitter = jitter;
    this.prefetch = prefetch;
    // Handlers run on up to `concurrency` long-lived threads, virtual by default, made as needed:
    // with short jobs, starting a new virtual thread per job cost more than the job, and waking a
    // parked thread per job (as a fixed thread pool does) cost more than the rest of the job.
    this.handlers =
        new HandlerThreads(
            concurrency,
            options.virtualThreads()
                ? Thread.ofVirtual().name("docket-" + queue + "-", 0).factory()
                : Thread.ofPlatform().name("docket-" + queue + "-", 0).factory());
    this.dispatcher =
        Thread.ofPlatform().name("docket-" + queue + "-dispatcher").unstarted(this::dispatch);
    this.reporter =
        Thread.ofPlatform().name("docket-" + queue + "-reporter").unstarted(this::report);
  }

  void start() {
    reporter.start();
    dispatcher.start();
  }

  /** Jobs of this queue may be runnable: claim now rather than at the next poll. */
  void wake() {
    // Every finished job wakes the dispatcher: take the lock only when it is waiting. The volatile
    // pair woken/waiting makes a wake-up that races the start of a wait seen by one side or both.
    woken = true;
    if (waiting) {
      synchronized (signal) {
        signal.notifyAll();
      }
    }
  }

  /**
   * The most jobs claimed ahead of free handlers: ten per handler, and at least 500, so that a pool
   * of a few handlers still fills a claim with short jobs.
   */
  static int maxPrefetch(int concurrency) {
    return Math.max(500, 10 * concurrency);
  }

  private void dispatch() {
    Duration backoff = Duration.ZERO;
    boolean outage = false;
    boolean busy = false;
    while (claiming) {
      if (unreported.get() > REPORT_SLACK) {
        reportWanted = true;
        if (unreported.get() > REPORT_SLACK) {
          await(options.pollInterval());
        }
        reportWanted = false;
        continue;
      }
      int target =
          concurrency + prefetch.extra(System.nanoTime(), finished.sum(), handlerNanos.sum());
      int room = target - held.get();
      if (room <= 0) {
        awaitHeld(target - 1, options.pollInterval());
        continue;
      }
      int enough = prefetch.claimAgainAt(target, concurrency);
      if (busy && room < enough) {
        // The queue has more jobs than fit: let room gather briefly, so that one claim takes many
        // jobs instead of one claim per finished job, while the buffer keeps the handlers busy.
        awaitHeld(target - enough, LINGER);
        room = target - held.get();
        if (room <= 0) {
          continue;
        }
      }
      int asked = Math.min(room, ClaimRequest.MAX_LIMIT);
      List<Job> jobs;
      try {
        long started = System.nanoTime();
        jobs = processor.claim(queue, asked);
        prefetch.claimed(System.nanoTime() - started);
        observeClaim(jobs.size(), started);
        if (outage) {
          LOG.log(Level.INFO, "Queue {0}: the store answers again; claiming resumed.", queue);
          outage = false;
        }
        backoff = Duration.ZERO;
      } catch (RuntimeException | Error e) {
        if (!outage) {
          LOG.log(
              Level.WARNING,
              "Queue {0}: claiming failed ({1}); retrying with backoff until the store answers.",
              queue,
              dev.docket.domain.LogText.escape(e.getMessage()));
          outage = true;
        }
        prefetch.idle();
        backoff = nextBackoff(backoff);
        await(backoff);
        continue;
      }
      for (Job job : jobs) {
        hand(job);
      }
      busy = jobs.size() == asked;
      if (!busy) {
        prefetch.idle();
        await(options.pollInterval());
      }
    }
    giveBackBuffered();
  }

  /**
   * Reserves an idle handler for a job submitted on this node, which the store then stores claimed
   * for it: see {@link dev.docket.usecase.LocalHandoff}. A handler counts as idle when fewer jobs
   * than handlers are held and none waits in the buffer; none is while the pool stops or waits for
   * its reporter.
   */
  java.util.Optional<dev.docket.usecase.LocalHandoff.Slot> reserve() {
    // Counted before claiming is read, as stop() clears claiming before it reads the count: one
    // of the two sees the other, so stop() waits for every slot reserved while it ran.
    reserved.incrementAndGet();
    if (!claiming || unreported.get() > REPORT_SLACK || !buffer.isEmpty()) {
      reserved.decrementAndGet();
      return java.util.Optional.empty();
    }
    int h;
    do {
      h = held.get();
      if (h >= concurrency) {
        reserved.decrementAndGet();
        return java.util.Optional.empty();
      }
    } while (!held.compareAndSet(h, h + 1));
    return java.util.Optional.of(new Reserved());
  }

  /** Slots reserved for jobs being submitted, not yet taken or released. */
  private final AtomicInteger reserved = new AtomicInteger();

  /**
   * Waits, up to {@code timeout}, for the slots reserved before the stop to be taken or released: a
   * submit still storing its job must find the reporter, and the store, still there.
   */
  private void awaitReservations(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (reserved.get() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** A handler slot counted in {@link #held} until the job runs or the slot is released. */
  private final class Reserved implements dev.docket.usecase.LocalHandoff.Slot {
    private final java.util.concurrent.atomic.AtomicBoolean settled =
        new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public ClaimRequest claim() {
      return processor.claimForOne(queue);
    }

    @Override
    public Runnable take(Job claimed) {
      settle();
      try {
        processor.adopt(claimed);
      } catch (RuntimeException e) {
        // Not this node's lease after all: give the job back rather than hold a slot for it.
        LOG.log(
            Level.WARNING,
            "Queue {0}: job {1} could not be taken ({2}); giving it back.",
            queue,
            claimed.id(),
            e.getMessage());
        deliver(released(claimed));
        unhold();
        return () -> {};
      }
      return () -> {
        if (!claiming) {
          // Stopping: the job goes back at once, its attempt not counted, as a buffered one does.
          deliver(released(claimed));
          unhold();
        } else {
          start(claimed);
        }
      };
    }

    @Override
    public void release() {
      settle();
      unhold();
    }

    private void settle() {
      if (!settled.compareAndSet(false, true)) {
        throw new IllegalStateException("This handler slot was taken or released already.");
      }
      reserved.decrementAndGet();
    }
  }

  private void unhold() {
    if (held.decrementAndGet() <= wakeAtOrBelow) {
      wake();
    }
  }

  /** Buffers a claimed job and lets a handler thread take it. */
  private void hand(Job job) {
    held.incrementAndGet();
    start(job);
  }

  /** Buffers a job already counted in {@link #held} and lets a handler thread take it. */
  private void start(Job job) {
    var waiting = new Waiting(job, claimOrder.getAndIncrement());
    buffer.add(waiting);
    try {
      // One task per buffered job; each takes whichever job is most urgent when it runs.
      handlers.execute(this::runNext);
    } catch (RuntimeException | Error e) {
      // No thread for it (the executor refused): give the job back rather than keep it.
      if (buffer.remove(waiting)) {
        held.decrementAndGet();
        LOG.log(
            Level.WARNING,
            "Queue {0}: job {1} could not start ({2}); giving it back.",
            queue,
            job.id(),
            dev.docket.domain.LogText.escape(e));
        deliver(released(job));
      }
    }
  }

  /** Stopping: the buffered jobs go back to the queue, their attempts not counted. */
  private void giveBackBuffered() {
    Waiting waiting;
    int given = 0;
    while ((waiting = buffer.poll()) != null) {
      deliver(released(waiting.job()));
      held.decrementAndGet();
      given++;
    }
    if (given > 0) {
      LOG.log(
          Level.DEBUG, "Queue {0}: gave back {1} claimed jobs that had not started.", queue, given);
    }
  }

  private Outcome released(Job job) {
    return new Outcome.Released(job.id(), job.lease().orElseThrow().fence(), clock.instant());
  }

  /** A handler thread's task: runs the most urgent buffered job, if a stop left one. */
  private void runNext() {
    Waiting next = buffer.poll();
    if (next == null) {
      return; // given back by a stop, or taken by a task that ran earlier
    }
    running.incrementAndGet();
    long started = System.nanoTime();
    try {
      run(next.job());
    } finally {
      handlerNanos.add(System.nanoTime() - started);
      running.decrementAndGet();
      finished.increment();
      // Read after the decrement, as the dispatcher reads the count after setting the level: one
      // of the two sees the other, so a dispatcher waiting for room is never left waiting.
      if (held.decrementAndGet() <= wakeAtOrBelow) {
        wake();
      }
    }
  }

  private void run(Job job) {
    Outcome outcome = null;
    try {
      outcome = processor.execute(job);
    } catch (RuntimeException | Error e) {
      LOG.log(
          Level.WARNING,
          "Queue " + queue + ": job " + job.id() + " failed to run; giving it back.",
          e);
      outcome = released(job);
    } finally {
      if (outcome != null) {
        deliver(outcome);
      }
    }
  }

  /** A claimed job in the buffer; {@code order} breaks ties of priority by claim order. */
  private record Waiting(Job job, long order) {
    static final Comparator<Waiting> ORDER =
        Comparator.comparing((Waiting w) -> w.job().priority())
            .reversed()
            .thenComparingLong(Waiting::order);
  }

  /** Queues an outcome for the reporter, or, once the reporter has stopped, stores it at once. */
  private void deliver(Outcome outcome) {
    unreported.incrementAndGet();
    if (!reporterDone) {
      outcomes.add(outcome);
      // Added before the flag is read, and the reporter sets the flag before it looks at the
      // queue a last time: one of the two sees the other, so no outcome waits out the park.
      if (reporterParked) {
        LockSupport.unpark(reporter);
      }
      // The reporter may have finished between the check and the add, after its last look at
      // the queue: then nobody reads the queue again, and this thread stores its own outcome.
      if (!reporterDone || !outcomes.remove(outcome)) {
        return;
      }
    }
    try {
      processor.report(List.of(outcome)); // a handler that outlived the shutdown grace
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Queue {0}: the late outcome of job {1} could not be stored: {2}",
          queue,
          outcome.jobId(),
          dev.docket.domain.LogText.escape(e.getMessage()));
    } finally {
      settled(1);
    }
  }

  /** {@code count} outcomes left this node: stored, or given up to the rescue. */
  private void settled(int count) {
    unreported.addAndGet(-count);
    if (reportWanted) {
      wake();
    }
  }

  private void report() {
    var batch = new ArrayList<Outcome>();
    Duration backoff = Duration.ZERO;
    int failures = 0;
    long failingSince = 0;
    try {
      while (reporting || !outcomes.isEmpty() || !batch.isEmpty()) {
        try {
          if (batch.isEmpty()) {
            Outcome next;
            while (batch.size() < ClaimRequest.MAX_LIMIT && (next = outcomes.poll()) != null) {
              batch.add(next);
            }
            if (batch.isEmpty()) {
              awaitOutcome();
              if (Thread.currentThread().isInterrupted()) {
                return; // as a blocking poll would: the finally block stores what is left
              }
              continue;
            }
          }
          long started = System.nanoTime();
          processor.report(batch);
          observeReport(batch.size(), started);
          reportLog.succeeded();
          settled(batch.size());
          batch.clear();
          backoff = Duration.ZERO;
          failures = 0;
        } catch (RuntimeException | Error e) {
          if (failures++ == 0) {
            failingSince = System.nanoTime();
          }
          reportLog.failed(e);
          // While the store is unreachable and the batch's leases may still hold, keep the batch
          // and retry: a database that is down for a while loses no finished work. Otherwise
          // (the store refuses the batch, the leases are past, or we stop) try three times, then
          // report one by one and let go of what still fails: those jobs' leases run out and the
          // rescue decides, so no batch can stop the reporter for long.
          boolean unreachable =
              e instanceof dev.docket.usecase.port.StorageException storage
                  && storage.isUnreachable();
          boolean pastLease = System.nanoTime() - failingSince > options.leaseDuration().toNanos();
          if (unreachable ? pastLease || (!reporting && failures >= 3) : failures >= 3) {
            reportOneByOne(batch);
            batch.clear();
            failures = 0;
            continue;
          }
          backoff = nextBackoff(backoff);
          pause(backoff);
        }
      }
    } finally {
      reporterDone = true;
      // Anything queued after the last drain is stored by its own thread from now on.
      var rest = new ArrayList<Outcome>();
      Outcome next;
      while ((next = outcomes.poll()) != null) {
        rest.add(next);
      }
      reportOneByOne(rest);
    }
  }

  /** Parks the reporter until an outcome arrives, or 100 ms pass so it can see a stop. */
  private void awaitOutcome() {
    reporterParked = true;
    try {
      if (outcomes.isEmpty() && reporting) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
      }
    } finally {
      reporterParked = false;
    }
  }

  private void reportOneByOne(List<Outcome> batch) {
    try {
      storeOneByOne(batch);
    } finally {
      settled(batch.size());
    }
  }

  private void storeOneByOne(List<Outcome> batch) {
    boolean unreachable = false;
    for (Outcome outcome : batch) {
      if (unreachable) {
        // One outcome found the store unreachable: the rest would each wait out the pool's
        // timeout for the same answer. Their leases run out and the rescue decides.
        processor.abandon(List.of(outcome));
        continue;
      }
      try {
        processor.report(List.of(outcome));
      } catch (RuntimeException | Error e) {
        unreachable =
            e instanceof dev.docket.usecase.port.StorageException storage
                && storage.isUnreachable();
        LOG.log(
            Level.WARNING,
            "Queue {0}: giving up storing the outcome of job {1}: {2}",
            queue,
            outcome.jobId(),
            dev.docket.domain.LogText.escape(e.getMessage()));
        processor.abandon(List.of(outcome));
      }
    }
  }

  /**
   * Stops claiming, lets running handlers finish within {@code grace}, then interrupts the rest:
   * their jobs go back to pending without using an attempt. Reports every outcome before it
   * returns.
   */
  void stop(Duration grace) {
    claiming = false;
    wake();
    awaitReservations(grace);
    joinUninterruptibly(dispatcher);
    handlers.shutdown();
    try {
      if (!awaitUninterruptibly(grace)) {
        handlers.shutdownNow();
        if (!awaitUninterruptibly(Duration.ofSeconds(5))) {
          LOG.log(
              Level.WARNING,
              "Queue {0}: {1} handlers ignore the interrupt and still run; their outcomes are stored when they return, or their leases run out.",
              queue,
              busy());
        }
      }
    } finally {
      reporting = false;
      joinUninterruptibly(reporter);
    }
  }

  private boolean awaitUninterruptibly(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return handlers.awaitTermination(
              Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** How many handlers run now. */
  int busy() {
    return running.get();
  }

  /** How many claimed jobs wait in this node for a handler. */
  int buffered() {
    return buffer.size();
  }

  private void await(Duration interval) {
    long millis = Math.max(1, Math.round(interval.toMillis() * (0.8 + 0.4 * jitter.nextDouble())));
    synchronized (signal) {
      waiting = true;
      try {
        // Elapsed time, so the monotonic nanoTime: a wall clock stepped back would stretch the
        // wait, and the runtime's clock, which tests may hold still, would never end it.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!woken && claiming) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            signal.wait(left / 1_000_000, (int) (left % 1_000_000));
          } catch (InterruptedException e) {
            // Only stop() ends claiming; a stray interrupt just ends this wait.
            break;
          }
        }
      } finally {
        waiting = false;
        woken = false;
      }
    }
  }

  /** Waits up to {@code timeout} for the held jobs to fall to {@code level}, or a stop. */
  private void awaitHeld(int level, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      waiting = true;
      wakeAtOrBelow = level;
      try {
        while (claiming && held.get() > level) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          woken = false;
          try {
            signal.wait(left / 1_000_000, (int) (left % 1_000_000));
          } catch (InterruptedException e) {
            break;
          }
        }
      } finally {
        wakeAtOrBelow = -1;
        waiting = false;
      }
    }
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Duration nextBackoff(Duration last) {
    Duration doubled = last.isZero() ? Duration.ofMillis(100) : last.multipliedBy(2);
    Duration capped = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    return Duration.ofMillis(Math.round(capped.toMillis() * (0.5 + 0.5 * jitter.nextDouble())));
  }

  // The observer must not take a worker down with it.
  private void observeClaim(int jobs, long startedNanos) {
    try {
      observer.claimed(queue, jobs, Duration.ofNanos(System.nanoTime() - startedNanos));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "A worker observer failed: {0}", dev.docket.domain.LogText.escape(e));
    }
  }

  private void observeReport(int outcomes, long startedNanos) {
    try {
      observer.reported(queue, outcomes, Duration.ofNanos(System.nanoTime() - startedNanos));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "A worker observer failed: {0}", dev.docket.domain.LogText.escape(e));
    }
  }
}
