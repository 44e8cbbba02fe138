package dev.docket.runtime;

import dev.docket.domain.Job;
import dev.docket.domain.Outcome;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.port.ClaimRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The workers of one queue: up to {@code concurrency} handlers at once.
 *
 * <p>One dispatcher thread claims as many jobs as there are free slots, in one call, and hands each
 * to a handler thread. When the queue runs dry it waits for a wake-up, a freed slot or the poll
 * interval (with ±20% jitter, so nodes don't poll in step). A reporter thread stores outcomes in
 * batches, so many finished jobs cost one round trip. When the store fails, the dispatcher backs
 * off with jitter and logs the outage once, not once per poll.
 */
final class WorkerPool {
  private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final String queue;
  private final int concurrency;
  private final JobProcessor processor;
  private final RuntimeOptions options;
  private final RandomGenerator jitter;
  private final Semaphore slots;
  private final ExecutorService handlers;
  private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final Object signal = new Object();
  private final Thread dispatcher;
  private final Thread reporter;
  private boolean woken; // guarded by signal
  private volatile boolean claiming = true;
  private volatile boolean reporting = true;

  WorkerPool(
      String queue,
      int concurrency,
      JobProcessor processor,
      RuntimeOptions options,
      RandomGenerator jitter) {
    this.queue = queue;
    this.concurrency = concurrency;
    this.processor = processor;
    this.options = options;
    this.jitter = jitter;
    this.slots = new Semaphore(concurrency);
    this.handlers =
        options.virtualThreads()
            ? Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("docket-" + queue + "-", 0).factory())
            : Executors.newFixedThreadPool(
                concurrency, Thread.ofPlatform().name("docket-" + queue + "-", 0).factory());
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
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  private void dispatch() {
    Duration backoff = Duration.ZERO;
    boolean outage = false;
    while (claiming) {
      int free = slots.availablePermits();
      if (free == 0) {
        await(options.pollInterval());
        continue;
      }
      List<Job> claimed;
      try {
        claimed = processor.claim(queue, Math.min(free, ClaimRequest.MAX_LIMIT));
        if (outage) {
          LOG.log(Level.INFO, "Queue {0}: the store answers again; claiming resumed.", queue);
          outage = false;
        }
        backoff = Duration.ZERO;
      } catch (RuntimeException e) {
        if (!outage) {
          LOG.log(
              Level.WARNING,
              "Queue {0}: claiming failed ({1}); retrying with backoff until the store answers.",
              queue,
              e.getMessage());
          outage = true;
        }
        backoff = nextBackoff(backoff);
        await(backoff);
        continue;
      }
      for (Job job : claimed) {
        slots.acquireUninterruptibly();
        handlers.execute(() -> run(job));
      }
      if (claimed.size() < free) {
        await(options.pollInterval());
      }
    }
  }

  private void run(Job job) {
    try {
      outcomes.add(processor.execute(job));
    } finally {
      slots.release();
      wake();
    }
  }

  private void report() {
    var batch = new ArrayList<Outcome>();
    Duration backoff = Duration.ZERO;
    int failuresWhileStopping = 0;
    while (reporting || !outcomes.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          Outcome first = outcomes.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          outcomes.drainTo(batch, ClaimRequest.MAX_LIMIT - 1);
        }
        processor.report(batch);
        batch.clear();
        backoff = Duration.ZERO;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // Keep the batch: outcomes are retried until the store takes them or the leases run out,
        // after which the store refuses them and the jobs' fate is the rescue's.
        LOG.log(
            Level.WARNING,
            "Queue {0}: reporting {1} outcomes failed ({2}); retrying.",
            queue,
            batch.size(),
            e.getMessage());
        backoff = nextBackoff(backoff);
        pause(backoff);
        if (!reporting && ++failuresWhileStopping >= 5) {
          // Stopping with the store gone: the leases will expire, and the rescue decides.
          LOG.log(
              Level.WARNING,
              "Queue {0}: gave up reporting {1} outcomes on shutdown.",
              queue,
              batch.size());
          return;
        }
      }
    }
  }

  /**
   * Stops claiming, lets running handlers finish within {@code grace}, then interrupts the rest:
   * their jobs go back to pending without using an attempt. Reports every outcome before it
   * returns.
   */
  void stop(Duration grace) throws InterruptedException {
    claiming = false;
    wake();
    dispatcher.join();
    handlers.shutdown();
    if (!handlers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      handlers.shutdownNow();
      handlers.awaitTermination(5, TimeUnit.SECONDS);
    }
    reporting = false;
    reporter.join();
  }

  /** How many handlers run now. */
  int busy() {
    return concurrency - slots.availablePermits();
  }

  private void await(Duration interval) {
    long millis = Math.max(1, Math.round(interval.toMillis() * (0.8 + 0.4 * jitter.nextDouble())));
    synchronized (signal) {
      long deadline = System.currentTimeMillis() + millis;
      while (!woken && claiming) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        try {
          signal.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          claiming = false;
        }
      }
      woken = false;
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
}
