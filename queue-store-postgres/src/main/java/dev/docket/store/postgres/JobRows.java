package dev.docket.store.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docket.domain.AttemptError;
import dev.docket.domain.AttemptRecord;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Lease;
import dev.docket.domain.Priority;
import dev.docket.domain.Progress;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.StorageException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Between jobs and rows: the column list, reading a row, and the column values of a job.
 *
 * <p>Times go to PostgreSQL as ISO-8601 text with an offset, which it parses exactly, or in a
 * binary COPY as microseconds ({@link BinaryCopy}); the domain keeps them to the microsecond, as
 * {@code timestamptz} does, so a job read back equals the job written.
 */
final class JobRows {
  static final String COLUMNS =
      "id, queue, kind, payload, priority, state, attempt, max_attempts, retry_kind,"
          + " retry_base_ns, retry_cap_ns, run_at, created_at, updated_at, finished_at, errors,"
          + " lease_owner, lease_fence, lease_expires_at, version, unique_key, tags,"
          + " cancel_requested, result, progress_percent, progress_message, progress_at,"
          + " lease_started_at, attempts";

  /**
   * Jackson, loaded at the first row that needs it rather than with this class: a store's start
   * reads {@link #COLUMNS}, and loading Jackson there held every start for about 0.15 s.
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** A record read once, so that loading Jackson loads what reading a payload type needs too. */
  private record Sample(int attempt, String node) {}

  /**
   * Loads Jackson's classes, for reading trees as rows need and records as payload codecs do, off
   * the thread that starts the store: see {@link PostgresStore#start}.
   */
  static void loadJson() {
    try {
      Json.MAPPER.readTree("[[1, \"node\", \"2026-01-01T00:00:00Z\"]]");
      Json.MAPPER.readValue("{\"attempt\": 1, \"node\": \"node\"}", Sample.class);
    } catch (JsonProcessingException | RuntimeException | LinkageError e) {
      // Only a head start: the first real row or payload meets any real problem and reports it.
      System.getLogger(JobRows.class.getName())
          .log(System.Logger.Level.DEBUG, "Loading Jackson ahead failed: {0}", e.toString());
    }
  }

  private JobRows() {}

  static Job read(ResultSet rs) throws SQLException {
    JobState state = domainState(rs.getString("state"));
    var spec =
        new JobSpec(
            rs.getString("queue"),
            rs.getString("kind"),
            rs.getString("payload"),
            Priority.of(rs.getShort("priority")),
            rs.getInt("max_attempts"),
            retryPolicy(
                rs.getString("retry_kind"),
                rs.getLong("retry_base_ns"),
                rs.getLong("retry_cap_ns")),
            instant(rs, "run_at"),
            Optional.ofNullable(rs.getString("unique_key")),
            tags(rs.getArray("tags")));
    Optional<Lease> lease =
        state == JobState.RUNNING
            ? Optional.of(
                new Lease(
                    rs.getString("lease_owner"),
                    rs.getLong("lease_fence"),
                    instant(rs, "lease_expires_at"),
                    leaseStart(rs)))
            : Optional.empty();
    return Job.restore(
        new JobId(rs.getObject("id", UUID.class)),
        spec,
        state,
        rs.getInt("attempt"),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        Optional.ofNullable(rs.getObject("finished_at", OffsetDateTime.class))
            .map(OffsetDateTime::toInstant),
        errors(rs.getString("errors")),
        state == JobState.COMPLETED
            ? withCompletion(attempts(rs.getString("attempts")), rs)
            : attempts(rs.getString("attempts")),
        lease,
        rs.getLong("version"),
        rs.getBoolean("cancel_requested"),
        Optional.ofNullable(rs.getString("result")),
        progress(rs));
  }

  /**
   * A completed job's records with the attempt that completed it, which the completion left in the
   * lease's owner and start instead of appending it (see {@link Sql}): due at the run-at it was
   * claimed at, ended at the finish. A job completed by a write-back, or before migration V10, has
   * no owner left, and its records are as stored.
   */
  private static List<AttemptRecord> withCompletion(List<AttemptRecord> stored, ResultSet rs)
      throws SQLException {
    String owner = rs.getString("lease_owner");
    OffsetDateTime started = rs.getObject("lease_started_at", OffsetDateTime.class);
    OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
    if (owner == null || started == null || finished == null) {
      return stored;
    }
    var all = new ArrayList<AttemptRecord>(Math.min(stored.size() + 1, Job.MAX_ATTEMPTS_KEPT));
    all.addAll(
        stored.subList(Math.max(0, stored.size() + 1 - Job.MAX_ATTEMPTS_KEPT), stored.size()));
    all.add(
        new AttemptRecord(
            rs.getInt("attempt"),
            owner,
            instant(rs, "run_at"),
            started.toInstant(),
            finished.toInstant(),
            AttemptRecord.Ending.COMPLETED));
    return List.copyOf(all);
  }

  /**
   * When the running job's lease started; a job claimed by a node older than migration V5 has no
   * start, and its last update stands in for it.
   */
  private static Instant leaseStart(ResultSet rs) throws SQLException {
    OffsetDateTime started = rs.getObject("lease_started_at", OffsetDateTime.class);
    return started == null ? instant(rs, "updated_at") : started.toInstant();
  }

  private static Optional<Progress> progress(ResultSet rs) throws SQLException {
    OffsetDateTime at = rs.getObject("progress_at", OffsetDateTime.class);
    if (at == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Progress(
            rs.getShort("progress_percent"), rs.getString("progress_message"), at.toInstant()));
  }

