package dev.docket.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The handler threads of one worker pool: up to {@code max} long-lived threads taking tasks from
 * one queue.
 *
 * <p>A fixed thread pool wakes a parked thread for every task it is given. With short jobs that
 * wake-up is most of a job's cost: a claim of 800 no-op jobs woke 800 threads, one after another,
 * to run a few microseconds each. Here a parked thread is woken only when no awake thread is
 * looking for work, the rule Go's scheduler uses for its spinning threads. A thread that takes a
 * task while others wait in the queue and no other thread is looking wakes one more before it runs
 * its task, so blocking handlers still fan out to as many threads as there are tasks, while short
 * handlers are run back to back by the few threads already awake.
 *
 * <p>Lost wake-ups are ruled out by ordering: a thread about to park first puts itself on the idle
 * stack, then stops counting as searching, then looks at the queue once more; a submitter first
 * adds its task, then reads the count. Whichever of the two comes second sees the other.
 */
final class HandlerThreads {
  private final int max;
  private final ThreadFactory factory;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();

  /** Threads awake and not running a task, plus threads woken and not yet running. */
  private final AtomicInteger searching = new AtomicInteger();

  private final AtomicInteger alive = new AtomicInteger();
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile boolean shutdown;
  private volatile boolean stopping;

  /** Tests only: runs on a worker right after it found the queue empty, to force interleavings. */
  volatile Runnable afterEmptyPoll;

  HandlerThreads(int max, ThreadFactory factory) {
    if (max < 1) {
      throw new IllegalArgumentException("A pool needs at least one thread, not " + max + ".");
    }
    this.max = max;
    this.factory = factory;
  }

  /**
   * Runs {@code task} on one of the threads.
   *
   * @throws RejectedExecutionException after {@link #shutdown}, or when no thread could be started
   *     for a task nobody else will take
   */
  void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("The handler threads are shut down.");
    }
    tasks.offer(task);
    try {
      if (searching.get() == 0) {
        wakeOne();
      }
    } catch (RuntimeException | Error e) {
      if (tasks.remove(task)) {
        throw e;
      }
      // Another thread took the task already: it runs.
    }
    if (shutdown && tasks.remove(task)) {
      // Shut down while the task went in: the threads may have left without it.
      throw new RejectedExecutionException("The handler threads are shut down.");
    }
  }

  /** Wakes an idle thread, or starts one while fewer than {@code max} are alive. */
  private void wakeOne() {
    Worker worker;
    while ((worker = idle.pollFirst()) != null) {
      if (worker.wake()) {
        return;
      }
    }
    int count;
    do {
      count = alive.get();
      if (count >= max) {
        return; // all are busy; the first to finish takes the task
      }
    } while (!alive.compareAndSet(count, count + 1));
    searching.incrementAndGet();
    var fresh = new Worker();
    try {
      fresh.thread = factory.newThread(fresh);
      if (fresh.thread == null) {
        throw new RejectedExecutionException("The thread factory made no thread.");
      }
      workers.add(fresh);
      fresh.thread.start();
    } catch (RuntimeException | Error e) {
      workers.remove(fresh);
      searching.decrementAndGet();
      exited();
      throw e;
    }
  }

  /** Refuses new tasks; the queued ones still run, and the threads end when the queue is empty. */
  void shutdown() {
    shutdown = true;
    if (alive.get() == 0) {
      terminated.countDown();
    }
    Worker worker;
    while ((worker = idle.pollFirst()) != null) {
      worker.wake();
    }
  }

  /**
   * Shuts down and interrupts every thread; the tasks still queued run with their thread
   * interrupted, so that they give their jobs back at once rather than start them.
   */
  void shutdownNow() {
    stopping = true;
    shutdown();
    for (Worker worker : workers) {
      worker.thread.interrupt();
    }
  }

  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  private void exited() {
    if (alive.decrementAndGet() == 0 && shutdown) {
      terminated.countDown();
    }
  }

  private final class Worker implements Runnable {
    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    Thread thread;

    /** Takes this worker off its park; counts it as searching. False if it was not parked. */
    boolean wake() {
      if (!state.compareAndSet(PARKED, RUNNING)) {
        return false;
      }
      searching.incrementAndGet();
      LockSupport.unpark(thread);
      return true;
    }

    @Override
    public void run() {
      try {
        while (true) {
          Runnable task = tasks.poll();
          if (task != null) {
            if (searching.decrementAndGet() == 0 && !tasks.isEmpty()) {
              handOn();
            }
            runTask(task);
            searching.incrementAndGet();
            continue;
          }
          Runnable probe = afterEmptyPoll;
          if (probe != null) {
            probe.run();
          }
          if (shutdown) {
            searching.decrementAndGet();
            // A task may have come between the poll and the flag, from an execute that returned
            // before shutdown began: it must still run, so look once more after leaving the
            // searching count (an execute that sees the count at 0 now refuses or wakes).
            if (tasks.isEmpty()) {
              return;
            }
            searching.incrementAndGet();
          } else {
            park();
          }
        }
      } finally {
        workers.remove(this);
        exited();
      }
    }

    /** More work than awake threads: wake one more before running our task. */
    private void handOn() {
      try {
        wakeOne();
      } catch (RuntimeException | Error e) {
        // No thread could be started (the factory failed, or native threads ran out): this
        // thread still runs the task it took, and the rest wait for the next free thread.
      }
    }

    private void park() {
      state.set(PARKED);
      idle.addFirst(this);
      searching.decrementAndGet();
      if ((!tasks.isEmpty() || shutdown) && state.compareAndSet(PARKED, RUNNING)) {
        // Work (or the shutdown) came between the poll and the push, and nobody woke us for it.
        idle.remove(this);
        searching.incrementAndGet();
        return;
      }
      while (state.get() == PARKED) {
        LockSupport.park(this);
        // An interrupt means nothing to an idle thread (a late timeout alarm, or shutdownNow,
        // whose tasks get theirs in runTask); left set, it would make every park return at once.
        Thread.interrupted();
      }
    }

    private void runTask(Runnable task) {
      // As a thread pool does: no interrupt meant for an earlier task reaches this one, unless
      // the pool is stopping, when every task should see it.
      if (stopping) {
        thread.interrupt();
      } else {
        Thread.interrupted();
        if (stopping) {
          thread
              .interrupt(); // shutdownNow came between the check and the clear: keep its interrupt
        }
      }
      try {
        task.run();
      } catch (Throwable e) {
        Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler();
        if (handler != null) {
          handler.uncaughtException(thread, e);
        }
      }
    }
  }
}
