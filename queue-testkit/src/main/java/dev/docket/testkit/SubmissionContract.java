package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.JobOperations;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobSubmissions;
import dev.docket.usecase.port.PurgeRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules of {@link JobSubmissions}, and of reading a job back with {@link JobOperations#find}: a
 * stored job comes back field for field, whatever its payload, tags, options and run-at; a batch is
 * stored whole and answered in order; a unique key that is taken returns its holder and stores
 * nothing. Bring this part up first: every other part stores its jobs with {@code insert} and reads
 * them back with {@code find}.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class SubmissionContract extends JobStorageFixture {
  @Nested
  class InsertAndFind {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.docket.testkit.SubmissionContract#retryPolicies")
    void find_returnsTheInsertedJob_withEveryField(RetryPolicy policy) {
      var spec =
          specBuilder("billing:eu-1")
              .kind("invoice.render_v2")
              .payload("{\"invoice\":\"INV-7\",\"note\":\"Gr\u00fc\u00dfe \\\"quoted\\\" \\\\\"}")
              .priority(Priority.of(73))
              .maxAttempts(7)
              .retryPolicy(policy)
              .runAt(now().plus(Duration.ofDays(3)).plusMillis(123))
              .uniqueKey("invoice/2030-01/\u00c4\u00df-\ud83e\uddfe-42")
              .tags("tenant=acme", "region/eu-west", "batch:7")
              .build();
      clock.advance(Duration.ofMillis(1_234));
      var job = submit(spec);

      assertThat(storage.insert(List.of(job))).containsExactly(job);

      var found = stored(job.id());
      assertThat(found.spec()).isEqualTo(spec);
      assertThat(found.createdAt()).isEqualTo(now());
      assertThat(found)
          .hasState(JobState.PENDING)
          .hasAttempt(0)
          .hasVersion(1)
          .hasUpdatedAt(now())
          .hasNoFinishedAt()
          .hasNoLease()
          .hasErrorCount(0)
          .isNotCancelRequested()
          .hasSameFieldsAs(job);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.docket.testkit.SubmissionContract#payloads")
    void find_returnsThePayloadTextExactly(String payload) {
      var job = insert(specBuilder(QUEUE).payload(payload).build());

      var found = stored(job.id());
      assertThat(found.payload()).isEqualTo(payload);
      assertThat(found).hasSameFieldsAs(job);
    }

    @Test
    void insert_ofALargeBatch_keepsEveryPayloadAndTagExactly() {
      // Large batches may take another path into the store (PostgreSQL's COPY): every payload
      // form, tag and option must come back the same from it.
      List<String> payloads =
          payloads().map(a -> (String) ((Named<?>) a.get()[0]).getPayload()).toList();
      List<RetryPolicy> policies =
          retryPolicies().map(a -> (RetryPolicy) ((Named<?>) a.get()[0]).getPayload()).toList();
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 600; i++) {
        jobs.add(
            submit(
                specBuilder(i % 2 == 0 ? QUEUE : OTHER_QUEUE)
                    .payload(payloads.get(i % payloads.size()))
                    .priority(Priority.of(i % 101))
                    .maxAttempts(1 + i % 7)
                    .retryPolicy(policies.get(i % policies.size()))
                    .runAt(i % 3 == 0 ? now().plus(Duration.ofMinutes(i)) : now())
                    .tags(
                        i % 4 == 0 ? new String[0] : new String[] {"tenant=acme", "b:" + i, "a/b"})
                    .build()));
      }

      assertThat(storage.insert(jobs)).containsExactlyElementsOf(jobs);

      for (Job job : jobs) {
        assertThat(stored(job.id())).hasSameFieldsAs(job);
        assertThat(stored(job.id()).payload()).isEqualTo(job.payload());
      }
      insertedIds.addAll(ids(jobs));
    }

    @Test
    void find_returnsAPayloadOfTheLargestAllowedSize() {
      var payload = largestPayload();
      assertThat(payload.getBytes(UTF_8)).hasSize(JobSpec.MAX_PAYLOAD_BYTES);

      var job = insert(specBuilder(QUEUE).payload(payload).build());

      assertThat(stored(job.id()).payload()).isEqualTo(payload);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.docket.testkit.SubmissionContract#edgeRunAts")
    void find_returnsTheRunAt_atTheEdgesOfTheAllowedRange(Instant runAt) {
      var job = insert(specBuilder(QUEUE).runAt(runAt).build());

      assertThat(stored(job.id())).hasRunAt(runAt).hasSameFieldsAs(job);
    }

    @Test
    void find_returnsEmpty_forAnUnknownId() {
      insert(spec(QUEUE));

      assertThat(storage.find(TestJobs.id(999_999))).isEmpty();
    }

    @Test
    void insert_ofNoJobs_returnsNoJobs_andStoresNothing() {
      assertThat(storage.insert(List.of())).isEmpty();

      assertThat(storage.stats(now())).isEmpty();
    }

    @Test
    void insert_returnsEveryJobInOrder_forAThousandJobsInOneCall() {
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 1_000; i++) {
        jobs.add(
            submit(
                specBuilder(i % 2 == 0 ? QUEUE : OTHER_QUEUE)
                    .priority(Priority.of(i % 101))
                    .runAt(now().plusSeconds(i % 17))
                    .build()));
      }
      Collections.shuffle(jobs, random);

      var returned = storage.insert(jobs);

      assertThat(returned).containsExactlyElementsOf(jobs);
      for (var job : jobs) {
        assertThat(storage.find(job.id())).contains(job);
      }
      assertThat(stats(now(), QUEUE).count(JobState.PENDING)).isEqualTo(500);
      assertThat(stats(now(), OTHER_QUEUE).count(JobState.PENDING)).isEqualTo(500);
    }

    @Test
    void insert_ofTheSameIdTwiceInOneCall_isRefused_andStoresNothing() {
      var job = submit(spec(QUEUE));
      var other = submit(spec(QUEUE));

      assertThatThrownBy(() -> storage.insert(List.of(other, job, job)))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(storage.find(job.id())).isEmpty();
      assertThat(storage.find(other.id())).isEmpty();
    }
  }

  @Nested
  class UniqueKeys {

    @Test
    void insert_returnsTheHolder_andStoresNothing_whenTheUniqueKeyIsTaken() {
      var holder = insert(specBuilder(QUEUE).uniqueKey("order-42").build());
      clock.advance(Duration.ofSeconds(1));
      var duplicate =
          submit(
              specBuilder(QUEUE)
                  .kind("report.build")
                  .payload("{\"other\":true}")
                  .uniqueKey("order-42")
                  .build());

      assertThat(storage.insert(List.of(duplicate))).containsExactly(holder);

      assertThat(storage.find(duplicate.id())).isEmpty();
      assertThat(stored(holder.id())).hasSameFieldsAs(holder);
      assertThat(storage.list(JobQuery.all()).jobs()).containsExactly(holder);
    }

    @Test
    void insert_returnsTheFirstJob_forALaterJobWithTheSameKey_inTheSameCall() {
      var first = submit(specBuilder(QUEUE).uniqueKey("a").build());
      var plain = submit(spec(QUEUE));
      var second = submit(specBuilder(QUEUE).uniqueKey("a").build());
      var other = submit(specBuilder(OTHER_QUEUE).uniqueKey("b").build());
      var otherAgain = submit(specBuilder(OTHER_QUEUE).uniqueKey("b").build());

      var returned = storage.insert(List.of(first, plain, second, other, otherAgain));

      assertThat(returned).containsExactly(first, plain, first, other, other);
      assertThat(storage.find(second.id())).isEmpty();
      assertThat(storage.find(otherAgain.id())).isEmpty();
      assertThat(storage.list(JobQuery.all()).jobs()).containsExactly(other, plain, first);
    }

    @ParameterizedTest(name = "holder {0}")
    @EnumSource(JobState.class)
    void insert_returnsTheHolder_whateverStateItIsIn(JobState state) {
      var holder = given(state, specBuilder(QUEUE).uniqueKey("nightly-report"));
      clock.advance(Duration.ofMinutes(1));
      var duplicate = submit(specBuilder(QUEUE).uniqueKey("nightly-report").build());

      assertThat(storage.insert(List.of(duplicate))).containsExactly(holder);

      assertThat(storage.find(duplicate.id())).isEmpty();
      assertThat(stored(holder.id())).hasState(state).hasSameFieldsAs(holder);
    }

    @Test
    void insert_acceptsAUniqueKeyAgain_afterItsHolderWasPurged() {
      var holder = given(JobState.COMPLETED, specBuilder(QUEUE).uniqueKey("daily-digest"));
      clock.advance(Duration.ofMinutes(1));
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), now(), 10)))
          .isEqualTo(1);
      var successor = submit(specBuilder(QUEUE).uniqueKey("daily-digest").build());

      assertThat(storage.insert(List.of(successor))).containsExactly(successor);

      assertThat(storage.find(holder.id())).isEmpty();
      assertThat(stored(successor.id())).hasSameFieldsAs(successor);
    }

    @Test
    void insert_holdsAUniqueKey_acrossQueues() {
      var holder = insert(specBuilder(QUEUE).uniqueKey("customer-7").build());
      var duplicate = submit(specBuilder(OTHER_QUEUE).uniqueKey("customer-7").build());

      assertThat(storage.insert(List.of(duplicate))).containsExactly(holder);

      assertThat(storage.find(duplicate.id())).isEmpty();
    }

    @Test
    void insert_comparesUniqueKeys_asExactText() {
      var keys =
          List.of(
              "order-1", "Order-1", "caf\u00e9", "cafe\u0301", "key", "key ", " key", "k\u00e9y");
      var jobs = new ArrayList<Job>();
      for (var key : keys) {
        jobs.add(submit(specBuilder(QUEUE).uniqueKey(key).build()));
      }

      for (var job : jobs) {
        assertThat(storage.insert(List.of(job)))
            .as("insert of the job with key '%s'", job.uniqueKey().orElseThrow())
            .containsExactly(job);
      }
      for (var job : jobs) {
        assertThat(stored(job.id())).hasSameFieldsAs(job);
      }
    }
  }

  // ---- Arguments ---------------------------------------------------------------------------

  static Stream<Arguments> retryPolicies() {
    return Stream.of(
        Arguments.of(Named.of("exponential, default", RetryPolicy.exponential())),
        Arguments.of(
            Named.of(
                "exponential, 250 ms to 90 s",
                RetryPolicy.exponential(Duration.ofMillis(250), Duration.ofSeconds(90)))),
        Arguments.of(Named.of("fixed, 45 s", RetryPolicy.fixed(Duration.ofSeconds(45)))),
        Arguments.of(Named.of("fixed, zero", RetryPolicy.fixed(Duration.ZERO))),
        Arguments.of(Named.of("fixed, longest", RetryPolicy.fixed(RetryPolicy.MAX_DELAY))),
        Arguments.of(Named.of("none", RetryPolicy.none())));
  }

  static Stream<Arguments> payloads() {
    return Stream.of(
        Arguments.of(Named.of("empty object", "{}")),
        Arguments.of(
            Named.of(
                "quotes, backslashes and SQL",
                "{\"quote\":\"say \\\"hi\\\"\",\"path\":\"C:\\\\temp\\\\new\","
                    + "\"slash\":\"a\\/b\",\"sql\":\"'); DROP TABLE jobs; --\"}")),
        Arguments.of(
            Named.of(
                "JSON escapes of control characters and surrogates",
                "{\"escaped\":\"\\u0000 \\u001f \\ud83d\\ude80 \\n \\t \\\\u0041\"}")),
        Arguments.of(
            Named.of(
                "many scripts, emoji and invisible marks",
                "{\"text\":\"Gr\u00fc\u00dfe \u4f60\u597d \u0645\u0631\u062d\u0628\u0627"
                    + " \u05e9\u05dc\u05d5\u05dd \ud83d\ude80\ud83d\udc69\u200d\ud83d\udcbb"
                    + " e\u0301 [\u200b] [\ufeff] [\u2028] \ud800\udc00\"}")),
        Arguments.of(
            Named.of(
                "whitespace, key order and number forms as written",
                "  {\n  \"b\" : 1,\n\t\"a\" : [ 1.0, 2e3, -0, 12345678901234567890123 ]\r\n}  ")),
        Arguments.of(Named.of("a string ending in a backslash", "\"ends in \\\\\"")),
        Arguments.of(Named.of("a bare number", "42")));
  }

  static Stream<Arguments> edgeRunAts() {
    return Stream.of(
        Arguments.of(Named.of("earliest allowed", JobSpec.MIN_RUN_AT)),
        Arguments.of(Named.of("latest allowed", JobSpec.MAX_RUN_AT)),
        Arguments.of(Named.of("with milliseconds", Instant.parse("2030-06-15T12:34:56.789Z"))));
  }

  private static String largestPayload() {
    // {"blob":"...."} with the filler sized to land exactly on the byte limit.
    int filler = JobSpec.MAX_PAYLOAD_BYTES - "{\"blob\":\"\"}".length();
    return "{\"blob\":\"" + "\u00e9".repeat(filler / 2) + "a".repeat(filler % 2) + "\"}";
  }
}
