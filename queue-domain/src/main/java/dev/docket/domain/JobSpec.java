package dev.docket.domain;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a new job is made of, validated: everything a submitter chooses.
 *
 * <p>The payload is JSON text; checking that it parses is the payload codec's job, since the domain
 * knows no JSON. Tags are kept sorted and without duplicates.
 *
 * @param queue the queue the job waits in, see {@link Names#requireQueue}
 * @param kind the handler's name, see {@link Names#requireKind}
 * @param payload the JSON payload, at most {@link #MAX_PAYLOAD_BYTES} bytes of UTF-8
 * @param priority the priority within the queue
 * @param maxAttempts how many attempts the job gets in all, 1 to {@link #MAX_ATTEMPTS}
 * @param retryPolicy how long to wait between attempts
 * @param runAt the earliest time the job may run, kept to the microsecond
 * @param uniqueKey if present, a second job with the same key is not created
 * @param tags labels to find the job by, at most {@link #MAX_TAGS}
 */
public record JobSpec(
    String queue,
    String kind,
    String payload,
    Priority priority,
    int maxAttempts,
    RetryPolicy retryPolicy,
    Instant runAt,
    Optional<String> uniqueKey,
    List<String> tags) {

  /** The queue of a job that names none. */
  public static final String DEFAULT_QUEUE = "default";

  /** The maximum attempts of a job that names none. */
  public static final int DEFAULT_MAX_ATTEMPTS = 25;

  /** The most attempts a job may ask for. */
  public static final int MAX_ATTEMPTS = 1_000;

  /** The largest payload, in bytes of UTF-8: 1 MiB. */
  public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  /** The most tags a job may carry. */
  public static final int MAX_TAGS = 20;

  /** The earliest run-at time accepted. */
  public static final Instant MIN_RUN_AT = Instant.EPOCH;

  /** The latest run-at time accepted: the end of year 9999, which every store can hold. */
  public static final Instant MAX_RUN_AT = Instant.parse("9999-12-31T23:59:59Z");

  /** Validates every field and normalizes the tags. */
  public JobSpec {
    Names.requireQueue(queue);
    Names.requireKind(kind);
    requirePayload(payload);
    Objects.requireNonNull(priority, "priority");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException(
          "Max attempts %d is out of range: use 1 to %d.".formatted(maxAttempts, MAX_ATTEMPTS));
    }
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    runAt = Times.micros(Objects.requireNonNull(runAt, "runAt"));
    if (runAt.isBefore(MIN_RUN_AT) || runAt.isAfter(MAX_RUN_AT)) {
      throw new IllegalArgumentException(
          "Run-at %s is out of range: use %s to %s.".formatted(runAt, MIN_RUN_AT, MAX_RUN_AT));
    }
    Objects.requireNonNull(uniqueKey, "uniqueKey").ifPresent(Names::requireUniqueKey);
    Objects.requireNonNull(tags, "tags");
    if (tags.isEmpty()) {
      tags = List.of(); // most jobs have no tags: skip the stream
    } else {
      tags.forEach(tag -> Names.requireTag(Objects.requireNonNull(tag, "tag")));
      tags = tags.stream().distinct().sorted().toList();
    }
    if (tags.size() > MAX_TAGS) {
      throw new IllegalArgumentException(
          "A job carries %d tags, more than the %d allowed.".formatted(tags.size(), MAX_TAGS));
    }
  }

  private static void requirePayload(String payload) {
    Objects.requireNonNull(payload, "payload");
    // Most payloads are far below the limit; count UTF-8 bytes only when the length can't decide.
    if ((long) payload.length() * 3 <= MAX_PAYLOAD_BYTES) {
      return;
    }
    int bytes =
        payload.length() > MAX_PAYLOAD_BYTES
            ? payload.length()
            : payload.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "Payload of %d bytes or more is over the limit of %d bytes."
              .formatted(bytes, MAX_PAYLOAD_BYTES));
    }
  }
}
