package dev.docket.usecase;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import java.time.Duration;

/** The context of one job while its handler runs on this worker. */
final class RunningJob implements JobContext {
  private final Job job;
  private final long fence;
  private final JobProcessor processor;
  private volatile boolean cancelRequested;
  private volatile boolean leaseLost;

  RunningJob(Job job, JobProcessor processor) {
    this.job = job;
    this.fence = job.lease().orElseThrow().fence();
    this.processor = processor;
  }

  long fence() {
    return fence;
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
}
