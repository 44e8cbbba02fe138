package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.AbstractModule;
import dev.docket.domain.JobState;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acting on many jobs through the API: counting a filter's matches, and retrying, cancelling and
 * deleting by ids or by a filter a page at a time, with every kind of bad request refused before
 * anything changes. Each test uses queues of its own on one server on the memory store.
 */
class BulkApiTest {
  static final JobType<JsonNode> BROKEN = JobType.of("bulk.broken", JsonNode.class);
  static final JobType<JsonNode> OK = JobType.of("bulk.ok", JsonNode.class);

  static HttpFixture docket;

  @BeforeAll
  static void start() {
    var options =
        RuntimeOptions.builder()
            .queue("dying", 2)
            .queue("dying-too", 2)
            .queue("dying-once", 1)
            .queue("dying-grouped", 1)
            .queue("finishing", 2)
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
                    .toInstance(
                        HandlerBinding.of(
                            BROKEN,
                            (p, c) -> {
                              throw new NonRetryableException("broken for good");
                            }));
                handlers.addBinding().toInstance(HandlerBinding.of(OK, (p, c) -> {}));
              }
            });
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  /** Submits {@code count} jobs of {@code type} to {@code queue}, one attempt each. */
  private static List<String> submit(JobType<JsonNode> type, String queue, int count) {
    var requests = new ArrayList<JobRequest>();
    for (int i = 0; i < count; i++) {
      requests.add(JobRequest.ofJson(type.kind(), "{}").queue(queue).maxAttempts(1).build());
    }
    return docket.runtime.client().submitAll(requests).stream()
        .map(job -> job.id().toString())
        .toList();
  }

  private static long count(String query) {
    var response = docket.get("/api/jobs/count?" + query);
    assertThat(response.status()).as("%s", response).isEqualTo(200);
    return response.json().path("count").asLong();
  }

  private static void awaitCount(String query, long expected) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(count(query)).isEqualTo(expected));
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static String idsBody(List<String> ids) {
    return ids.stream()
        .map(id -> "\"" + id + "\"")
        .collect(Collectors.joining(",", "{\"ids\":[", "]}"));
  }

  @Test
  void count_countsAFiltersMatches_andTakesDeadAsFailed() {
    submit(BROKEN, "dying", 7);
    awaitCount("queue=dying&state=failed", 7);

    var response = docket.get("/api/jobs/count?queue=dying&state=dead");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("count").asLong()).isEqualTo(7);
    assertThat(response.json().path("atLeast").asBoolean()).isFalse();
    assertThat(count("queue=dying&state=completed")).isZero();
  }

  @Test
  void countAndList_tellDueJobsFromScheduledOnes() {
    docket.runtime.client().submit(JobRequest.ofJson("unserved", "{}").queue("waiting").build());
    docket
        .runtime
        .client()
        .submit(
            JobRequest.ofJson("unserved", "{}")
                .queue("waiting")
                .delay(Duration.ofHours(2))
                .build());

    assertThat(count("queue=waiting&state=due")).isEqualTo(1);
    assertThat(count("queue=waiting&state=scheduled")).isEqualTo(1);
    assertThat(count("queue=waiting&state=pending")).isEqualTo(2);
    var scheduled = docket.get("/api/jobs?queue=waiting&state=scheduled").json().path("jobs");
    assertThat(scheduled).hasSize(1);
    assertThat(scheduled.get(0).path("state").asText()).isEqualTo("pending");
  }

  @Test
  void errors_groupAFiltersJobsByTheirLastError_andTheErrorFilterListsAGroup() {
    submit(BROKEN, "dying-grouped", 4);
    awaitCount("queue=dying-grouped&state=failed", 4);

    var groups = docket.get("/api/jobs/errors?queue=dying-grouped&state=dead");
    var byError =
        docket.get(
            "/api/jobs/count?queue=dying-grouped&error=dev.docket.usecase.NonRetryableException");

    assertThat(groups.status()).as("%s", groups).isEqualTo(200);
    assertThat(groups.json()).hasSize(1);
    assertThat(groups.json().get(0).path("type").asText())
        .isEqualTo("dev.docket.usecase.NonRetryableException");
    assertThat(groups.json().get(0).path("count").asLong()).isEqualTo(4);
    assertThat(groups.json().get(0).path("message").asText()).isEqualTo("broken for good");
    assertThat(byError.json().path("count").asLong()).isEqualTo(4);
    assertThat(count("queue=dying-grouped&error=java.io.IOException")).isZero();
    assertThat(docket.get("/api/jobs/errors?queue=nobody").json()).isEmpty();
    assertThat(docket.get("/api/jobs/errors?cursor=abc").json().path("error").asText())
        .isEqualTo("invalid_parameter");
    assertThat(docket.get("/api/jobs/count?error=" + "x".repeat(301)).status()).isEqualTo(400);
  }

  @Test
  void retryByFilter_actsOnOnePageAtATime_andTheCursorFinishesTheRest() {
    List<String> dead = submit(BROKEN, "dying-too", 5);
    submit(OK, "finishing", 2);
    awaitCount("queue=dying-too&state=failed", 5);
    awaitCount("queue=finishing&state=completed", 2);
    docket.runtime.pause("dying-too"); // the retried jobs stay pending, to be counted

    var first =
        docket.post(
            "/api/jobs/retry",
            "{\"filter\": {\"queue\": \"dying-too\", \"state\": \"dead\"}, \"limit\": 2}");

    assertThat(first.status()).as("%s", first).isEqualTo(200);
    assertThat(first.header("HX-Trigger")).isPresent();
    assertThat(first.json().path("changed")).hasSize(2);
    assertThat(first.json().path("skipped")).isEmpty();
    String cursor = first.json().path("nextCursor").asText();
    assertThat(cursor).isNotBlank();
    var retried = new ArrayList<>(texts(first.json().path("changed")));
    while (!cursor.isEmpty()) {
      var next =
          docket.post(
              "/api/jobs/retry",
              "{\"filter\": {\"queue\": \"dying-too\", \"state\": \"failed\"}, \"limit\": 2,"
                  + " \"cursor\": \""
                  + cursor
                  + "\"}");
      assertThat(next.status()).as("%s", next).isEqualTo(200);
      retried.addAll(texts(next.json().path("changed")));
      cursor =
          next.json().path("nextCursor").isNull() ? "" : next.json().path("nextCursor").asText();
    }

    assertThat(retried).containsExactlyInAnyOrderElementsOf(dead);
    assertThat(count("queue=dying-too&state=failed")).isZero();
    assertThat(count("queue=dying-too&state=pending")).isEqualTo(5);
    assertThat(count("queue=finishing&state=completed")).as("other jobs").isEqualTo(2);

    var again =
        docket.post(
            "/api/jobs/retry", "{\"filter\": {\"queue\": \"dying-too\", \"state\": \"dead\"}}");
    assertThat(again.json().path("changed")).as("repeated: nothing is dead any more").isEmpty();
    assertThat(again.json().path("nextCursor").isNull()).isTrue();
  }

  @Test
  void actingOnIds_reportsWhatItChanged_andWhyItSkippedTheRest() {
    List<String> pending =
        docket
            .runtime
            .client()
            .submitAll(
                List.of(
                    JobRequest.ofJson("unserved", "{}").queue("to-cancel").build(),
                    JobRequest.ofJson("unserved", "{}").queue("to-cancel").build()))
            .stream()
            .map(job -> job.id().toString())
            .toList();
    String missing = UUID.randomUUID().toString();
    var ids = new ArrayList<>(pending);
    ids.add(missing);

    var cancelled = docket.post("/api/jobs/cancel", idsBody(ids));
    var deleted = docket.post("/api/jobs/delete", idsBody(ids));

    assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(200);
    assertThat(texts(cancelled.json().path("changed"))).containsExactlyElementsOf(pending);
    assertThat(cancelled.json().path("skipped")).hasSize(1);
    assertThat(cancelled.json().path("skipped").get(0).path("id").asText()).isEqualTo(missing);
    assertThat(cancelled.json().path("skipped").get(0).path("reason").asText()).contains("no job");
    assertThat(cancelled.json().path("nextCursor").isNull()).isTrue();
    assertThat(texts(deleted.json().path("changed"))).containsExactlyElementsOf(pending);
    assertThat(count("queue=to-cancel")).isZero();
  }

  @Test
  void badBulkRequests_areRefused_andChangeNothing() {
    List<String> dead = submit(BROKEN, "dying-once", 1);
    awaitCount("queue=dying-once&state=failed", 1);
    String some = dead.getFirst();
    String tooMany =
        idsBody(
            IntStream.rangeClosed(0, 1_000).mapToObj(i -> UUID.randomUUID().toString()).toList());

    assertRefused("/api/jobs/retry", "{}", 400, "invalid_request");
    assertRefused(
        "/api/jobs/retry",
        "{\"ids\": [\"" + some + "\"], \"filter\": {\"state\": \"failed\"}}",
        400,
        "invalid_request");
    assertRefused("/api/jobs/retry", "{\"ids\": []}", 400, "invalid_request");
    assertRefused("/api/jobs/retry", "{\"ids\": [\"" + some + "\", \"nope\"]}", 400, "invalid_id");
    assertRefused("/api/jobs/retry", "{\"ids\": [null]}", 400, "invalid_id");
    assertRefused("/api/jobs/retry", tooMany, 413, "too_many_jobs");
    assertRefused(
        "/api/jobs/retry", "{\"ids\": [\"" + some + "\"], \"limit\": 5}", 400, "invalid_request");
    assertRefused("/api/jobs/delete", "{\"filter\": {}}", 400, "invalid_request");
    assertRefused(
        "/api/jobs/delete", "{\"filter\": {\"colour\": \"red\"}}", 400, "invalid_parameter");
    assertRefused(
        "/api/jobs/delete", "{\"filter\": {\"state\": \"gone\"}}", 400, "invalid_parameter");
    assertRefused("/api/jobs/delete", "{\"filter\": {\"state\": \"\"}}", 400, "invalid_parameter");
    assertRefused(
        "/api/jobs/delete",
        "{\"filter\": {\"state\": \"failed\"}, \"limit\": 0}",
        400,
        "invalid_parameter");
    assertRefused(
        "/api/jobs/delete",
        "{\"filter\": {\"state\": \"failed\"}, \"limit\": 1001}",
        400,
        "invalid_parameter");
    assertRefused(
        "/api/jobs/delete",
        "{\"filter\": {\"state\": \"failed\"}, \"cursor\": \"abc\"}",
        400,
        "invalid_cursor");
    assertRefused("/api/jobs/cancel", "{\"ids\": [", 400, "invalid_json");
    assertRefused(
        "/api/jobs/cancel", "{\"ids\": [\"" + some + "\"], \"all\": true}", 400, "unknown_field");

    var anonymous =
        docket.send(
            docket
                .anonymous("/api/jobs/delete")
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(idsBody(dead))));
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(docket.runtime.client().get(dev.docket.domain.JobId.parse(some)).state())
        .as("after every refusal")
        .isEqualTo(JobState.FAILED);
    assertThat(docket.get("/api/jobs/count?state=bogus").status()).isEqualTo(400);
    assertThat(docket.get("/api/jobs/count?state=bogus").json().path("message").asText())
        .contains("failed (or dead)");
    assertThat(docket.get("/api/jobs/count?limit=5").json().path("error").asText())
        .isEqualTo("invalid_parameter");
  }

  private static void assertRefused(String path, String body, int status, String error) {
    var response = docket.post(path, body);
    assertThat(response.status()).as("%s %s: %s", path, body, response).isEqualTo(status);
    assertThat(response.json().path("error").asText()).as("%s", response).isEqualTo(error);
  }
}
