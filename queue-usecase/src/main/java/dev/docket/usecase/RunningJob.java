package dev.docket.usecase;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/** The context of one job while its handler runs on this worker. */
final class RunningJob implements JobContext {
  private final Job job;
  private final long fence;
  private final JobProcessor processor;
  private final java.util.concurrent.atomic.AtomicInteger phase =
      new java.util.concurrent.atomic.AtomicInteger(RUNNING);
  private static final int RUNNING = 0;
  private static final int FINISHED = 1;
  private static final int TIMED_OUT = 2;
  private volatile boolean cancelRequested;
  private volatile java.time.Instant startedAt;
  private volatile boolean leaseLost;

  /**
   * The least time between two progress writes of one job, so a tight loop can't flood the store.
   */
  static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);

  // Guards the three fields below; a write to the store happens under progressWrite instead, so
  // that writes of one job reach the store in the order they were reported. A lock, not a monitor:
  // the write is JDBC I/O, which under a monitor would pin a virtual thread to its carrier on JDK
  // 21.
  private final Object progressLock = new Object();
  private final ReentrantLock progressWrite = new ReentrantLock();
  private dev.docket.domain.Progress pendingProgress;
  private java.time.Instant lastProgressWrite;
  private boolean progressFlushScheduled;

  RunningJob(Job job, JobProcessor processor) {
    this.job = job;
    this.fence = job.lease().orElseThrow().fence();
    this.processor = processor;
  }

  long fence() {
    return fence;
  }

  void started(java.time.Instant at) {
    startedAt = at;
  }

  java.util.Optional<java.time.Instant> startedAt() {
    return java.util.Optional.ofNullable(startedAt);
  }

  /**
   * The timeout fired: interrupt the handler's thread, unless it finished first. Under the same
   * lock as {@link #finishInTime}, so the interrupt is delivered before the handler's thread can
   * learn that it timed out, clear the flag and move on to another job.
   */
  synchronized void timeOut(Thread handlerThread) {
    if (phase.compareAndSet(RUNNING, TIMED_OUT)) {
      handlerThread.interrupt();
    }
  }

  /** The handler returned or threw; whether it did so before its timeout fired. */
  synchronized boolean finishInTime() {
    return phase.compareAndSet(RUNNING, FINISHED) || phase.get() == FINISHED;
  }

  void requestCancel() {
    cancelRequested = true;
  }

  void loseLease() {
    leaseLost = true;
  }

  boolean isLeaseLost() {
    return leaseLost;
  }

  boolean wasCancelRequested() {
    return cancelRequested;
  }

  @Override
  public JobId jobId() {
    return job.id();
  }

  @Override
  public int attempt() {
    return job.attempt();
  }

  @Override
  public Job job() {
    return job;
  }

  @Override
  public boolean isCancellationRequested() {
    return cancelRequested || leaseLost;
  }

  @Override
  public void throwIfCancellationRequested() {
    if (isCancellationRequested()) {
      throw new JobCancelledException(job.id());
    }
  }

  @Override
  public boolean extendLease(Duration duration) {
    return processor.extend(this, duration);
  }

  @Override
  public void progress(int percent, String message) {
    java.time.Instant now = processor.now();
    var report = new dev.docket.domain.Progress(percent, message, now);
    boolean writeNow = false;
    Duration wait = Duration.ZERO;
    synchronized (progressLock) {
      pendingProgress = report;
      if (lastProgressWrite == null || !now.isBefore(lastProgressWrite.plus(PROGRESS_INTERVAL))) {
        writeNow = true;
        lastProgressWrite = now;
      } else if (!progressFlushScheduled) {
        progressFlushScheduled = true;
        wait = Duration.between(now, lastProgressWrite.plus(PROGRESS_INTERVAL));
      } else {
        return; // the scheduled write will carry this report
      }
    }
    if (writeNow) {
      flushProgress();
    } else {
      processor.scheduleProgress(this, wait);
    }
  }

  /** Writes the latest unwritten progress report, if there is one and the job is still ours. */
  void flushProgress() {
    progressWrite.lock();
    try {
      dev.docket.domain.Progress report;
      synchronized (progressLock) {
        report = pendingProgress;
        pendingProgress = null;
        progressFlushScheduled = false;
        if (report != null) {
          lastProgressWrite = processor.now();
        }
      }
      if (report != null && !leaseLost && !processor.writeProgress(this, report)) {
        // The store refused it: the job is no longer leased under this fence (rescued, or
        // finished elsewhere), which is what a heartbeat that finds the lease gone says too.
        loseLease();
      }
    } finally {
      progressWrite.unlock();
    }
  }
}