  /**
   * The stored state of a job. A pending job is 'scheduled' while its run-at lies after the moment
   * of its last change, so that only due jobs sit in the claim index.
   */
  static String dbState(Job job) {
    return switch (job.state()) {
      case PENDING -> job.runAt().isAfter(job.updatedAt()) ? "scheduled" : "pending";
      case RUNNING -> "running";
      case COMPLETED -> "completed";
      case FAILED -> "failed";
      case CANCELLED -> "cancelled";
    };
  }

  static String dbState(JobState state) {
    return switch (state) {
      case PENDING -> "pending";
      case RUNNING -> "running";
      case COMPLETED -> "completed";
      case FAILED -> "failed";
      case CANCELLED -> "cancelled";
    };
  }

  static JobState domainState(String dbState) {
    return switch (dbState) {
      case "scheduled", "pending" -> JobState.PENDING;
      case "running" -> JobState.RUNNING;
      case "completed" -> JobState.COMPLETED;
      case "failed" -> JobState.FAILED;
      case "cancelled" -> JobState.CANCELLED;
      default ->
          throw new StorageException("A job row has the unknown state '%s'.".formatted(dbState));
    };
  }

  static String retryKind(RetryPolicy policy) {
    return switch (policy) {
      case RetryPolicy.Exponential e -> "exponential";
      case RetryPolicy.Fixed f -> "fixed";
      case RetryPolicy.None n -> "none";
    };
  }

  static long retryBaseNanos(RetryPolicy policy) {
    return switch (policy) {
      case RetryPolicy.Exponential e -> e.base().toNanos();
      case RetryPolicy.Fixed f -> f.delay().toNanos();
      case RetryPolicy.None n -> 0;
    };
  }

  static long retryCapNanos(RetryPolicy policy) {
    return switch (policy) {
      case RetryPolicy.Exponential e -> e.cap().toNanos();
      case RetryPolicy.Fixed f -> f.delay().toNanos();
      case RetryPolicy.None n -> 0;
    };
  }

  private static RetryPolicy retryPolicy(String kind, long baseNanos, long capNanos) {
    return switch (kind) {
      case "exponential" ->
          RetryPolicy.exponential(Duration.ofNanos(baseNanos), Duration.ofNanos(capNanos));
      case "fixed" -> RetryPolicy.fixed(Duration.ofNanos(baseNanos));
      case "none" -> RetryPolicy.none();
      default ->
          throw new StorageException("A job row has the unknown retry kind '%s'.".formatted(kind));
    };
  }

  /** Tags travel in bulk statements as one comma-joined text: the tag alphabet has no comma. */
  static String joinTags(List<String> tags) {
    return String.join(",", tags);
  }

  private static List<String> tags(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    try {
      return Arrays.asList((String[]) array.getArray());
    } finally {
      array.free();
    }
  }

  static String timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC).toString();
  }

  static OffsetDateTime offset(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  static String errorJson(AttemptError error) {
    return errorNode(error).toString();
  }

  static String errorsJson(List<AttemptError> errors) {
    var array = Json.MAPPER.createArrayNode();
    errors.forEach(error -> array.add(errorNode(error)));
    return array.toString();
  }

  private static ObjectNode errorNode(AttemptError error) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("attempt", error.attempt());
    node.put("at", timestamp(error.at()));
    node.put("type", error.type());
    node.put("message", error.message());
    node.put("stack_trace", error.stackTrace());
    return node;
  }

  private static List<AttemptError> errors(String json) {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    try {
      JsonNode array = Json.MAPPER.readTree(json);
      var errors = new ArrayList<AttemptError>(array.size());
      for (JsonNode e : array) {
        errors.add(
            new AttemptError(
                e.get("attempt").asInt(),
                OffsetDateTime.parse(e.get("at").asText()).toInstant(),
                e.get("type").asText(),
                e.get("message").asText(),
                e.get("stack_trace").asText()));
      }
      return errors;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new StorageException("A job row holds errors that cannot be read: " + json, e);
    }
  }

  /**
   * The attempt records as the column keeps them: each a positional array {@code [attempt, node,
   * due_at, started_at, ended_at, ending]}, which the statements that end an attempt build cheaper
   * than an object (see {@link Sql}).
   */
  static String attemptsJson(List<AttemptRecord> attempts) {
    var array = Json.MAPPER.createArrayNode();
    for (AttemptRecord record : attempts) {
      array
          .addArray()
          .add(record.attempt())
          .add(record.node())
          .add(timestamp(record.dueAt()))
          .add(timestamp(record.startedAt()))
          .add(timestamp(record.endedAt()))
          .add(record.ending().wireName());
    }
    return array.toString();
  }

  /**
   * The attempt records: written by the statements that end an attempt (see {@link Sql}), whose
   * times PostgreSQL writes with the session's offset, or by {@link #attemptsJson}. A job written
   * before migration V10 has none.
   */
  private static List<AttemptRecord> attempts(String json) {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    try {
      JsonNode array = Json.MAPPER.readTree(json);
      var attempts = new ArrayList<AttemptRecord>(array.size());
      for (JsonNode a : array) {
        attempts.add(
            new AttemptRecord(
                a.get(0).asInt(),
                a.get(1).asText(),
                OffsetDateTime.parse(a.get(2).asText()).toInstant(),
                OffsetDateTime.parse(a.get(3).asText()).toInstant(),
                OffsetDateTime.parse(a.get(4).asText()).toInstant(),
                AttemptRecord.Ending.ofWireName(a.get(5).asText())));
      }
      return attempts;
    } catch (JsonProcessingException | RuntimeException e) {
      throw new StorageException("A job row holds attempts that cannot be read: " + json, e);
    }
  }
}
