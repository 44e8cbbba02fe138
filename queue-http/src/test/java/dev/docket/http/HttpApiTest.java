package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import dev.docket.domain.JobId;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the HTTP API on its happy path, through the JDK's HTTP client against one
 * server on the memory store. Each test uses queues of its own, so the tests share the server
 * without seeing each other's jobs; queues no worker serves keep their jobs pending.
 */
class HttpApiTest {
  static final JobType<JsonNode> OK = JobType.of("demo.ok", JsonNode.class);
  static final JobType<JsonNode> FLAKY = JobType.of("demo.flaky", JsonNode.class);
  static final JobType<JsonNode> BLOCK = JobType.of("demo.block", JsonNode.class);

  static final Set<String> RAN = ConcurrentHashMap.newKeySet();
  static final Set<String> BLOCKED = ConcurrentHashMap.newKeySet();
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  /** Reads decimals as BigDecimal, so a test sees every digit the server sent. */
  static final ObjectMapper EXACT =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  static HttpFixture docket;

  @BeforeAll
  static void start() {
    var options =
        RuntimeOptions.builder()
            .queue("default", 4)
            .queue("pausable", 1)
            .queue("blocking", 1)
            .pollInterval(Duration.ofMillis(50))
            .build();
    docket =
        HttpFixture.start(
            options,
            HttpFixture.httpOptions().build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                var handlers = DocketModule.handlers(binder());
                handlers
                    .addBinding()
                    .toInstance(HandlerBinding.of(OK, (p, c) -> RAN.add(c.jobId().toString())));
                handlers
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(
                            FLAKY,
                            (p, c) -> {
                              if (c.attempt() == 1) {
                                throw new IllegalStateException("boom on attempt 1");
                              }
                              RAN.add(c.jobId().toString());
                            }));
                handlers
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(
                            BLOCK,
                            (p, c) -> {
                              BLOCKED.add(c.jobId().toString());
                              RELEASE.await(30, TimeUnit.SECONDS);
                            }));
                DocketModule.schedules(binder())
                    .addBinding()
                    .toInstance(
                        // Its slots are 366 days apart: it fires only when asked to in a test.
                        Schedule.every(
                            "tick",
                            Duration.ofDays(366),
                            JobRequest.ofJson("demo.tick", "{\"from\":\"schedule\"}")
                                .queue("scheduled")
                                .build()));
              }
            });
  }

  @AfterAll
  static void stop() {
    RELEASE.countDown();
    docket.close();
  }

  // ---- POST /api/jobs ----------------------------------------------------------------------

  @Test
  void enqueue_isAnswered201_withEveryFieldOfTheJobEchoed() throws Exception {
    String body =
        """
        {"kind": "report.build", "queue": "echo", "priority": "HIGH", "maxAttempts": 7,
         "uniqueKey": "echo-1", "tags": ["team=billing", "nightly"],
         "retry": {"policy": "fixed", "delay": "PT5S"}, "runAt": "2030-01-31T09:00:00Z",
         "payload": {"customer": 42, "name": "Ada", "lines": [{"sku": "A-1", "qty": 2}],
                     "note": null, "vip": true}}
        """;
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    var response = docket.post("/api/jobs", body);

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    assertThat(response.contentType()).startsWith("application/json");
    JsonNode job = response.json();
    assertThat(UUID.fromString(job.path("id").asText())).isNotNull();
    assertThat(job.path("queue").asText()).isEqualTo("echo");
    assertThat(job.path("kind").asText()).isEqualTo("report.build");
    assertThat(job.path("state").asText()).isEqualTo("pending");
    assertThat(job.path("priority").isInt()).isTrue();
    assertThat(job.path("priority").asInt()).isEqualTo(75);
    assertThat(job.path("attempt").asInt()).isZero();
    assertThat(job.path("maxAttempts").asInt()).isEqualTo(7);
    assertThat(job.path("retry"))
        .isEqualTo(HttpFixture.JSON.readTree("{\"policy\":\"fixed\",\"delay\":\"PT5S\"}"));
    assertThat(job.path("runAt").asText()).isEqualTo("2030-01-31T09:00:00Z");
    assertThat(job.path("uniqueKey").asText()).isEqualTo("echo-1");
    assertThat(texts(job.path("tags"))).containsExactlyInAnyOrder("team=billing", "nightly");
    assertThat(job.path("cancelRequested").asBoolean()).isFalse();
    assertThat(job.path("lease").isNull()).isTrue();
    assertThat(job.path("finishedAt").isNull()).isTrue();
    assertThat(job.path("errorCount").asInt()).isZero();
    assertThat(job.path("lastError").isNull()).isTrue();
    assertThat(job.path("errors").isArray()).isTrue();
    assertThat(job.path("errors")).isEmpty();
    assertThat(job.path("payload")).isEqualTo(HttpFixture.JSON.readTree(body).path("payload"));
    assertThat(Instant.parse(job.path("createdAt").asText()))
        .isBetween(before, Instant.now().plusMillis(1));
    assertThat(job.path("updatedAt").asText()).isEqualTo(job.path("createdAt").asText());

    var stored = docket.get("/api/jobs/" + job.path("id").asText());
    assertThat(stored.status()).isEqualTo(200);
    assertThat(stored.json()).isEqualTo(job);
  }

  @Test
  void enqueue_withOnlyAKind_getsTheDocumentedDefaults() {
    JsonNode job = docket.enqueue("{\"kind\": \"demo.ok\"}");

    assertThat(job.path("queue").asText()).isEqualTo("default");
    assertThat(job.path("priority").asInt()).isEqualTo(50);
    assertThat(job.path("maxAttempts").asInt()).isEqualTo(25);
    assertThat(job.path("retry").path("policy").asText()).isEqualTo("exponential");
    assertThat(job.path("retry").path("base").asText()).isEqualTo("PT1S");
    assertThat(job.path("retry").path("cap").asText()).isEqualTo("PT1H");
    assertThat(job.path("payload").isObject()).isTrue();
    assertThat(job.path("payload")).isEmpty();
    assertThat(job.path("tags")).isEmpty();
    assertThat(job.path("uniqueKey").isNull()).isTrue();
    assertThat(job.path("runAt").asText()).isEqualTo(job.path("createdAt").asText());
  }

  @Test
  void enqueue_withNumericPriority_delay_andExponentialRetry_echoesThem() {
    JsonNode job =
        docket.enqueue(
            """
            {"kind": "report.build", "queue": "echo", "priority": 7, "delay": "PT1H",
             "retry": {"policy": "exponential", "base": "PT2S", "cap": "PT1M"}}
            """);

    assertThat(job.path("priority").asInt()).isEqualTo(7);
    assertThat(job.path("retry").path("policy").asText()).isEqualTo("exponential");
    assertThat(job.path("retry").path("base").asText()).isEqualTo("PT2S");
    assertThat(job.path("retry").path("cap").asText()).isEqualTo("PT1M");
    Duration wait =
        Duration.between(
            Instant.parse(job.path("createdAt").asText()),
            Instant.parse(job.path("runAt").asText()));
    assertThat(wait.toMillis()).isCloseTo(Duration.ofHours(1).toMillis(), within(1L));
  }

  @Test
  void enqueue_withPriorityLevelNames_inAnyCase_mapsThemToTheirValues() {
    assertThat(docket.enqueue(priorityJob("\"low\"")).path("priority").asInt()).isZero();
    assertThat(docket.enqueue(priorityJob("\"Normal\"")).path("priority").asInt()).isEqualTo(50);
    assertThat(docket.enqueue(priorityJob("\"URGENT\"")).path("priority").asInt()).isEqualTo(100);
    assertThat(docket.enqueue(priorityJob("0")).path("priority").asInt()).isZero();
    assertThat(docket.enqueue(priorityJob("100")).path("priority").asInt()).isEqualTo(100);
  }

  private static String priorityJob(String priority) {
    return "{\"kind\": \"report.build\", \"queue\": \"echo\", \"priority\": " + priority + "}";
  }

  @Test
  void enqueue_withNoRetryPolicy_getsOneAttempt() {
    JsonNode job =
        docket.enqueue(
            "{\"kind\": \"report.build\", \"queue\": \"echo\", \"retry\": {\"policy\": \"none\"}}");

    assertThat(job.path("retry").path("policy").asText()).isEqualTo("none");
    assertThat(job.path("maxAttempts").asInt()).isEqualTo(1);
  }

  @Test
  void enqueue_withATakenUniqueKey_answersTheJobThatHoldsIt() {
    String body = "{\"kind\": \"report.build\", \"queue\": \"unique\", \"uniqueKey\": \"once\"}";
    JsonNode first = docket.enqueue(body);

    var second = docket.post("/api/jobs", body);

    assertThat(second.status()).isEqualTo(201);
    assertThat(second.json().path("id").asText()).isEqualTo(first.path("id").asText());
    assertThat(ids("/api/jobs?queue=unique")).containsExactly(first.path("id").asText());
  }

  /**
   * Regression: the payload was once read into a JsonNode with doubles, so a decimal lost its
   * digits and 1e400 became the string "Infinity". A payload is any JSON and keeps its numbers.
   */
  @Test
  void enqueue_keepsThePayloadsNumbersAsSent() throws Exception {
    String payload = "{\"amount\": 0.1000000000000000055511151231257827, \"big\": 1e400}";
    JsonNode job =
        docket.enqueue(
            "{\"kind\": \"report.build\", \"queue\": \"echo\", \"payload\": " + payload + "}");

    JsonNode stored =
        EXACT.readTree(docket.get("/api/jobs/" + job.path("id").asText()).body()).path("payload");

    assertThat(stored.path("amount").isNumber()).as("amount is a number: %s", stored).isTrue();
    assertThat(stored.path("amount").decimalValue())
        .isEqualByComparingTo("0.1000000000000000055511151231257827");
    assertThat(stored.path("big").isNumber()).as("big is a number: %s", stored).isTrue();
    assertThat(stored.path("big").decimalValue()).isEqualByComparingTo("1e400");
  }

  // ---- POST /api/jobs/bulk -----------------------------------------------------------------

  @Test
  void bulk_enqueuesEveryJob_inTheOrderGiven() {
    var response =
        docket.post(
            "/api/jobs/bulk",
            """
            {"jobs": [{"kind": "bulk.one", "queue": "bulk-ok", "payload": {"n": 1}},
                      {"kind": "bulk.two", "queue": "bulk-ok", "priority": "URGENT"},
                      {"kind": "bulk.three", "queue": "bulk-ok", "tags": ["t"]}]}
            """);

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    JsonNode jobs = response.json();
    assertThat(jobs.isArray()).isTrue();
    assertThat(texts(jobs, "kind")).containsExactly("bulk.one", "bulk.two", "bulk.three");
    assertThat(jobs.get(1).path("priority").asInt()).isEqualTo(100);
    assertThat(texts(jobs.get(2).path("tags"))).containsExactly("t");
    assertThat(texts(jobs, "state")).containsOnly("pending");
    assertThat(ids("/api/jobs?queue=bulk-ok"))
        .containsExactlyInAnyOrderElementsOf(texts(jobs, "id"));
  }

  @Test
  void bulk_withOneInvalidJob_storesNone_andNamesTheInvalidJobsIndex() {
    var response =
        docket.post(
            "/api/jobs/bulk",
            """
            {"jobs": [{"kind": "bulk.one", "queue": "bulk-bad"},
                      {"kind": "bulk.two", "queue": "bulk-bad"},
                      {"kind": "bulk three", "queue": "bulk-bad"},
                      {"kind": "bulk.four", "queue": "bulk-bad"}]}
            """);

    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.json().path("error").asText()).isEqualTo("invalid_job");
    assertThat(response.json().path("message").asText())
        .startsWith("Job [2]: ")
        .contains("bulk three");
    assertThat(ids("/api/jobs?queue=bulk-bad")).isEmpty();
  }

  // ---- GET /api/jobs -----------------------------------------------------------------------

  @Test
  void list_filtersByState_queue_kind_andTag() {
    String a1 = enqueueIn("list-a", "k.one", "red");
    String a2 = enqueueIn("list-a", "k.one", "red");
    String a3 = enqueueIn("list-a", "k.two", "blue");
    String a4 = enqueueIn("list-a", "k.two", "blue");
    String b1 = enqueueIn("list-b", "k.one", "red");
    assertThat(docket.post("/api/jobs/" + a4 + "/cancel").status()).isEqualTo(200);

    assertThat(ids("/api/jobs?queue=list-a")).containsExactly(a4, a3, a2, a1);
    assertThat(ids("/api/jobs?queue=list-a&kind=k.one")).containsExactly(a2, a1);
    assertThat(ids("/api/jobs?queue=list-a&tag=blue")).containsExactly(a4, a3);
    assertThat(ids("/api/jobs?queue=list-a&state=cancelled")).containsExactly(a4);
    assertThat(ids("/api/jobs?queue=list-a&state=PENDING")).containsExactly(a3, a2, a1);
    assertThat(ids("/api/jobs?queue=list-b&kind=k.one&tag=red&state=pending")).containsExactly(b1);
    assertThat(ids("/api/jobs?queue=list-b&kind=k.two")).isEmpty();
  }

  @Test
  void list_showsJobsWithoutPayloadsOrStackTraces() {
    String id = enqueueIn("list-view", "k.one", "red");

    var page = docket.get("/api/jobs?queue=list-view");

    assertThat(page.status()).isEqualTo(200);
    JsonNode job = page.json().path("jobs").get(0);
    assertThat(job.path("id").asText()).isEqualTo(id);
    assertThat(job.path("payload").isNull()).isTrue();
    assertThat(job.path("errors")).isEmpty();
    assertThat(page.json().path("nextCursor").isNull()).isTrue();
  }

  @Test
  void list_filtersByCreationTime_fromInclusive_beforeExclusive() {
    JsonNode first = enqueueAfterTheClockMoves("list-time", null);
    JsonNode second = enqueueAfterTheClockMoves("list-time", first);
    JsonNode third = enqueueAfterTheClockMoves("list-time", second);
    String firstAt = first.path("createdAt").asText();
    String secondAt = second.path("createdAt").asText();
    String thirdAt = third.path("createdAt").asText();
    String id1 = first.path("id").asText();
    String id2 = second.path("id").asText();
    String id3 = third.path("id").asText();

    assertThat(ids("/api/jobs?queue=list-time&createdFrom=" + secondAt)).containsExactly(id3, id2);
    assertThat(ids("/api/jobs?queue=list-time&createdBefore=" + secondAt)).containsExactly(id1);
    assertThat(
            ids("/api/jobs?queue=list-time&createdFrom=" + firstAt + "&createdBefore=" + thirdAt))
        .containsExactly(id2, id1);
  }

  /** Enqueues a job once the clock has passed {@code previous}'s creation, so times differ. */
  private static JsonNode enqueueAfterTheClockMoves(String queue, JsonNode previous) {
    if (previous != null) {
      Instant at = Instant.parse(previous.path("createdAt").asText());
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> Instant.now().truncatedTo(ChronoUnit.MILLIS).isAfter(at));
    }
    return docket.enqueue("{\"kind\": \"k.time\", \"queue\": \"" + queue + "\"}");
  }

  @Test
  void list_withALimit_pagesByCursor_throughEveryJobOnce_newestFirst() {
    var bulk = new StringBuilder("{\"jobs\": [");
    for (int i = 0; i < 7; i++) {
      bulk.append(i == 0 ? "" : ",").append("{\"kind\": \"k.page\", \"queue\": \"paging\"}");
    }
    var created = docket.post("/api/jobs/bulk", bulk.append("]}").toString());
    assertThat(created.status()).isEqualTo(201);
    List<String> all = texts(created.json(), "id");

    var seen = new ArrayList<String>();
    var pageSizes = new ArrayList<Integer>();
    String cursor = null;
    do {
      var page =
          docket.get(
              "/api/jobs?queue=paging&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      List<String> ids = texts(page.json().path("jobs"), "id");
      pageSizes.add(ids.size());
      seen.addAll(ids);
      cursor =
          page.json().path("nextCursor").isNull() ? null : page.json().path("nextCursor").asText();
    } while (cursor != null && pageSizes.size() < 10);

    assertThat(pageSizes).containsExactly(3, 3, 1);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
    assertThat(seen).isSortedAccordingTo((x, y) -> JobId.parse(y).compareTo(JobId.parse(x)));
  }

  @Test
  void list_count_andBulkActions_findJobsByWhatTheirPayloadContains() {
    String gold =
        docket
            .enqueue(
                "{\"kind\": \"k.find\", \"queue\": \"pausable\", \"payload\":"
                    + " {\"customer\": {\"id\": 42, \"tier\": \"gold\"}, \"items\": [1, 2]}}")
            .path("id")
            .asText();
    String silver =
        docket
            .enqueue(
                "{\"kind\": \"k.find\", \"queue\": \"pausable\", \"payload\":"
                    + " {\"customer\": {\"id\": 42, \"tier\": \"silver\"}}}")
            .path("id")
            .asText();
    docket.enqueue(
        "{\"kind\": \"k.find\", \"queue\": \"pausable\", \"payload\": {\"customer\": 42}}");
    String customer = encode("{\"customer\": {\"id\": 42}}");

    assertThat(ids("/api/jobs?kind=k.find&payload=" + customer)).containsExactly(silver, gold);
    assertThat(ids("/api/jobs?kind=k.find&payload=" + encode("{\"items\": [2]}")))
        .containsExactly(gold);
    assertThat(
            docket
                .get("/api/jobs/count?kind=k.find&payload=" + customer)
                .json()
                .path("count")
                .asLong())
        .isEqualTo(2);
    var cancelled =
        docket.post(
            "/api/jobs/cancel",
            "{\"filter\": {\"kind\": \"k.find\", \"payload\": \"{\\\"customer\\\": {\\\"tier\\\":"
                + " \\\"gold\\\"}}\"}}");
    assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(200);
    assertThat(texts(cancelled.json().path("changed"))).containsExactly(gold);
  }

  @Test
  void list_andCount_findAJob_byTheShortIdTheDashboardShows() {
    String id = enqueueIn("find-id", "k.one", "red");
    enqueueIn("find-id", "k.one", "red");
    String shortId = "\u2026" + id.substring(id.length() - 12);

    assertThat(ids("/api/jobs?id=" + encode(shortId))).containsExactly(id);
    assertThat(ids("/api/jobs?queue=find-id&id=" + id.substring(id.length() - 12).toUpperCase()))
        .containsExactly(id);
    assertThat(docket.get("/api/jobs/count?id=" + id).json().path("count").asLong()).isEqualTo(1);
  }

  @Test
  void list_pagesBack_withThePreviousCursor_toTheSamePages() {
    var bulk = new StringBuilder("{\"jobs\": [");
    for (int i = 0; i < 7; i++) {
      bulk.append(i == 0 ? "" : ",").append("{\"kind\": \"k.page\", \"queue\": \"paging-back\"}");
    }
    assertThat(docket.post("/api/jobs/bulk", bulk.append("]}").toString()).status()).isEqualTo(201);
    String path = "/api/jobs?queue=paging-back&limit=3";
    var first = docket.get(path).json();
    var second = docket.get(path + "&cursor=" + first.path("nextCursor").asText()).json();
    var third = docket.get(path + "&cursor=" + second.path("nextCursor").asText()).json();
    assertThat(first.path("previousCursor").isNull()).isTrue();
    assertThat(third.path("nextCursor").isNull()).isTrue();

    var backToSecond = docket.get(path + "&cursor=" + third.path("previousCursor").asText()).json();
    var backToFirst =
        docket.get(path + "&cursor=" + backToSecond.path("previousCursor").asText()).json();

    assertThat(texts(backToSecond.path("jobs"), "id"))
        .containsExactlyElementsOf(texts(second.path("jobs"), "id"));
    assertThat(texts(backToFirst.path("jobs"), "id"))
        .containsExactlyElementsOf(texts(first.path("jobs"), "id"));
    assertThat(backToFirst.path("previousCursor").isNull()).as("back at the first page").isTrue();
    assertThat(backToFirst.path("nextCursor").asText())
        .isEqualTo(first.path("nextCursor").asText());
    var bulkBack =
        docket.post(
            "/api/jobs/cancel",
            "{\"filter\": {\"queue\": \"paging-back\"}, \"cursor\": \""
                + third.path("previousCursor").asText()
                + "\"}");
    assertThat(bulkBack.status()).as("bulk actions walk forward only").isEqualTo(400);
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  // ---- GET /api/jobs/{id}, retry -----------------------------------------------------------

  @Test
  void get_ofADeadJob_showsItsPayload_andEachErrorWithItsStackTrace() {
    String id = deadJob();

    var response = docket.get("/api/jobs/" + id);

    assertThat(response.status()).isEqualTo(200);
    JsonNode job = response.json();
    assertThat(job.path("state").asText()).isEqualTo("failed");
    assertThat(job.path("payload").path("order").asInt()).isEqualTo(7);
    assertThat(job.path("attempt").asInt()).isEqualTo(1);
    assertThat(job.path("finishedAt").isNull()).isFalse();
    assertThat(job.path("errorCount").asInt()).isEqualTo(1);
    assertThat(job.path("lastError").asText())
        .isEqualTo("java.lang.IllegalStateException: boom on attempt 1");
    JsonNode error = job.path("errors").get(0);
    assertThat(error.path("attempt").asInt()).isEqualTo(1);
    assertThat(error.path("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.path("message").asText()).isEqualTo("boom on attempt 1");
    assertThat(Instant.parse(error.path("at").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(error.path("stackTrace").asText())
        .contains("java.lang.IllegalStateException: boom on attempt 1")
        .contains("at dev.docket.http.HttpApiTest");

    JsonNode listed = docket.get("/api/jobs?kind=demo.flaky&state=failed").json().path("jobs");
    JsonNode inList =
        StreamSupport.stream(listed.spliterator(), false)
            .filter(j -> j.path("id").asText().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(inList.path("errorCount").asInt()).isEqualTo(1);
    assertThat(inList.path("lastError").asText()).contains("boom on attempt 1");
    assertThat(inList.path("errors")).isEmpty();
  }

  @Test
  void retry_ofADeadJob_putsItBackToPending_andItRunsAgain() {
    String id = deadJob();

    var response = docket.post("/api/jobs/" + id + "/retry");

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().path("state").asText()).isEqualTo("pending");
    assertThat(response.json().path("id").asText()).isEqualTo(id);
    assertThat(response.json().path("maxAttempts").asInt()).isEqualTo(2);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> RAN.contains(id));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("completed"));
    assertThat(docket.get("/api/jobs/" + id).json().path("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void retry_ofAPendingJob_isAConflict() {
    String id = enqueueIn("parked", "k.one", "t");

    var response = docket.post("/api/jobs/" + id + "/retry");

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().path("error").asText()).isEqualTo("conflict");
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void get_ofAJobThatFailedOnce_andThenCompleted_listsBothAttempts_withNodeTimesAndOutcome() {
    JsonNode enqueued =
        docket.enqueue(
            "{\"kind\": \"demo.flaky\", \"maxAttempts\": 2,"
                + " \"retry\": {\"policy\": \"fixed\", \"delay\": \"PT0.05S\"}}");
    String id = enqueued.path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("completed"));

    JsonNode job = docket.get("/api/jobs/" + id).json();

    JsonNode attempts = job.path("attempts");
    assertThat(attempts).hasSize(2);
    JsonNode first = attempts.get(0);
    JsonNode second = attempts.get(1);
    assertThat(first.path("attempt").asInt()).isEqualTo(1);
    assertThat(first.path("outcome").asText()).isEqualTo("failed");
    assertThat(first.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(first.path("errorMessage").asText()).isEqualTo("boom on attempt 1");
    assertThat(second.path("attempt").asInt()).isEqualTo(2);
    assertThat(second.path("outcome").asText()).isEqualTo("completed");
    assertThat(second.path("errorType").isNull()).isTrue();
    String node = docket.runtime.options().owner();
    for (JsonNode attempt : attempts) {
      assertThat(attempt.path("node").asText()).isEqualTo(node);
      Instant due = Instant.parse(attempt.path("dueAt").asText());
      Instant started = Instant.parse(attempt.path("startedAt").asText());
      Instant ended = Instant.parse(attempt.path("endedAt").asText());
      assertThat(started).isAfterOrEqualTo(due);
      assertThat(ended).isAfterOrEqualTo(started);
      assertThat(attempt.path("durationSeconds").asDouble())
          .isCloseTo(java.time.Duration.between(started, ended).toNanos() / 1e9, within(1e-6));
      assertThat(attempt.path("waitedSeconds").asDouble()).isGreaterThanOrEqualTo(0);
    }
    assertThat(Instant.parse(second.path("dueAt").asText()))
        .isAfterOrEqualTo(Instant.parse(first.path("endedAt").asText()));

    JsonNode listed = docket.get("/api/jobs?kind=demo.flaky&state=completed").json().path("jobs");
    assertThat(listed).allSatisfy(j -> assertThat(j.path("attempts")).isEmpty());
  }

  // ---- POST /api/jobs/{id}/rerun --------------------------------------------------------------

  @Test
  void rerun_ofACompletedJob_answers201_withANewJobOfTheSameDefinition_thatRuns() {
    JsonNode old =
        docket.enqueue(
            """
            {"kind": "demo.ok", "priority": 70, "maxAttempts": 4, "tags": ["b", "a"],
             "uniqueKey": "rerun-me", "retry": {"policy": "fixed", "delay": "PT2S"},
             "payload": {"n": 1}}""");
    String id = old.path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("completed"));

    var response = docket.post("/api/jobs/" + id + "/rerun");

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    JsonNode rerun = response.json();
    String newId = rerun.path("id").asText();
    assertThat(newId).isNotEqualTo(id);
    assertThat(rerun.path("queue").asText()).isEqualTo("default");
    assertThat(rerun.path("kind").asText()).isEqualTo("demo.ok");
    assertThat(rerun.path("priority").asInt()).isEqualTo(70);
    assertThat(rerun.path("maxAttempts").asInt()).isEqualTo(4);
    assertThat(rerun.path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(rerun.path("retry").path("delay").asText()).isEqualTo("PT2S");
    assertThat(rerun.path("payload").path("n").asInt()).isEqualTo(1);
    assertThat(rerun.path("uniqueKey").isNull()).isTrue();
    assertThat(rerun.path("attempts")).isEmpty();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> RAN.contains(newId));
    JsonNode before = docket.get("/api/jobs/" + id).json();
    assertThat(before.path("state").asText()).isEqualTo("completed");
    assertThat(before.path("uniqueKey").asText()).isEqualTo("rerun-me");
  }

  @Test
  void rerun_ofAFailedJob_answers201() {
    String id = deadJob();

    var response = docket.post("/api/jobs/" + id + "/rerun");

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    assertThat(response.json().path("kind").asText()).isEqualTo("demo.flaky");
    assertThat(docket.state(id)).isEqualTo("failed");
  }

  @Test
  void rerun_ofAPendingJob_isAConflict_andSubmitsNothing() {
    String id = enqueueIn("parked", "k.rerun", "t");

    var response = docket.post("/api/jobs/" + id + "/rerun");

    assertThat(response.status()).isEqualTo(409);
    assertThat(response.json().path("error").asText()).isEqualTo("conflict");
    assertThat(response.json().path("message").asText())
        .contains(id)
        .contains("only a finished job");
    assertThat(docket.get("/api/jobs?kind=k.rerun").json().path("jobs")).hasSize(1);
  }

  @Test
  void rerun_ofAnUnknownJob_isNotFound_andOfABadId_isABadRequest() {
    var unknown = docket.post("/api/jobs/00000000-0000-7000-8000-000000000000/rerun");
    var bad = docket.post("/api/jobs/not-an-id/rerun");

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("error").asText()).isEqualTo("not_found");
    assertThat(bad.status()).isEqualTo(400);
  }

  /** A job whose only attempt failed, now in the dead letter. */
  private static String deadJob() {
    JsonNode job =
        docket.enqueue(
            "{\"kind\": \"demo.flaky\", \"maxAttempts\": 1, \"payload\": {\"order\": 7}}");
    String id = job.path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("failed"));
    return id;
  }

  // ---- POST /api/jobs/{id}/cancel, DELETE /api/jobs/{id} -------------------------------------

  @Test
  void cancel_ofAPendingJob_cancelsIt() {
    String id = enqueueIn("parked", "k.one", "t");

    var response = docket.post("/api/jobs/" + id + "/cancel");

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().path("id").asText()).isEqualTo(id);
    assertThat(response.json().path("state").asText()).isEqualTo("cancelled");
    assertThat(response.json().path("finishedAt").isNull()).isFalse();
    assertThat(docket.state(id)).isEqualTo("cancelled");
  }

  @Test
  void cancel_ofACancelledJob_isAConflict_andOfAnUnknownJob_isNotFound() {
    String id = enqueueIn("parked", "k.one", "t");
    assertThat(docket.post("/api/jobs/" + id + "/cancel").status()).isEqualTo(200);

    var again = docket.post("/api/jobs/" + id + "/cancel");
    var unknown = docket.post("/api/jobs/" + UUID.randomUUID() + "/cancel");

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().path("error").asText()).isEqualTo("conflict");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("error").asText()).isEqualTo("not_found");
  }

  @Test
  void delete_removesTheJob_soItIsNotFoundAfterwards() {
    String id = enqueueIn("parked", "k.one", "t");

    var response = docket.delete("/api/jobs/" + id);

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().path("id").asText()).isEqualTo(id);
    var gone = docket.get("/api/jobs/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().path("error").asText()).isEqualTo("not_found");
    assertThat(docket.delete("/api/jobs/" + id).status()).isEqualTo(404);
  }

  @Test
  void delete_ofARunningJob_isAConflict_andLeavesItRunning() {
    String id =
        docket.enqueue("{\"kind\": \"demo.block\", \"queue\": \"blocking\"}").path("id").asText();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> BLOCKED.contains(id));

    var response = docket.delete("/api/jobs/" + id);

    assertThat(response.status()).as("%s", response).isEqualTo(409);
    assertThat(response.json().path("error").asText()).isEqualTo("conflict");
    assertThat(response.json().path("message").asText()).isNotBlank();
    assertThat(docket.state(id)).isEqualTo("running");
    assertThat(docket.get("/api/jobs/" + id).json().path("lease").path("owner").asText())
        .isEqualTo(docket.runtime.options().owner());
  }

  // ---- Nodes ---------------------------------------------------------------------------------

  @Test
  void nodes_listsThisNode_withItsQueues_concurrency_andKinds() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.get("/api/nodes").json().size() == 1);

    var response = docket.get("/api/nodes");

    assertThat(response.status()).isEqualTo(200);
    JsonNode node = response.json().get(0);
    assertThat(fieldNames(node))
        .containsExactly(
            "name",
            "self",
            "host",
            "version",
            "startedAt",
            "lastSeen",
            "queues",
            "kinds",
            "busy",
            "running",
            "moreRunning");
    assertThat(node.path("name").asText()).isEqualTo(docket.runtime.options().owner());
    assertThat(node.path("self").asBoolean()).isTrue();
    assertThat(node.path("host").asText()).isNotBlank();
    // The runtime jar's Implementation-Version, or null when the runtime runs from class folders.
    assertThat(
            node.path("version").isNull()
                || node.path("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"))
        .as("version %s", node.path("version"))
        .isTrue();
    assertThat(Instant.parse(node.path("lastSeen").asText()))
        .isAfterOrEqualTo(Instant.parse(node.path("startedAt").asText()));
    assertThat(node.path("queues").path("default").asInt()).isEqualTo(4);
    assertThat(node.path("queues").path("pausable").asInt()).isEqualTo(1);
    assertThat(node.path("queues").path("blocking").asInt()).isEqualTo(1);
    assertThat(StreamSupport.stream(node.path("kinds").spliterator(), false).map(JsonNode::asText))
        .containsExactly("demo.block", "demo.flaky", "demo.ok");
  }

  // ---- Queues --------------------------------------------------------------------------------

  @Test
  void queues_listsTheServedQueues_withTheirConcurrency_andQueuesThatHaveJobs() {
    enqueueIn("stats", "k.one", "t");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> names(docket.get("/api/queues").json()).contains("stats"));

    var response = docket.get("/api/queues");

    assertThat(response.status()).isEqualTo(200);
    JsonNode queues = response.json();
    assertThat(names(queues)).contains("default", "pausable", "blocking", "stats").isSorted();
    JsonNode served = byName(queues, "default");
    assertThat(served.path("concurrency").asInt()).isEqualTo(4);
    assertThat(served.path("busy").isInt()).isTrue();
    assertThat(served.path("paused").asBoolean()).isFalse();
    assertThat(fieldNames(served.path("counts")))
        .containsExactly("pending", "running", "completed", "failed", "cancelled");
    assertThat(served.path("servedBy").toString())
        .isEqualTo("[\"" + docket.runtime.options().owner() + "\"]");
    assertThat(served.path("unserved").asBoolean()).isFalse();
    JsonNode unserved = byName(queues, "stats");
    assertThat(unserved.path("concurrency").isNull()).isTrue();
    assertThat(unserved.path("busy").isNull()).isTrue();
    assertThat(unserved.path("servedBy").isArray()).isTrue();
    assertThat(unserved.path("servedBy").isEmpty()).isTrue();
    assertThat(unserved.path("unserved").asBoolean()).as("due jobs, and no node").isTrue();
  }

  @Test
  void queue_showsItsCounts_dueJobs_andOldestDueJob() {
    enqueueIn("counted", "k.one", "t");
    enqueueIn("counted", "k.one", "t");
    docket.enqueue("{\"kind\": \"k.one\", \"queue\": \"counted\", \"delay\": \"PT1H\"}");
    String cancelled = enqueueIn("counted", "k.one", "t");
    docket.post("/api/jobs/" + cancelled + "/cancel");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                docket.get("/api/queues/counted").json().path("counts").path("cancelled").asInt()
                    == 1);

    var response = docket.get("/api/queues/counted");

    assertThat(response.status()).isEqualTo(200);
    JsonNode queue = response.json();
    assertThat(queue.path("name").asText()).isEqualTo("counted");
    assertThat(queue.path("counts").path("pending").asInt()).isEqualTo(3);
    assertThat(queue.path("counts").path("cancelled").asInt()).isEqualTo(1);
    assertThat(queue.path("due").asInt()).isEqualTo(2);
    assertThat(Instant.parse(queue.path("oldestDueAt").asText())).isBefore(Instant.now());
    assertThat(queue.path("oldestDueAgeSeconds").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(queue.path("paused").asBoolean()).isFalse();
  }

  @Test
  void queue_thatNoNodeServes_andThatHasNoJobs_isNotFound() {
    var response = docket.get("/api/queues/never-heard-of");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().path("error").asText()).isEqualTo("not_found");
    assertThat(response.json().path("message").asText()).contains("never-heard-of");
  }

  @Test
  void pause_showsInTheQueuesView_andHoldsItsJobsUntilResume() {
    var paused = docket.post("/api/queues/pausable/pause");
    assertThat(paused.status()).as("%s", paused).isEqualTo(200);
    assertThat(paused.json().path("name").asText()).isEqualTo("pausable");
    assertThat(paused.json().path("paused").asBoolean()).isTrue();
    assertThat(docket.get("/api/queues/pausable").json().path("paused").asBoolean()).isTrue();
    assertThat(byName(docket.get("/api/queues").json(), "pausable").path("paused").asBoolean())
        .isTrue();

    String id =
        docket.enqueue("{\"kind\": \"demo.ok\", \"queue\": \"pausable\"}").path("id").asText();
    // The pool polls every 50 ms: for a second it has had many chances to claim the job.
    Awaitility.await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> !RAN.contains(id) && docket.state(id).equals("pending"));

    var resumed = docket.post("/api/queues/pausable/resume");
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.json().path("paused").asBoolean()).isFalse();
    assertThat(docket.get("/api/queues/pausable").json().path("paused").asBoolean()).isFalse();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> RAN.contains(id));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("completed"));
  }

  // ---- Schedules -----------------------------------------------------------------------------

  @Test
  void schedules_listsTheRegisteredSchedule_andGetShowsIt() {
    var list = docket.get("/api/schedules");
    var one = docket.get("/api/schedules/tick");

    assertThat(list.status()).isEqualTo(200);
    assertThat(names(list.json())).containsExactly("tick");
    assertThat(one.status()).isEqualTo(200);
    JsonNode schedule = one.json();
    assertThat(schedule.path("name").asText()).isEqualTo("tick");
    assertThat(schedule.path("trigger").asText()).isEqualTo("every PT8784H");
    assertThat(schedule.path("kind").asText()).isEqualTo("demo.tick");
    assertThat(schedule.path("queue").asText()).isEqualTo("scheduled");
    assertThat(schedule.has("lastSlot")).isTrue();
    var unknown = docket.get("/api/schedules/nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("error").asText()).isEqualTo("not_found");
  }

  @Test
  void disable_stopsTheSchedule_andEnable_startsItAgain() {
    var disabled = docket.post("/api/schedules/tick/disable");
    assertThat(disabled.status()).as("%s", disabled).isEqualTo(200);
    assertThat(disabled.json().path("enabled").asBoolean()).isFalse();
    assertThat(disabled.json().path("nextSlot").isNull()).isTrue();
    assertThat(docket.get("/api/schedules/tick").json().path("enabled").asBoolean()).isFalse();

    var enabled = docket.post("/api/schedules/tick/enable");
    assertThat(enabled.status()).isEqualTo(200);
    assertThat(enabled.json().path("enabled").asBoolean()).isTrue();
    assertThat(Instant.parse(enabled.json().path("nextSlot").asText())).isAfter(Instant.now());
    assertThat(docket.get("/api/schedules/tick").json().path("enabled").asBoolean()).isTrue();
  }

  @Test
  void run_enqueuesTheSchedulesJobNow() {
    var response = docket.post("/api/schedules/tick/run");

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    JsonNode job = response.json();
    assertThat(job.path("kind").asText()).isEqualTo("demo.tick");
    assertThat(job.path("queue").asText()).isEqualTo("scheduled");
    assertThat(job.path("state").asText()).isEqualTo("pending");
    assertThat(job.path("payload").path("from").asText()).isEqualTo("schedule");
    assertThat(Instant.parse(job.path("runAt").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(ids("/api/jobs?queue=scheduled")).contains(job.path("id").asText());
    var unknown = docket.post("/api/schedules/nope/run");
    assertThat(unknown.status()).isEqualTo(404);
  }

  // ---- Throughput, health, metrics, OpenAPI ---------------------------------------------------

  @Test
  void throughput_countsCompletedJobs_inFiveSecondBuckets_overTenMinutes() {
    String id = docket.enqueue("{\"kind\": \"demo.ok\"}").path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("completed"));

    var response = docket.get("/api/throughput");

    assertThat(response.status()).isEqualTo(200);
    JsonNode throughput = response.json();
    assertThat(throughput.path("bucket").asText()).isEqualTo("PT5S");
    assertThat(throughput.path("completed")).hasSize(120);
    assertThat(throughput.path("failed")).hasSize(120);
    long completed =
        StreamSupport.stream(throughput.path("completed").spliterator(), false)
            .mapToLong(JsonNode::asLong)
            .sum();
    assertThat(completed).isPositive();
    Instant start = Instant.parse(throughput.path("start").asText());
    assertThat(Duration.between(start, Instant.now()))
        .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(11));
  }

  @Test
  void history_countsEveryNodesAttempts_perMinuteOverTheLastHour_andNarrowsToAKind() {
    String kind = "demo.ok";
    long before = docket.get("/api/history").json().path("total").path("completed").asLong();
    String id = docket.enqueue("{\"kind\": \"%s\"}".formatted(kind)).path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("completed"));

    // Nodes add their counts every few seconds.
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                docket.get("/api/history").json().path("total").path("completed").asLong()
                    > before);
    var response = docket.get("/api/history?range=hour&kind=" + kind);

    assertThat(response.status()).isEqualTo(200);
    JsonNode history = response.json();
    assertThat(history.path("range").asText()).isEqualTo("hour");
    assertThat(history.path("stepSeconds").asLong()).isEqualTo(60);
    assertThat(history.path("kind").asText()).isEqualTo(kind);
    assertThat(history.path("queue").isNull()).as("no queue filter").isTrue();
    assertThat(history.path("points")).hasSize(60);
    JsonNode total = history.path("total");
    assertThat(total.path("completed").asLong()).isPositive();
    assertThat(total.path("runP50Ms").isNumber()).isTrue();
    assertThat(total.path("waitP95Ms").asDouble())
        .isGreaterThanOrEqualTo(total.path("waitP50Ms").asDouble());
    assertThat(history.path("kinds").toString()).contains(kind);
    Instant from = Instant.parse(history.path("from").asText());
    Instant to = Instant.parse(history.path("to").asText());
    assertThat(Duration.between(from, to)).isEqualTo(Duration.ofHours(1));
    assertThat(
            docket
                .get("/api/history?range=week&kind=no.such.kind")
                .json()
                .path("total")
                .path("completed")
                .asLong())
        .isZero();
  }

  @Test
  void health_live_andReady_sayUp_whileTheRuntimeRuns() {
    var live = docket.send(docket.anonymous("/health/live").GET());
    var ready = docket.send(docket.anonymous("/health/ready").GET());

    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().path("status").asText()).isEqualTo("up");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("up");
  }

  @Test
  void metrics_countEnqueuedAndCompletedJobs_byQueueAndKind_andShowQueueDepth() {
    String id =
        docket.enqueue("{\"kind\": \"demo.ok\", \"queue\": \"default\"}").path("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.state(id).equals("completed"));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scrape().body().contains("docket_queue_depth{queue=\"default\"}"));

    var response = scrape();

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/plain");
    assertThat(sample(response.body(), "docket_jobs_enqueued_total", "default", "demo.ok"))
        .isGreaterThanOrEqualTo(1);
    assertThat(sample(response.body(), "docket_jobs_completed_total", "default", "demo.ok"))
        .isGreaterThanOrEqualTo(1);
    assertThat(response.body()).contains("# TYPE docket_queue_depth gauge");
  }

  private static HttpFixture.Response scrape() {
    return docket.send(docket.anonymous("/metrics").GET());
  }

  /** The value of the sample of {@code metric} with these queue and kind labels. */
  private static double sample(String scrape, String metric, String queue, String kind) {
    Matcher line =
        Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    while (line.find()) {
      String labels = line.group(1);
      if (labels.contains("queue=\"" + queue + "\"") && labels.contains("kind=\"" + kind + "\"")) {
        return Double.parseDouble(line.group(2));
      }
    }
    throw new AssertionError(
        "No sample " + metric + " for " + queue + "/" + kind + " in:\n" + scrape);
  }

  @Test
  void openApi_isServedAsJson() {
    var response = docket.send(docket.anonymous("/openapi.json").GET());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("application/json");
    JsonNode document = response.json();
    assertThat(document.path("openapi").asText()).startsWith("3.");
    assertThat(fieldNames(document.path("paths"))).contains("/api/jobs", "/api/jobs/{id}");
  }

  // ---- Helpers -------------------------------------------------------------------------------

  private static String enqueueIn(String queue, String kind, String tag) {
    return docket
        .enqueue(
            "{\"kind\": \"%s\", \"queue\": \"%s\", \"tags\": [\"%s\"]}".formatted(kind, queue, tag))
        .path("id")
        .asText();
  }

  /** The ids of the jobs on the first page of {@code path}, which must answer 200. */
  private static List<String> ids(String path) {
    var response = docket.get(path);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    return texts(response.json().path("jobs"), "id");
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static List<String> texts(JsonNode array, String field) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(node -> node.path(field).asText())
        .toList();
  }

  private static List<String> names(JsonNode array) {
    return texts(array, "name");
  }

  private static List<String> fieldNames(JsonNode object) {
    var names = new ArrayList<String>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode byName(JsonNode array, String name) {
    return StreamSupport.stream(array.spliterator(), false)
        .filter(node -> node.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No " + name + " in " + array));
  }
}
