package dev.docket.benchmarks;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Outcome;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The domain's steps that run once per job or attempt, in nanoseconds each. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DomainBenchmark {
  private final Instant now = Instant.parse("2030-01-01T00:00:00Z");
  private final SplittableRandom random = new SplittableRandom(7);
  private final RetryPolicy policy = RetryPolicy.exponential();
  private JobSpec spec;
  private Job pending;
  private Job running;

  @Setup
  public void setUp() {
    spec =
        new JobSpec(
            "mail",
            "email.welcome",
            "{\"to\":\"ada@example.com\"}",
            Priority.NORMAL,
            JobSpec.DEFAULT_MAX_ATTEMPTS,
            policy,
            now,
            Optional.empty(),
            List.of());
    pending = Job.submit(JobId.of(new UUID(1, 2)), spec, now);
    running = pending.claim("worker-1", now, Duration.ofMinutes(1));
  }

  @Benchmark
  public Job submit() {
    return Job.submit(JobId.of(new UUID(1, 3)), spec, now);
  }

  @Benchmark
  public Job claim() {
    return pending.claim("worker-1", now, Duration.ofMinutes(1));
  }

  @Benchmark
  public Job complete() {
    return new Outcome.Completed(running.id(), running.version(), now).applyTo(running);
  }

  @Benchmark
  public Duration backoff() {
    return policy.backoffDuration(1 + random.nextInt(24), random);
  }

  @Benchmark
  public boolean canRetry() {
    return running.canRetry();
  }
}
