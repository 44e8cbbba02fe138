package dev.docket.testkit;

import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Ids, job specs and a predictable random source for the storage contract suite ({@link
 * JobStorageFixture}).
 *
 * <p>The static methods are thread-safe; a {@link SpecBuilder} is not.
 */
final class TestJobs {
  /** The kind of a job that names none. */
  static final String KIND = "email.send";

  /** The payload of a job that names none. */
  static final String PAYLOAD = "{\"to\":\"ada@example.com\"}";

  /** The delay of the fixed retry policy a job gets when it names none. */
  static final Duration RETRY_DELAY = Duration.ofSeconds(10);

  /** The attempts a job gets when it names none. */
  static final int MAX_ATTEMPTS = 3;

  // The 48-bit timestamp field of a version 7 UUID, in mid-2024; ids count up from here.
  private static final long TIMESTAMP_BASE = 0x0190_0000_0000L;
  private static final long VERSION_7 = 0x7000L;
  private static final long VARIANT = 0x8000_0000_0000_0000L;

  private TestJobs() {}

  /**
   * A version-7-like id whose timestamp field is {@code n} milliseconds after a fixed base, so that
   * ids sort as {@code n} does.
   *
   * @param n 1 to {@code 2^32 - 1}
   */
  static JobId id(long n) {
    if (n < 1 || n > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("Id number %d is out of range.".formatted(n));
    }
    return JobId.of(new UUID(((TIMESTAMP_BASE + n) << 16) | VERSION_7, VARIANT | n));
  }

  /** A builder of a spec for {@code queue}, runnable from {@code runAt}, with plain defaults. */
  static SpecBuilder spec(String queue, Instant runAt) {
    return new SpecBuilder(queue, runAt);
  }

  /** Builds a {@link JobSpec} with readable defaults. Not thread-safe. */
  static final class SpecBuilder {
    private final String queue;
    private Instant runAt;
    private String kind = KIND;
    private String payload = PAYLOAD;
    private Priority priority = Priority.NORMAL;
    private int maxAttempts = MAX_ATTEMPTS;
    private RetryPolicy retryPolicy = RetryPolicy.fixed(RETRY_DELAY);
    private String uniqueKey;
    private List<String> tags = List.of();

    private SpecBuilder(String queue, Instant runAt) {
      this.queue = Objects.requireNonNull(queue, "queue");
      this.runAt = Objects.requireNonNull(runAt, "runAt");
    }

    SpecBuilder kind(String kind) {
      this.kind = kind;
      return this;
    }

    SpecBuilder payload(String payload) {
      this.payload = payload;
      return this;
    }

    SpecBuilder priority(Priority priority) {
      this.priority = priority;
      return this;
    }

    SpecBuilder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    SpecBuilder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    SpecBuilder runAt(Instant runAt) {
      this.runAt = runAt;
      return this;
    }

    SpecBuilder uniqueKey(String uniqueKey) {
      this.uniqueKey = uniqueKey;
      return this;
    }

    SpecBuilder tags(String... tags) {
      this.tags = List.of(tags);
      return this;
    }

    JobSpec build() {
      return new JobSpec(
          queue,
          kind,
          payload,
          priority,
          maxAttempts,
          retryPolicy,
          runAt,
          Optional.ofNullable(uniqueKey),
          tags);
    }
  }

  /**
   * A random source that draws the middle of every bounded range, cut to a whole millisecond, so
   * that a backoff with jitter is exact and fits every store's time precision. It lets a test see
   * whether a store used the random source it was given.
   *
   * <p>Stateless and thread-safe.
   */
  static final class MidpointRandom implements RandomGenerator {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    @Override
    public long nextLong() {
      return 0L;
    }

    @Override
    public long nextLong(long bound) {
      if (bound <= 0) {
        throw new IllegalArgumentException("Bound %d must be positive.".formatted(bound));
      }
      return bound / 2 / NANOS_PER_MILLI * NANOS_PER_MILLI;
    }
  }
}
