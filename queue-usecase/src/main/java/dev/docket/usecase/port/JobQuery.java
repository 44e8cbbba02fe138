package dev.docket.usecase.port;

import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A filter over jobs with keyset paging, newest first.
 *
 * <p>Every filter is optional; filters combine with AND. Results are ordered by id descending,
 * which for Docket's time-ordered ids is newest first. A page continues after the {@code afterId}
 * cursor, the last id of the page before, so paging stays stable while jobs are added.
 *
 * @param queue only jobs of this queue
 * @param state only jobs in this state
 * @param kind only jobs of this kind
 * @param tag only jobs carrying this tag
 * @param errorType only jobs whose last error is of this type, the exception's class name as
 *     recorded (see {@link dev.docket.domain.AttemptError#type()})
 * @param createdFrom only jobs created at or after this time, from {@link #EARLIEST_TIME} to {@link
 *     #LATEST_TIME}
 * @param createdBefore only jobs created strictly before this time, in the same range
 * @param runAtUpTo only jobs whose run-at is at or before this time: with state pending, the jobs
 *     due at that time
 * @param runAtAfter only jobs whose run-at is strictly after this time: with state pending, the
 *     jobs still scheduled at that time
 * @param afterId continue after this id (exclusive)
 * @param limit the page size, 1 to {@link #MAX_LIMIT}
 */
public record JobQuery(
    Optional<String> queue,
    Optional<JobState> state,
    Optional<String> kind,
    Optional<String> tag,
    Optional<String> errorType,
    Optional<Instant> createdFrom,
    Optional<Instant> createdBefore,
    Optional<Instant> runAtUpTo,
    Optional<Instant> runAtAfter,
    Optional<JobId> afterId,
    int limit) {
  /** The page size when none is given. */
  public static final int DEFAULT_LIMIT = 50;

  /** The largest page. */
  public static final int MAX_LIMIT = 1_000;

  /**
   * The earliest time a filter may name: the start of year 1. Every store holds years 1 to 9999
   * (PostgreSQL's {@code timestamptz} reaches further, but not as far as {@link Instant}), so every
   * store answers a filter in this range alike and refuses one outside it alike.
   */
  public static final Instant EARLIEST_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest time a filter may name: the end of year 9999, to the microsecond. */
  public static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59.999999Z");

  /** Validates every filter. */
  public JobQuery {
    Objects.requireNonNull(queue, "queue").ifPresent(Names::requireQueue);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(kind, "kind").ifPresent(Names::requireKind);
    Objects.requireNonNull(tag, "tag").ifPresent(Names::requireTag);
    Objects.requireNonNull(errorType, "errorType").ifPresent(JobQuery::requireErrorType);
    Objects.requireNonNull(createdFrom, "createdFrom").ifPresent(t -> requireInRange("from", t));
    Objects.requireNonNull(createdBefore, "createdBefore")
        .ifPresent(t -> requireInRange("before", t));
    Objects.requireNonNull(runAtUpTo, "runAtUpTo").ifPresent(t -> requireInRange("run-at", t));
    Objects.requireNonNull(runAtAfter, "runAtAfter").ifPresent(t -> requireInRange("run-at", t));
    Objects.requireNonNull(afterId, "afterId");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "Page size %d is out of range: use 1 to %d.".formatted(limit, MAX_LIMIT));
    }
  }

  private static void requireErrorType(String type) {
    if (type.isBlank() || type.length() > dev.docket.domain.AttemptError.MAX_TYPE_LENGTH) {
      throw new IllegalArgumentException(
          "Error type %s is blank or longer than %d characters."
              .formatted(Names.quote(type), dev.docket.domain.AttemptError.MAX_TYPE_LENGTH));
    }
  }

  private static void requireInRange(String which, Instant time) {
    which = which.equals("run-at") ? "Run-at" : "Created-" + which;
    if (time.isBefore(EARLIEST_TIME) || time.isAfter(LATEST_TIME)) {
      throw new IllegalArgumentException(
          "%s %s is out of range: use a time from %s to %s."
              .formatted(which, time, EARLIEST_TIME, LATEST_TIME));
    }
  }

  /** A builder with no filters and the default page size. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every job, first page, default size. */
  public static JobQuery all() {
    return builder().build();
  }

  /** The same query continued after {@code id}. */
  public JobQuery after(JobId id) {
    return copy(Optional.of(id), limit);
  }

  /** The same filters from the first page: for counting, or for acting on every match. */
  public JobQuery fromStart() {
    return copy(Optional.empty(), limit);
  }

  /** The same query with another page size. */
  public JobQuery withLimit(int limit) {
    return copy(afterId, limit);
  }

  private JobQuery copy(Optional<JobId> afterId, int limit) {
    return new JobQuery(
        queue,
        state,
        kind,
        tag,
        errorType,
        createdFrom,
        createdBefore,
        runAtUpTo,
        runAtAfter,
        afterId,
        limit);
  }

  /** Whether a job matches every filter but the cursor: what a store's query selects. */
  public boolean matches(dev.docket.domain.Job job) {
    return queue.map(job.queue()::equals).orElse(true)
        && state.map(s -> job.state() == s).orElse(true)
        && kind.map(job.kind()::equals).orElse(true)
        && tag.map(job.tags()::contains).orElse(true)
        && errorType
            .map(t -> !job.errors().isEmpty() && job.errors().getLast().type().equals(t))
            .orElse(true)
        && createdFrom.map(from -> !job.createdAt().isBefore(from)).orElse(true)
        && createdBefore.map(before -> job.createdAt().isBefore(before)).orElse(true)
        && runAtUpTo.map(t -> !job.runAt().isAfter(t)).orElse(true)
        && runAtAfter.map(t -> job.runAt().isAfter(t)).orElse(true);
  }

  /** Builds a {@link JobQuery}. Not thread-safe. */
  public static final class Builder {
    private String queue;
    private JobState state;
    private String kind;
    private String tag;
    private String errorType;
    private Instant createdFrom;
    private Instant createdBefore;
    private Instant runAtUpTo;
    private Instant runAtAfter;
    private JobId afterId;
    private int limit = DEFAULT_LIMIT;

    private Builder() {}

    /** Only jobs of this queue. */
    public Builder queue(String queue) {
      this.queue = Names.requireQueue(queue);
      return this;
    }

    /** Only jobs in this state. */
    public Builder state(JobState state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    /** Only jobs of this kind. */
    public Builder kind(String kind) {
      this.kind = Names.requireKind(kind);
      return this;
    }

    /** Only jobs carrying this tag. */
    public Builder tag(String tag) {
      this.tag = Names.requireTag(tag);
      return this;
    }

    /** Only jobs whose last error is of this type: the exception's class name as recorded. */
    public Builder errorType(String type) {
      requireErrorType(Objects.requireNonNull(type, "type"));
      this.errorType = type;
      return this;
    }

    /** Only jobs created at or after this time. */
    public Builder createdFrom(Instant from) {
      this.createdFrom = Objects.requireNonNull(from, "from");
      return this;
    }

    /** Only jobs created strictly before this time. */
    public Builder createdBefore(Instant before) {
      this.createdBefore = Objects.requireNonNull(before, "before");
      return this;
    }

    /** Only jobs whose run-at is at or before this time. */
    public Builder runAtUpTo(Instant time) {
      this.runAtUpTo = Objects.requireNonNull(time, "time");
      return this;
    }

    /** Only jobs whose run-at is strictly after this time. */
    public Builder runAtAfter(Instant time) {
      this.runAtAfter = Objects.requireNonNull(time, "time");
      return this;
    }

    /** Only jobs due at {@code now}: pending, with their run-at at or before it. */
    public Builder due(Instant now) {
      return state(JobState.PENDING).runAtUpTo(now);
    }

    /** Only jobs scheduled at {@code now}: pending, with their run-at after it. */
    public Builder scheduled(Instant now) {
      return state(JobState.PENDING).runAtAfter(now);
    }

    /** Continue after this id. */
    public Builder afterId(JobId id) {
      this.afterId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The page size. */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /**
     * The query.
     *
     * @throws IllegalArgumentException if the time range is empty or outside {@link #EARLIEST_TIME}
     *     to {@link #LATEST_TIME}, or the limit out of range
     */
    public JobQuery build() {
      if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
        throw new IllegalArgumentException(
            "Created-from %s is not before created-before %s, so no job could match."
                .formatted(createdFrom, createdBefore));
      }
      if (runAtUpTo != null && runAtAfter != null && !runAtAfter.isBefore(runAtUpTo)) {
        throw new IllegalArgumentException(
            "Run-at after %s and up to %s leave no time between them, so no job could match."
                .formatted(runAtAfter, runAtUpTo));
      }
      return new JobQuery(
          Optional.ofNullable(queue),
          Optional.ofNullable(state),
          Optional.ofNullable(kind),
          Optional.ofNullable(tag),
          Optional.ofNullable(errorType),
          Optional.ofNullable(createdFrom),
          Optional.ofNullable(createdBefore),
          Optional.ofNullable(runAtUpTo),
          Optional.ofNullable(runAtAfter),
          Optional.ofNullable(afterId),
          limit);
    }
  }
}
