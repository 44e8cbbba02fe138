package dev.docket.usecase;

import dev.docket.domain.JobSpec;
import dev.docket.domain.Names;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A job to submit: its kind and payload, and the options that differ from the defaults.
 *
 * <pre>{@code
 * client.submit(JobRequest.of(SEND_EMAIL, new SendEmail("ada@example.com"))
 *     .queue("mail")
 *     .priority(Priority.HIGH)
 *     .delay(Duration.ofMinutes(5))
 *     .uniqueKey("welcome-ada")
 *     .build());
 * }</pre>
 *
 * <p>Defaults: queue {@value JobSpec#DEFAULT_QUEUE}, priority {@link Priority#NORMAL}, {@value
 * JobSpec#DEFAULT_MAX_ATTEMPTS} attempts, {@link RetryPolicy#exponential()}, runnable at once, no
 * unique key, no tags. Immutable and thread-safe.
 */
public final class JobRequest {
  /** The longest delay a request may ask for: 100 years. */
  public static final Duration MAX_DELAY = Duration.ofDays(36_500);

  private final String kind;
  private final Object payload;
  private final String payloadJson;
  private final String queue;
  private final Priority priority;
  private final int maxAttempts;
  private final RetryPolicy retryPolicy;
  private final Instant runAt;
  private final Duration delay;
  private final String uniqueKey;
  private final List<String> tags;

  private JobRequest(Builder b) {
    this.kind = b.kind;
    this.payload = b.payload;
    this.payloadJson = b.payloadJson;
    this.queue = b.queue;
    this.priority = b.priority;
    this.maxAttempts = b.maxAttempts;
    this.retryPolicy = b.retryPolicy;
    this.runAt = b.runAt;
    this.delay = b.delay;
    this.uniqueKey = b.uniqueKey;
    this.tags = List.copyOf(b.tags);
  }

  /** A job of {@code type} with a payload object, encoded as JSON when submitted. */
  public static <P> Builder of(JobType<P> type, P payload) {
    Objects.requireNonNull(type, "type");
    return new Builder(type.kind(), Objects.requireNonNull(payload, "payload"), null);
  }

  /** A job of {@code kind} with a payload object, encoded as JSON when submitted. */
  public static Builder of(String kind, Object payload) {
    return new Builder(kind, Objects.requireNonNull(payload, "payload"), null);
  }

  /** A job of {@code kind} whose payload is already JSON text; it is checked when submitted. */
  public static Builder ofJson(String kind, String json) {
    return new Builder(kind, null, Objects.requireNonNull(json, "json"));
  }

  /** The kind. */
  public String kind() {
    return kind;
  }

  /** The queue. */
  public String queue() {
    return queue;
  }

  /** A builder holding everything this request holds, to make a variant of it. */
  public Builder toBuilder() {
    var b = new Builder(kind, payload, payloadJson);
    b.queue = queue;
    b.priority = priority;
    b.maxAttempts = maxAttempts;
    b.maxAttemptsSet = true;
    b.retryPolicy = retryPolicy;
    b.runAt = runAt;
    b.delay = delay;
    b.uniqueKey = uniqueKey;
    b.tags = tags;
    return b;
  }

  /**
   * Whether the request names its own run-at, delay or unique key, which a template for recurring
   * jobs must leave to the schedule.
   */
  public boolean fixesTimeOrIdentity() {
    return runAt != null || delay != null || uniqueKey != null;
  }

  /** The payload object, when the request was made from one. */
  Optional<Object> payload() {
    return Optional.ofNullable(payload);
  }

  /** The payload JSON, when the request was made from text. */
  Optional<String> payloadJson() {
    return Optional.ofNullable(payloadJson);
  }

  /** The spec of the job, given its encoded payload and the time of submission. */
  JobSpec toSpec(String json, Instant now) {
    Instant due = runAt != null ? runAt : delay != null ? now.plus(delay) : now;
    return new JobSpec(
        queue,
        kind,
        json,
        priority,
        maxAttempts,
        retryPolicy,
        due,
        Optional.ofNullable(uniqueKey),
        tags);
  }

  /** Builds a {@link JobRequest}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private final String kind;
    private final Object payload;
    private final String payloadJson;
    private String queue = JobSpec.DEFAULT_QUEUE;
    private Priority priority = Priority.NORMAL;
    private int maxAttempts = JobSpec.DEFAULT_MAX_ATTEMPTS;
    private boolean maxAttemptsSet;
    private RetryPolicy retryPolicy = RetryPolicy.exponential();
    private Instant runAt;
    private Duration delay;
    private String uniqueKey;
    private List<String> tags = List.of();

    private Builder(String kind, Object payload, String payloadJson) {
      this.kind = Names.requireKind(kind);
      this.payload = payload;
      this.payloadJson = payloadJson;
    }

    /** The queue, {@value JobSpec#DEFAULT_QUEUE} unless set. */
    public Builder queue(String queue) {
      this.queue = Names.requireQueue(queue);
      return this;
    }

    /** The priority, {@link Priority#NORMAL} unless set. */
    public Builder priority(Priority priority) {
      this.priority = Objects.requireNonNull(priority, "priority");
      return this;
    }

    /** The priority, 0 to 100. */
    public Builder priority(int priority) {
      return priority(Priority.of(priority));
    }

    /** How many attempts in all, 1 to {@value JobSpec#MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > JobSpec.MAX_ATTEMPTS) {
        throw new IllegalArgumentException(
            "Max attempts %d is out of range: use 1 to %d."
                .formatted(maxAttempts, JobSpec.MAX_ATTEMPTS));
      }
      this.maxAttempts = maxAttempts;
      this.maxAttemptsSet = true;
      return this;
    }

    /** How long to wait between attempts; {@link RetryPolicy#none()} means one attempt. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Run no earlier than {@code runAt}. Not together with {@link #delay}. */
    public Builder runAt(Instant runAt) {
      Objects.requireNonNull(runAt, "runAt");
      if (runAt.isBefore(JobSpec.MIN_RUN_AT) || runAt.isAfter(JobSpec.MAX_RUN_AT)) {
        throw new IllegalArgumentException(
            "Run-at %s is out of range: use %s to %s."
                .formatted(runAt, JobSpec.MIN_RUN_AT, JobSpec.MAX_RUN_AT));
      }
      this.runAt = runAt;
      return this;
    }

    /** Run no earlier than {@code delay} after submission. Not together with {@link #runAt}. */
    public Builder delay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException(
            "Delay %s is negative: use zero or more.".formatted(delay));
      }
      if (delay.compareTo(MAX_DELAY) > 0) {
        throw new IllegalArgumentException(
            "Delay %s is too long: use at most %s (100 years).".formatted(delay, MAX_DELAY));
      }
      this.delay = delay;
      return this;
    }

    /** A key that makes the job unique: submitting another job with it returns this one. */
    public Builder uniqueKey(String uniqueKey) {
      this.uniqueKey = Names.requireUniqueKey(uniqueKey);
      return this;
    }

    /** Tags to find the job by. */
    public Builder tags(String... tags) {
      return tags(Arrays.asList(tags));
    }

    /** Tags to find the job by. */
    public Builder tags(Collection<String> tags) {
      Objects.requireNonNull(tags, "tags").forEach(Names::requireTag);
      long distinct = tags.stream().distinct().count();
      if (distinct > JobSpec.MAX_TAGS) {
        throw new IllegalArgumentException(
            "A job carries %d tags, more than the %d allowed."
                .formatted(distinct, JobSpec.MAX_TAGS));
      }
      this.tags = List.copyOf(tags);
      return this;
    }

    /**
     * The request.
     *
     * @throws IllegalArgumentException if both a run-at and a delay were given, or more than one
     *     attempt with a policy that never retries
     */
    public JobRequest build() {
      if (runAt != null && delay != null) {
        throw new IllegalArgumentException(
            "Both run-at %s and delay %s were given: choose one.".formatted(runAt, delay));
      }
      if (!retryPolicy.allowsRetry()) {
        if (maxAttemptsSet && maxAttempts > 1) {
          throw new IllegalArgumentException(
              "Max attempts %d was given with a policy that never retries: choose one."
                  .formatted(maxAttempts));
        }
        maxAttempts = 1;
      }
      return new JobRequest(this);
    }
  }
}
