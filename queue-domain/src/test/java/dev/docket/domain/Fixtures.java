package dev.docket.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Jobs in each state, built through the domain's own transitions. */
final class Fixtures {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);
  static final JobId ID = JobId.of(UUID.fromString("01900000-0000-7000-8000-000000000001"));

  private Fixtures() {}

  static JobSpec spec() {
    return spec(3, RetryPolicy.exponential());
  }

  static JobSpec specDueAt(Instant runAt) {
    JobSpec base = spec();
    return new JobSpec(
        base.queue(),
        base.kind(),
        base.payload(),
        base.priority(),
        base.maxAttempts(),
        base.retryPolicy(),
        runAt,
        base.uniqueKey(),
        base.tags());
  }

  static JobSpec spec(int maxAttempts, RetryPolicy policy) {
    return new JobSpec(
        "default",
        "email.send",
        "{\"to\":\"ada@example.com\"}",
        Priority.NORMAL,
        maxAttempts,
        policy,
        T0,
        Optional.empty(),
        List.of());
  }

  static Job pending() {
    return Job.submit(ID, spec(), T0);
  }

  static Job running() {
    return pending().claim("worker-1", T0, LEASE);
  }

  static Job completed() {
    Job running = running();
    return running.complete(fence(running), T0.plusSeconds(1));
  }

  static Job failed() {
    Job running = running();
    return running.deadLetter(
        fence(running), AttemptError.reason(1, T0, "Boom", "it broke"), T0.plusSeconds(1));
  }

  static Job cancelled() {
    return pending().cancel(T0.plusSeconds(1));
  }

  static Job inState(JobState state) {
    return switch (state) {
      case PENDING -> pending();
      case RUNNING -> running();
      case COMPLETED -> completed();
      case FAILED -> failed();
      case CANCELLED -> cancelled();
    };
  }

  static long fence(Job job) {
    return job.lease().map(Lease::fence).orElse(job.version());
  }
}
