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
 * cursor, the last id of the page before, so paging stays stable while jobs are added; the {@code
 * beforeId} cursor, the first id of a page, reads the page before it, back towards the newest.
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
 * @param payloadContains only jobs whose payload contains this JSON object or array, as
 *     PostgreSQL's {@code jsonb @>} decides: an object contains the keys of the filter's object
 *     with values that contain the filter's, recursively; an array contains the filter's elements
 *     (each in some element of its own, in any order); scalars equal (numbers by value)
 * @param idSuffix only jobs whose id, written as 32 hex digits without dashes, ends with these 4 to
 *     32 lowercase hex digits: the short id the dashboard's lists show finds its job
 * @param afterId continue after this id (exclusive): the page of older jobs
 * @param beforeId the page before this id (exclusive): the newer jobs just before it, still
 *     returned newest first; at most one of the two cursors is set
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
    Optional<String> payloadContains,
    Optional<String> idSuffix,
    Optional<JobId> afterId,
    Optional<JobId> beforeId,
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

  /** The longest payload filter, in characters. */
  public static final int MAX_PAYLOAD_FILTER_LENGTH = 10_000;

  /** The fewest hex digits an id suffix may have: fewer would match a large share of all jobs. */
  public static final int MIN_ID_SUFFIX = 4;

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
    Objects.requireNonNull(payloadContains, "payloadContains")
        .ifPresent(JobQuery::requirePayloadFilter);
    idSuffix = Objects.requireNonNull(idSuffix, "idSuffix").map(JobQuery::normalizeIdSuffix);
    Objects.requireNonNull(afterId, "afterId");
    Objects.requireNonNull(beforeId, "beforeId");
    if (afterId.isPresent() && beforeId.isPresent()) {
      throw new IllegalArgumentException(
          "A page is either after %s or before %s, not both: give one cursor."
              .formatted(afterId.get(), beforeId.get()));
    }
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

  private static Object requirePayloadFilter(String json) {
    if (json.length() > MAX_PAYLOAD_FILTER_LENGTH) {
      throw new IllegalArgumentException(
          "The payload filter has %d characters; the most is %d."
              .formatted(json.length(), MAX_PAYLOAD_FILTER_LENGTH));
    }
    return JsonContainment.parseFilter(json);
  }

  /**
   * The hex digits of an id suffix as a job's id would end with them: lowercase, dashes dropped,
   * and a leading ellipsis (as the dashboard's lists show short ids) ignored.
   */
  private static String normalizeIdSuffix(String suffix) {
    String hex = suffix.strip();
    if (hex.startsWith("\u2026")) {
      hex = hex.substring(1);
    } else if (hex.startsWith("...")) {
      hex = hex.substring(3);
    }
    hex = hex.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    boolean valid = hex.length() >= MIN_ID_SUFFIX && hex.length() <= 32;
    for (int i = 0; valid && i < hex.length(); i++) {
      char c = hex.charAt(i);
      valid = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "Id "
              + Names.quote(suffix)
              + " is not the end of a job id: use %d to 32 hex digits, such as the short id a list"
                  .formatted(MIN_ID_SUFFIX)
              + " shows (dashes are ignored).");
    }
    return hex;
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

  /** The same query continued after {@code id}: the page of older jobs. */
  public JobQuery after(JobId id) {
    return copy(Optional.of(id), Optional.empty(), limit);
  }

  /** The same query's page before {@code id}: the newer jobs just before it. */
  public JobQuery before(JobId id) {
    return copy(Optional.empty(), Optional.of(id), limit);
  }

  /** The same filters from the first page: for counting, or for acting on every match. */
  public JobQuery fromStart() {
    return copy(Optional.empty(), Optional.empty(), limit);
  }

  /** The same query with another page size. */
  public JobQuery withLimit(int limit) {
    return copy(afterId, beforeId, limit);
  }

  private JobQuery copy(Optional<JobId> afterId, Optional<JobId> beforeId, int limit) {
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
        payloadContains,
        idSuffix,
        afterId,
        beforeId,
        limit);
  }

  /** Whether a job matches every filter but the cursors: what a store's query selects. */
  public boolean matches(dev.docket.domain.Job job) {
    return matcher().test(job);
  }

  /**
   * {@link #matches} as a predicate that reads the payload filter once, for a store that tests many
   * jobs against one query.
   */
  public java.util.function.Predicate<dev.docket.domain.Job> matcher() {
    Object pattern = payloadContains.map(JsonContainment::parseFilter).orElse(null);
    return job ->
        matchesColumns(job)
            && idSuffix.map(s -> hasIdSuffix(job.id(), s)).orElse(true)
            && (pattern == null || payloadContains(job.payload(), pattern));
  }

  private static boolean hasIdSuffix(JobId id, String suffix) {
    return id.toString().replace("-", "").endsWith(suffix);
  }

  private static boolean payloadContains(String payload, Object pattern) {
    Object document = JsonContainment.parsePayload(payload);
    return document != null && JsonContainment.contains(document, pattern);
  }

  /**
   * Whether {@code id} lies within the query's cursor: before {@code afterId}, after {@code
   * beforeId}.
   */
  public boolean withinCursor(JobId id) {
    return afterId.map(after -> id.compareTo(after) < 0).orElse(true)
        && beforeId.map(before -> id.compareTo(before) > 0).orElse(true);
  }

  private boolean matchesColumns(dev.docket.domain.Job job) {
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
    private String payloadContains;
    private String idSuffix;
    private JobId afterId;
    private JobId beforeId;
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

    /**
     * Only jobs whose payload contains this JSON object or array (see {@link
     * JobQuery#payloadContains()}).
     *
     * @throws IllegalArgumentException if it is not JSON, not an object or array, or holds what
     *     PostgreSQL's {@code jsonb} cannot (the NUL character, a number beyond its range)
     */
    public Builder payloadContains(String json) {
      requirePayloadFilter(Objects.requireNonNull(json, "json"));
      this.payloadContains = json;
      return this;
    }

    /**
     * Only jobs whose id ends with these hex digits: 4 to 32 of them, in either case, dashes
     * ignored, and a leading ellipsis too, so that a short id copied from a list finds its job.
     *
     * @throws IllegalArgumentException if it is anything else
     */
    public Builder idSuffix(String suffix) {
      this.idSuffix = normalizeIdSuffix(Objects.requireNonNull(suffix, "suffix"));
      return this;
    }

    /** Continue after this id: the page of older jobs. */
    public Builder afterId(JobId id) {
      this.afterId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** The page before this id: the newer jobs just before it, still newest first. */
    public Builder beforeId(JobId id) {
      this.beforeId = Objects.requireNonNull(id, "id");
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
          Optional.ofNullable(payloadContains),
          Optional.ofNullable(idSuffix),
          Optional.ofNullable(afterId),
          Optional.ofNullable(beforeId),
          limit);
    }
  }
}
