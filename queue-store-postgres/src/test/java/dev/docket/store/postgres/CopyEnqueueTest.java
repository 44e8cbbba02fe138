package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.PayloadException;
import dev.docket.usecase.port.StorageException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batches of {@link JobInserter#COPY_THRESHOLD} jobs or more go in with a binary COPY: every field
 * must come back as the array insert of smaller batches stores it.
 */
class CopyEnqueueTest {
  private static PgFixture pg;

  /** Text the old text COPY had to escape, JSON escapes, and characters beyond ASCII. */
  private static final List<String> ODD_TEXT =
      List.of(
          "tab\\there, newline\\nthere, carriage return\\r, backslash \\\\ and \\\\N",
          "quotes \\\" and 'single', commas , , and braces {} [] \\\\.",
          "emoji \uD83D\uDE80\uD83D\uDC4D\uD83C\uDFFD, RTL \u05E9\u05DC\u05D5\u05DD, e\u0301, \u00e9",
          "CJK \u6F22\u5B57 and the escaped \\u0000 and \\u00e9 and \\ud83d\\ude80",
          "");

  /** Instants at the edges of what the text format took, and either side of 2000-01-01. */
  private static final List<Instant> CREATED =
      List.of(
          Instant.parse("0001-01-01T00:00:00Z"),
          Instant.parse("1969-12-31T23:59:59.999999Z"),
          Instant.parse("1970-01-01T00:00:00.000001Z"),
          Instant.parse("1999-12-31T23:59:59.999999Z"),
          Instant.parse("2000-01-01T00:00:00Z"),
          Instant.parse("2000-01-01T00:00:00.000001Z"),
          Instant.parse("2026-03-14T15:09:26.535897Z"),
          Instant.parse("9999-12-31T23:59:59.999999Z"));

  private static final List<List<String>> TAGS =
      List.of(
          List.of(),
          List.of("a"),
          List.of("key=value", "path/to:thing", "v1.2-rc_3"),
          List.of(
              "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11", "t12",
              "t13", "t14", "t15", "t16", "t17", "t18", "t19", "t20"),
          List.of("x".repeat(64)));

  private static final List<RetryPolicy> RETRIES =
      List.of(
          RetryPolicy.exponential(),
          RetryPolicy.exponential(Duration.ofNanos(1), Duration.ofDays(30)),
          RetryPolicy.fixed(Duration.ofNanos(123_456_789)),
          RetryPolicy.fixed(Duration.ZERO),
          RetryPolicy.none());

  @BeforeAll
  static void start() {
    pg = new PgFixture("copy");
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void aCopiedBatchOfOddJobs_readsBackEqualToWhatWasSubmitted() {
    List<Job> jobs = oddJobs(1, 404, "copy-odd");

    assertThat(pg.store.storage().insert(jobs)).containsExactlyElementsOf(jobs);

    for (Job job : jobs) {
      assertThat(pg.store.storage().find(job.id())).as("job %s", job.id()).contains(job);
    }
    assertThat(pg.count("queue = 'copy-odd' AND state = 'scheduled'"))
        .isEqualTo(jobs.stream().filter(j -> j.runAt().isAfter(j.createdAt())).count())
        .isPositive();
    assertThat(pg.count("queue = 'copy-odd' AND state = 'pending'")).isPositive();
  }

  @Test
  void aCopiedBatch_storesTheSameRows_asTheArrayInsertOfSmallBatches() throws SQLException {
    List<Job> copied = oddJobs(1_001, 400, "copy-same");
    List<Job> inserted = oddJobs(2_001, 400, "copy-same");

    pg.store.storage().insert(copied);
    for (int from = 0; from < inserted.size(); from += 100) {
      pg.store.storage().insert(inserted.subList(from, from + 100));
    }

    List<String> copiedRows = rowsWithoutId(copied);
    assertThat(copiedRows).hasSize(400).doesNotHaveDuplicates();
    assertThat(copiedRows).containsExactlyElementsOf(rowsWithoutId(inserted));
  }

  @Test
  void longPayloadsOfSurrogatePairs_crossingTheChunksOfTheCopy_readBackWhole() {
    // Pairs at every offset: whatever the chunk boundaries, some fall inside a pair.
    List<Job> jobs = new ArrayList<>(oddJobs(8_001, 200, "copy-long"));
    String rockets = "\uD83D\uDE80".repeat(40_000);
    for (int i = 0; i < 4; i++) {
      jobs.set(
          i,
          Job.submit(
              id(8_001 + i),
              spec(
                  "copy-long",
                  "{\"s\":\"" + "a".repeat(i) + rockets + "\"}",
                  Instant.EPOCH,
                  List.of(),
                  RetryPolicy.none(),
                  50),
              Instant.EPOCH));
    }

    pg.store.storage().insert(jobs);

    for (Job job : jobs) {
      assertThat(pg.store.storage().find(job.id())).as("job %s", job.id()).contains(job);
    }
  }

  @Test
  void aBatchWithATimeTheTextFormatRefused_storesNothing_andTheStoreStaysUsable() {
    // Far enough into the batch that earlier rows have gone to the server already.
    List<Job> jobs = new ArrayList<>(oddJobs(3_001, 2_000, "copy-range"));
    jobs.add(
        Job.submit(
            id(5_001),
            spec("copy-range", "{}", Instant.EPOCH, List.of(), RetryPolicy.none(), 50),
            Instant.parse("+10000-01-01T00:00:00Z")));

    assertThatThrownBy(() -> pg.store.storage().insert(jobs))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("out of range");

    assertThat(pg.count("queue = 'copy-range'")).isZero();
    List<Job> next = oddJobs(6_001, 300, "copy-range");
    assertThat(pg.store.storage().insert(next)).containsExactlyElementsOf(next);
    assertThat(pg.count("queue = 'copy-range'")).isEqualTo(300);
  }

  @Test
  void aCopiedBatchWithAPayloadThatIsNotJson_isRefusedAsAPayloadError_andStoresNothing() {
    List<Job> jobs = new ArrayList<>(oddJobs(7_001, 300, "copy-json"));
    jobs.add(
        Job.submit(
            id(7_999),
            spec("copy-json", "{not json", Instant.EPOCH, List.of(), RetryPolicy.none(), 50),
            Instant.EPOCH));

    assertThatThrownBy(() -> pg.store.storage().insert(jobs))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("not valid JSON");

    assertThat(pg.count("queue = 'copy-json'")).isZero();
  }

  /**
   * {@code count} jobs cycling through the odd values, so that each combination of text, time, tags
   * and policy turns up, with every priority and ids counted up from {@code firstId}.
   */
  private static List<Job> oddJobs(int firstId, int count, String queue) {
    var jobs = new ArrayList<Job>(count);
    for (int i = 0; i < count; i++) {
      Instant created = CREATED.get(i % CREATED.size());
      // Before, at and after the creation time: 'pending' for the first two, 'scheduled' after.
      Instant runAt =
          switch (i % 3) {
            case 0 -> clamp(created.minusNanos(1_000));
            case 1 -> clamp(created);
            default -> clamp(created.plus(Duration.ofDays(3650)).plusNanos(7_000));
          };
      // Raw whitespace between JSON tokens, which the text COPY escaped as \t, \n and \r.
      String payload =
          "{\"i\":%d,\t\"text\":\"%s\",\n\"nested\":{\"a\":[1,2.5e-3,null,true]}\r}"
              .formatted(i, ODD_TEXT.get(i % ODD_TEXT.size()));
      jobs.add(
          Job.submit(
              id(firstId + i),
              spec(
                  queue,
                  payload,
                  runAt,
                  TAGS.get(i % TAGS.size()),
                  RETRIES.get(i % RETRIES.size()),
                  i % (Priority.MAX_VALUE + 1)),
              created));
    }
    return jobs;
  }

  private static JobSpec spec(
      String queue,
      String payload,
      Instant runAt,
      List<String> tags,
      RetryPolicy retry,
      int priority) {
    return new JobSpec(
        queue,
        "kind.with-odd:chars_" + priority % 7,
        payload,
        Priority.of(priority),
        1 + priority * 9,
        retry,
        runAt,
        Optional.empty(),
        tags);
  }

  private static Instant clamp(Instant instant) {
    if (instant.isBefore(JobSpec.MIN_RUN_AT)) {
      return JobSpec.MIN_RUN_AT;
    }
    return instant.isAfter(JobSpec.MAX_RUN_AT) ? JobSpec.MAX_RUN_AT : instant;
  }

  private static JobId id(long n) {
    return JobId.of(new UUID(0x0190_0000_0000_7000L | (n << 16), 0x8000_0000_0000_0000L | n));
  }

  /** Every column but the id, as PostgreSQL prints the row, in the order of {@code jobs}. */
  private static List<String> rowsWithoutId(List<Job> jobs) throws SQLException {
    String sql =
        ("SELECT ROW(j.queue, j.kind, j.payload::text, j.priority, j.state, j.attempt,"
                + " j.max_attempts, j.retry_kind, j.retry_base_ns, j.retry_cap_ns, j.run_at,"
                + " j.created_at, j.updated_at, j.finished_at, j.errors, j.lease_owner,"
                + " j.lease_fence, j.lease_expires_at, j.version, j.unique_key, j.tags,"
                + " j.cancel_requested)::text"
                + " FROM \"%s\".jobs j JOIN unnest(?::uuid[]) WITH ORDINALITY AS u(id, ord)"
                + " ON j.id = u.id ORDER BY u.ord")
            .formatted(pg.schema);
    try (var c = PgFixture.DB.connect();
        var ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("uuid", jobs.stream().map(j -> j.id().value()).toArray()));
      var rows = new ArrayList<String>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
      return rows;
    }
  }
}
