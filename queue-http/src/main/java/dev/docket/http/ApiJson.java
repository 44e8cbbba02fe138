package dev.docket.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.docket.domain.AttemptError;
import dev.docket.domain.AttemptRecord;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Progress;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.QueueStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JSON of the HTTP API: what requests may say, what responses say, and the strict mapper
 * between them. Requests are records whose every field is optional but the kind; unknown fields,
 * trailing garbage, duplicate keys and wrong types are refused with the field's name.
 */
final class ApiJson {
  static final int MAX_NESTING = 200;
  static final int MAX_NUMBER_LENGTH = 100;

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          // Payloads keep every digit: decimals as BigDecimal, exactly as sent.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .nodeFactory(
              com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
          .build();

  static {
    // A number or boolean where text belongs is refused, not turned into text.
    for (CoercionInputShape shape :
        List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    // Deeply nested input is refused early instead of exhausting the stack.
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build());
  }

  private ApiJson() {}

  /** Reads a request body as {@code type}, or throws an {@link ApiException} saying why not. */
  static <T> T read(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw ApiException.badRequest(
          ErrorCode.EMPTY_BODY, "The request has no body: send a JSON object.");
    }
    String text;
    try {
      // Strict: malformed and overlong sequences are refused, where Jackson's reader is lenient.
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_JSON, "The body is not valid UTF-8 text.");
    }
    try {
      T value = MAPPER.readValue(text, type);
      if (value == null) {
        throw ApiException.badRequest(
            ErrorCode.INVALID_JSON, "The body is null: send a JSON object.");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest(
          ErrorCode.UNKNOWN_FIELD,
          "Unknown field %s%s; the fields are %s."
              .formatted(
                  quote(e.getPropertyName()),
                  where(e),
                  e.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .sorted()
                      .collect(Collectors.joining(", "))));
    } catch (InvalidFormatException e) {
      throw ApiException.badRequest(
          ErrorCode.INVALID_FIELD,
          "Field %s has a value of the wrong form: %s."
              .formatted(path(e), dev.docket.domain.Names.quote(String.valueOf(e.getValue()))));
    } catch (MismatchedInputException e) {
      if (path(e).isEmpty()) {
        throw bodyProblem(text, e);
      }
      throw ApiException.badRequest(
          ErrorCode.INVALID_FIELD,
          "Field %s has the wrong type%s."
              .formatted(
                  path(e).isEmpty() ? "(the body)" : path(e),
                  e.getTargetType() == null ? "" : ": expected " + simpleType(e.getTargetType())));
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_JSON, notJson(e));
    } catch (IOException e) {
      throw ApiException.badRequest(ErrorCode.INVALID_JSON, "The body could not be read as JSON.");
    }
  }

  /**
   * What is wrong with JSON that does not parse, in our words: Jackson's messages name its own
   * features and constraints, which mean nothing to a caller.
   */
  static String notJson(JsonProcessingException e) {
    String original = String.valueOf(e.getOriginalMessage());
    Throwable constraint = e;
    while (constraint != null
        && !(constraint instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException)) {
      constraint = constraint.getCause();
    }
    if (constraint != null) {
      original = String.valueOf(constraint.getMessage());
      if (original.contains("nesting depth")) {
        return "The body has nesting deeper than %d levels.".formatted(MAX_NESTING);
      }
      if (original.contains("Number value length")) {
        return "A number in the body has more than %d digits.".formatted(MAX_NUMBER_LENGTH);
      }
      return "The body exceeds a limit of this server on the size of its JSON values.";
    }
    String where = "";
    var location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      where = " (line %d, column %d)".formatted(location.getLineNr(), location.getColumnNr());
    }
    String prefix = "The body is not valid JSON" + where;
    if (original.startsWith("Duplicate field '")) {
      int end = original.indexOf('\'', 17);
      String name = end < 0 ? "" : original.substring(17, end);
      return prefix
          + ": field %s appears twice; give each field once."
              .formatted(dev.docket.domain.Names.quote(name));
    }
    if (original.startsWith("Unexpected end-of-input")) {
      return prefix + ": it ends too soon.";
    }
    if (original.contains("Invalid numeric value") || original.contains("Non-standard token")) {
      return prefix + ": it has a number JSON does not allow (no leading zeros, NaN or Infinity).";
    }
    if (original.contains("Illegal unquoted character")) {
      return prefix + ": a string holds a raw control character; escape it as \\uXXXX.";
    }
    return prefix + ".";
  }

  /** Something wrong with the body as a whole: blank, trailing data, or not an object. */
  private static ApiException bodyProblem(String text, MismatchedInputException e) {
    if (text.isBlank()) {
      return ApiException.badRequest(
          ErrorCode.INVALID_JSON, "The body is only whitespace: send a JSON object.");
    }
    String message = String.valueOf(e.getOriginalMessage());
    if (message.startsWith("Trailing token")) {
      return ApiException.badRequest(
          ErrorCode.INVALID_JSON,
          "The body has trailing data after its JSON object: send one object.");
    }
    return ApiException.badRequest(
        ErrorCode.INVALID_FIELD,
        "The JSON in the body has the wrong type: the body must be an object.");
  }

  private static String where(MismatchedInputException e) {
    String path = path(e);
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : " in " + path.substring(0, dot);
  }

  private static String path(MismatchedInputException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String simpleType(Class<?> type) {
    if (type == String.class || type == Instant.class || type == Duration.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class) {
      return "a whole number";
    }
    if (List.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (JsonNode.class.isAssignableFrom(type)) {
      return "JSON";
    }
    return "an object";
  }

  private static String quote(String name) {
    return dev.docket.domain.Names.quote(name == null ? "" : name);
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A response could not be written as JSON: " + e, e);
    }
  }

  // ---- Requests --------------------------------------------------------------------------

  /**
   * One job to enqueue.
   *
   * @param kind the handler's kind; required
   * @param payload any JSON; {@code {}} if absent
   * @param queue the queue, {@code default} if absent
   * @param priority 0 to 100, or a level's name (LOW, NORMAL, HIGH, URGENT)
   * @param runAt run at this instant
   * @param delay or run after this ISO-8601 duration
   * @param maxAttempts 1 to 1000
   * @param uniqueKey a second job with this key is not created
   * @param tags labels to search by
   * @param retry the retry policy
   */
  record EnqueueRequest(
      String kind,
      JsonNode payload,
      String queue,
      JsonNode priority,
      Instant runAt,
      Duration delay,
      Integer maxAttempts,
      String uniqueKey,
      List<String> tags,
      RetryRequest retry) {}

  /**
   * A retry policy.
   *
   * @param policy exponential, fixed or none
   * @param base exponential: the first delays' scale
   * @param cap exponential: the longest delay
   * @param delay fixed: the delay
   */
  record RetryRequest(String policy, Duration base, Duration cap, Duration delay) {}

  /** Many jobs to enqueue, all or none. */
  record BulkRequest(List<EnqueueRequest> jobs) {}

  /**
   * Which jobs a bulk retry, cancel or delete acts on: the ones named by {@code ids}, or one page
   * of the jobs {@code filter} matches (the list's filter parameters), continued after {@code
   * cursor}, {@code limit} at most.
   */
  record BulkActionRequest(
      List<String> ids, Map<String, String> filter, String cursor, Integer limit) {}

  // ---- Responses -------------------------------------------------------------------------

  /** An error: a stable code for programs and a sentence for people. */
  record ErrorView(String error, String message) {}

  /** A job as the API shows it. Lists leave out the payload and the errors' stack traces. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record JobView(
      String id,
      String queue,
      String kind,
      String state,
      int priority,
      int attempt,
      int maxAttempts,
      Map<String, Object> retry,
      Instant runAt,
      Instant createdAt,
      Instant updatedAt,
      Instant finishedAt,
      String uniqueKey,
      List<String> tags,
      boolean cancelRequested,
      LeaseView lease,
      @JsonRawValue String payload,
      int errorCount,
      String lastError,
      List<ErrorEntry> errors,
      List<AttemptView> attempts,
      ProgressView progress,
      @JsonRawValue String result) {}

  /** What a running job's handler last reported of its progress. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ProgressView(int percent, String message, Instant at) {}

  /**
   * One job change on {@code /api/events}: ids, names and states, never the payload or the result
   * (read the job for those).
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record JobEventView(
      String type,
      String jobId,
      String queue,
      String kind,
      List<String> tags,
      String state,
      int attempt,
      long version,
      ProgressView progress,
      Instant at) {}

  /** The queues' statistics on {@code /api/events}, pushed at a bounded rate. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record StatsEventView(Instant at, List<QueueStatsView> queues) {}

  /** One queue's counts in a statistics event. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record QueueStatsView(
      String name,
      Map<String, Long> counts,
      long due,
      long scheduled,
      Instant oldestDueAt,
      Double oldestDueAgeSeconds) {}

  /** How many jobs match a filter; {@code atLeast} when counting stopped at its cap. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record CountView(long count, boolean atLeast) {}

  /** One entry of the audit log: who changed what, when, and how it ended. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record AuditEntryView(
      String id, Instant at, String actor, String action, String target, int status) {}

  /** A page of the audit log, newest first, and the {@code before} of the next page. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record AuditPageView(List<AuditEntryView> entries, String nextBefore) {}

  /** What a bulk action did, and the cursor of the filter's next page. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record BulkResultView(List<String> changed, List<SkippedView> skipped, String nextCursor) {}

  /** The jobs whose last error is of one type: how many, and the newest with its message. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ErrorGroupView(String type, long count, String latestJobId, String message) {}

  /** A job a bulk action left as it was, and why. */
  record SkippedView(String id, String reason) {}

  static BulkResultView bulkResult(dev.docket.usecase.BulkResult result, String nextCursor) {
    return new BulkResultView(
        result.changed().stream().map(Object::toString).toList(),
        result.skipped().stream().map(s -> new SkippedView(s.id().toString(), s.reason())).toList(),
        nextCursor);
  }

  /** Why an event stream says changes may have been lost, or why it ends. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record StreamNoticeView(String reason) {}

  /** Who holds a running job, since when (the start of its attempt), and until when. */
  record LeaseView(String owner, Instant expiresAt, Instant startedAt) {}

  /** One failed attempt. */
  record ErrorEntry(int attempt, Instant at, String type, String message, String stackTrace) {}

  /**
   * One attempt that ended: the node that ran it, when it was due, started and ended, how long it
   * waited and ran, and how it ended; a failed one (or one whose lease expired, or a failure that
   * ended a cancel) with its error's type and message.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record AttemptView(
      int attempt,
      String node,
      Instant dueAt,
      Instant startedAt,
      Instant endedAt,
      double waitedSeconds,
      double durationSeconds,
      String outcome,
      String errorType,
      String errorMessage) {}

  /**
   * A page of jobs, the cursor of the next one (older jobs) and the cursor of the previous one
   * (newer jobs); each null when there is no such page.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record JobPageView(List<JobView> jobs, String nextCursor, String previousCursor) {}

  /**
   * A queue: its counts, whether it is paused, what this node runs of it, which live nodes serve
   * it, and whether it has due jobs that no live node serves ({@code unserved}): those wait until a
   * node that serves the queue starts.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record QueueView(
      String name,
      boolean paused,
      Integer concurrency,
      Integer busy,
      Map<String, Long> counts,
      long due,
      long scheduled,
      Instant oldestDueAt,
      Double oldestDueAgeSeconds,
      List<String> servedBy,
      boolean unserved) {}

  /**
   * A recurring schedule.
   *
   * @param trigger the trigger as configured: {@code cron <expression> <zone>} or {@code every
   *     <ISO-8601 duration>}
   * @param description the trigger in words, or as configured when its shape has no words
   * @param nextSlot the next slot, null while disabled
   * @param nextSlots the next {@value ApiRoutes#NEXT_SLOTS} slots at most, empty while disabled
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ScheduleView(
      String name,
      String trigger,
      String description,
      String kind,
      String queue,
      boolean enabled,
      Instant lastSlot,
      Instant nextSlot,
      List<Instant> nextSlots) {}

  /**
   * A job a schedule made: for a slot, or by hand ("Run now").
   *
   * @param slot the slot it was made for; null for a run by hand
   * @param job the job, as lists show it
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record ScheduleRunView(Instant slot, JobView job) {}

  /**
   * The cluster's history of attempts over a range, summed over every node.
   *
   * @param range hour, day or week
   * @param from the start of the first point
   * @param to the end of the last point
   * @param stepSeconds how much time each point covers
   * @param queue the queue it is of, null for all
   * @param kind the kind it is of, null for all
   * @param total the whole range as one point
   * @param points one per step, oldest first
   * @param queues the queues with attempts in the range
   * @param kinds the kinds with attempts in the range
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record HistoryView(
      String range,
      Instant from,
      Instant to,
      long stepSeconds,
      String queue,
      String kind,
      HistoryPointView total,
      List<HistoryPointView> points,
      List<String> queues,
      List<String> kinds) {
    static HistoryView of(dev.docket.runtime.ClusterHistory.View view) {
      return new HistoryView(
          view.range().name().toLowerCase(java.util.Locale.ROOT),
          view.from(),
          view.to(),
          view.range().step().toSeconds(),
          view.queue().orElse(null),
          view.kind().orElse(null),
          HistoryPointView.of(view.total()),
          view.points().stream().map(HistoryPointView::of).toList(),
          view.queues(),
          view.kinds());
    }
  }

  /**
   * What the attempts of one step did. Times are in milliseconds, null where no attempt gave one.
   *
   * @param at the start of the step
   * @param completed attempts that completed their job
   * @param failed attempts that failed: retried, dead-lettered or rescued
   * @param dead of those, attempts that sent their job to the dead letter
   * @param cancelled attempts that ended with their job cancelled
   * @param failureRate failed attempts as a share of completed and failed ones, 0 to 1
   * @param waitP50Ms the median wait from due to start
   * @param waitP95Ms the 95th percentile of the wait
   * @param runP50Ms the median run time
   * @param runP95Ms the 95th percentile of the run time
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record HistoryPointView(
      Instant at,
      long completed,
      long failed,
      long dead,
      long cancelled,
      Double failureRate,
      Double waitP50Ms,
      Double waitP95Ms,
      Double runP50Ms,
      Double runP95Ms) {
    static HistoryPointView of(dev.docket.runtime.ClusterHistory.Point point) {
      return new HistoryPointView(
          point.at(),
          point.completed(),
          point.failed(),
          point.dead(),
          point.cancelled(),
          point.failureRate().orElse(null),
          millis(point.waitP50()),
          millis(point.waitP95()),
          millis(point.runP50()),
          millis(point.runP95()));
    }

    private static Double millis(java.util.Optional<java.time.Duration> duration) {
      // Three decimals: the buckets are about 20% wide, so more would only be noise.
      return duration.map(d -> Math.round(d.toNanos() / 1_000.0) / 1_000.0).orElse(null);
    }
  }

  /**
   * A node that recorded its presence lately: what it serves and which kinds it runs (and so
   * claims), its busy handlers per queue as of its last beat, and the jobs it runs now, read from
   * their leases: the longest-running first, at most {@link ApiRoutes#RUNNING_PER_NODE}, and {@code
   * moreRunning} when it runs more.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record NodeView(
      String name,
      boolean self,
      String host,
      String version,
      Instant startedAt,
      Instant lastSeen,
      Map<String, Integer> queues,
      List<String> kinds,
      Map<String, Integer> busy,
      List<RunningJobView> running,
      boolean moreRunning) {}

  /**
   * A job a node runs now: claimed by it and not finished, which includes jobs it claimed ahead and
   * has not handed to a handler yet.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record RunningJobView(
      String id,
      String queue,
      String kind,
      int attempt,
      Instant startedAt,
      double elapsedSeconds,
      Instant leaseExpiresAt) {}

  static NodeView node(
      Node node, String self, List<Job> running, boolean moreRunning, Instant now) {
    return new NodeView(
        node.name(),
        node.name().equals(self),
        node.host(),
        node.version().orElse(null),
        node.startedAt(),
        node.lastSeen(),
        node.queues(),
        List.copyOf(node.kinds()),
        node.busy(),
        running.stream().map(job -> running(job, now)).toList(),
        moreRunning);
  }

  private static RunningJobView running(Job job, Instant now) {
    var lease = job.lease().orElseThrow();
    return new RunningJobView(
        job.id().toString(),
        job.queue(),
        job.kind(),
        job.attempt(),
        lease.startedAt(),
        Math.max(0, Duration.between(lease.startedAt(), now).toNanos() / 1e9),
        lease.expiresAt());
  }

  static String state(JobState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  static JobView job(Job job, boolean whole) {
    var errors = job.errors();
    return new JobView(
        job.id().toString(),
        job.queue(),
        job.kind(),
        state(job.state()),
        job.priority().value(),
        job.attempt(),
        job.maxAttempts(),
        retry(job.retryPolicy()),
        job.runAt(),
        job.createdAt(),
        job.updatedAt(),
        job.finishedAt().orElse(null),
        job.uniqueKey().orElse(null),
        job.tags(),
        job.isCancelRequested(),
        job.lease().map(l -> new LeaseView(l.owner(), l.expiresAt(), l.startedAt())).orElse(null),
        whole ? job.payload() : null,
        errors.size(),
        errors.isEmpty() ? null : errors.getLast().type() + ": " + errors.getLast().message(),
        whole ? errors.stream().map(ApiJson::error).toList() : List.of(),
        whole ? attempts(job) : List.of(),
        job.progress().map(ApiJson::progress).orElse(null),
        whole ? job.result().orElse(null) : null);
  }

  static ProgressView progress(Progress progress) {
    return new ProgressView(progress.percent(), progress.message(), progress.at());
  }

  static JobEventView event(JobChange change) {
    return new JobEventView(
        change.type().name().toLowerCase(Locale.ROOT),
        change.jobId().toString(),
        change.queue(),
        change.kind(),
        change.tags(),
        state(change.state()),
        change.attempt(),
        change.version(),
        change.progress().map(ApiJson::progress).orElse(null),
        change.at());
  }

  static StatsEventView stats(List<QueueStats> stats, Instant at) {
    return new StatsEventView(
        at,
        stats.stream()
            .map(
                s ->
                    new QueueStatsView(
                        s.queue(),
                        counts(s),
                        s.due(),
                        s.count(dev.docket.domain.JobState.PENDING) - s.due(),
                        s.oldestDueAt().orElse(null),
                        s.oldestDueAge(at).map(age -> age.toNanos() / 1e9).orElse(null)))
            .toList());
  }

  /**
   * The job's ended attempts, each with the error of its attempt number if it has one: the error
   * recorded at the attempt's end, else the latest of that number (a released attempt has none).
   */
  static List<AttemptView> attempts(Job job) {
    var views = new java.util.ArrayList<AttemptView>(job.attempts().size());
    for (AttemptRecord a : job.attempts()) {
      AttemptError error = null;
      if (a.ending() != AttemptRecord.Ending.COMPLETED
          && a.ending() != AttemptRecord.Ending.RELEASED) {
        for (AttemptError e : job.errors()) {
          if (e.attempt() == a.attempt() && (error == null || e.at().equals(a.endedAt()))) {
            error = e;
          }
        }
      }
      views.add(
          new AttemptView(
              a.attempt(),
              a.node(),
              a.dueAt(),
              a.startedAt(),
              a.endedAt(),
              a.waited().toNanos() / 1e9,
              a.duration().toNanos() / 1e9,
              a.ending().wireName(),
              error == null ? null : error.type(),
              error == null ? null : error.message()));
    }
    return views;
  }

  private static ErrorEntry error(AttemptError e) {
    return new ErrorEntry(e.attempt(), e.at(), e.type(), e.message(), e.stackTrace());
  }

  static Map<String, Object> retry(RetryPolicy policy) {
    var out = new LinkedHashMap<String, Object>();
    switch (policy) {
      case RetryPolicy.Exponential e -> {
        out.put("policy", "exponential");
        out.put("base", e.base().toString());
        out.put("cap", e.cap().toString());
      }
      case RetryPolicy.Fixed f -> {
        out.put("policy", "fixed");
        out.put("delay", f.delay().toString());
      }
      case RetryPolicy.None n -> out.put("policy", "none");
    }
    return out;
  }

  static Map<String, Long> counts(QueueStats stats) {
    var out = new LinkedHashMap<String, Long>();
    for (JobState state : JobState.values()) {
      out.put(state(state), stats == null ? 0L : stats.count(state));
    }
    return out;
  }
}
