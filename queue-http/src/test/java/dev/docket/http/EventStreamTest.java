package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.AbstractModule;
import dev.docket.domain.JobState;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/events}: what a client of the stream gets, and what the server keeps for it. */
class EventStreamTest {
  static final JobType<JsonNode> REPORT = JobType.of("demo.report", JsonNode.class);
  static final JobType<JsonNode> NOOP = JobType.of("demo.noop", JsonNode.class);
  static final Duration WAIT = Duration.ofSeconds(20);

  /** A job stored, then claimed. */
  static final List<String> CREATED_THEN_RUN =
      List.of("created:pending", "state:running", "progress:running", "state:completed");

  /**
   * A job handed to a free slot of this node as it is stored: one change, created already running.
   */
  static final List<String> HANDED_OFF_THEN_RUN =
      List.of("created:running", "progress:running", "state:completed");

  /** What a report handler returns. */
  record Summary(int pages, String title) {}

  static HttpFixture docket;
  static HttpClient http;

  @BeforeAll
  static void start() {
    var options =
        RuntimeOptions.builder()
            .queue("default", 4)
            .queue("other", 2)
            .queue("bulk", 8)
            .pollInterval(Duration.ofMillis(50))
            .build();
    docket =
        HttpFixture.start(
            options,
            HttpFixture.httpOptions().eventHeartbeat(Duration.ofMillis(200)).build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                var handlers = DocketModule.handlers(binder());
                handlers
                    .addBinding()
                    .toInstance(
                        HandlerBinding.withResult(
                            REPORT,
                            (payload, context) -> {
                              context.progress(50, "page 3 of 6");
                              return new Summary(6, payload.path("title").asText());
                            }));
                handlers.addBinding().toInstance(HandlerBinding.of(NOOP, (payload, context) -> {}));
              }
            });
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    http.close();
    docket.close();
  }

  private static SseStream open(String query, String... headers) {
    var all = new ArrayList<String>(List.of("Authorization", "Bearer " + HttpFixture.TOKEN));
    all.addAll(List.of(headers));
    return SseStream.open(http, docket.uri("/api/events" + query), all.toArray(String[]::new));
  }

  private static String tag() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String submitReport(String tag, String title) {
    return docket
        .runtime
        .client()
        .submit(JobRequest.ofJson(REPORT.kind(), "{\"title\":\"" + title + "\"}").tags(tag).build())
        .id()
        .toString();
  }

  private static boolean completed(SseStream.Event event) {
    return event.name().equals("job") && event.json().path("state").asText().equals("completed");
  }

  @Test
  void aJobsChanges_arriveInOrder_asIdsAndStates_withoutPayloadOrResult() {
    String tag = tag();
    try (var stream = open("?tag=" + tag)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
      String id = submitReport(tag, "secret-title-of-the-payload");

      var events = stream.until(EventStreamTest::completed, WAIT);

      assertThat(events)
          .extracting(e -> e.json().path("type").asText() + ":" + e.json().path("state").asText())
          .isIn(CREATED_THEN_RUN, HANDED_OFF_THEN_RUN);
      assertThat(events).allSatisfy(e -> assertThat(e.name()).isEqualTo("job"));
      assertThat(events).allSatisfy(e -> assertThat(e.json().path("jobId").asText()).isEqualTo(id));
      assertThat(events).allSatisfy(e -> assertThat(e.id()).matches("[0-9a-f]{8}-\\d+"));
      assertThat(events).allSatisfy(e -> assertThat(e.data()).doesNotContain("secret-title"));
      assertThat(events.get(2).json().path("progress").path("percent").asInt()).isEqualTo(50);
      assertThat(events.get(2).json().path("progress").path("message").asText())
          .isEqualTo("page 3 of 6");
      assertThat(events.getLast().json().path("kind").asText()).isEqualTo(REPORT.kind());
      assertThat(events.getLast().json().path("tags")).extracting(JsonNode::asText).isNotNull();
    }
  }

  @Test
  void theApiShowsAJobsResultAndProgress_andListsLeaveTheResultOut() {
    String tag = tag();
    try (var stream = open("?tag=" + tag)) {
      String id = submitReport(tag, "Quarterly");
      stream.until(EventStreamTest::completed, WAIT);
    }
    var job =
        docket.runtime.client().list(dev.docket.usecase.port.JobQuery.builder().tag(tag).build());
    String id = job.jobs().getFirst().id().toString();

    JsonNode view = docket.get("/api/jobs/" + id).json();
    assertThat(view.path("result").path("title").asText()).isEqualTo("Quarterly");
    assertThat(view.path("result").path("pages").asInt()).isEqualTo(6);
    assertThat(view.path("progress").path("percent").asInt()).isEqualTo(50);
    assertThat(view.path("progress").path("message").asText()).isEqualTo("page 3 of 6");

    JsonNode list = docket.get("/api/jobs?tag=" + tag).json();
    assertThat(list.path("jobs").get(0).path("result").isNull()).isTrue();
    assertThat(list.path("jobs").get(0).path("progress").path("percent").asInt()).isEqualTo(50);
  }

  @Test
  void theFilter_passesOnlyTheQueuesAsked() {
    String tag = tag();
    try (var stream = open("?tag=" + tag + "&queue=other")) {
      docket.runtime.client().submit(JobRequest.ofJson(NOOP.kind(), "{}").tags(tag).build());
      String other =
          docket
              .runtime
              .client()
              .submit(JobRequest.ofJson(NOOP.kind(), "{}").queue("other").tags(tag).build())
              .id()
              .toString();

      var events = stream.until(EventStreamTest::completed, WAIT);

      assertThat(events)
          .allSatisfy(e -> assertThat(e.json().path("queue").asText()).isEqualTo("other"));
      assertThat(events)
          .allSatisfy(e -> assertThat(e.json().path("jobId").asText()).isEqualTo(other));
    }
  }

  @Test
  void aStatisticsStream_getsEachQueuesCountsAndOldestDueAge_andNoJobEvents() {
    // Nobody serves queue "waiting": its job stays due, and ages.
    try (var stream = open("?stats=true&changes=false&queue=waiting")) {
      docket.runtime.client().submit(JobRequest.ofJson(NOOP.kind(), "{}").queue("waiting").build());

      var events =
          stream.until(e -> e.name().equals("stats") && e.json().path("queues").size() == 1, WAIT);

      assertThat(events).allSatisfy(e -> assertThat(e.name()).isEqualTo("stats"));
      JsonNode waiting = events.getLast().json().path("queues").get(0);
      assertThat(waiting.path("name").asText()).isEqualTo("waiting");
      assertThat(waiting.path("counts").path("pending").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(waiting.path("due").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(waiting.path("oldestDueAgeSeconds").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(waiting.path("oldestDueAt").isTextual()).isTrue();
    }
  }

  @Test
  void aClientThatReconnectsWithLastEventId_getsTheEventsItMissed_andOnlyThose() {
    String tag = tag();
    String lastId;
    String first;
    try (var stream = open("?tag=" + tag)) {
      first = submitReport(tag, "one");
      lastId = stream.until(EventStreamTest::completed, WAIT).getLast().id();
    }
    String second = submitReport(tag, "two");
    await()
        .atMost(WAIT)
        .until(
            () ->
                docket.runtime.client().get(dev.docket.domain.JobId.parse(second)).state()
                    == JobState.COMPLETED);

    try (var resumed = open("?tag=" + tag, "Last-Event-ID", lastId)) {
      var events = resumed.until(EventStreamTest::completed, WAIT);

      assertThat(events)
          .extracting(e -> e.json().path("type").asText() + ":" + e.json().path("state").asText())
          .isIn(CREATED_THEN_RUN, HANDED_OFF_THEN_RUN);
      assertThat(events)
          .allSatisfy(e -> assertThat(e.json().path("jobId").asText()).isEqualTo(second))
          .noneSatisfy(e -> assertThat(e.json().path("jobId").asText()).isEqualTo(first));
    }
  }

  @Test
  void aLastEventIdThisNodeDoesNotKeep_getsAMissedEvent() {
    try (var stream = open("?tag=" + tag(), "Last-Event-ID", "0badcafe-12")) {
      var event = stream.next(WAIT);

      assertThat(event.name()).isEqualTo("missed");
      assertThat(event.json().path("reason").asText()).contains("read what you show afresh");
    }
  }

  @Test
  void badFilters_areRefused_sayingWhatIsWrong() {
    assertThat(docket.get("/api/events?colour=red").status()).isEqualTo(400);
    assertThat(docket.get("/api/events?colour=red").json().path("error").asText())
        .isEqualTo("invalid_parameter");
    assertThat(docket.get("/api/events?stats=maybe").json().path("message").asText())
        .contains("not true or false");
    assertThat(docket.get("/api/events?jobId=xyz").json().path("error").asText())
        .isEqualTo("invalid_id");
    assertThat(docket.get("/api/events?queue=has%20space").status()).isEqualTo(400);
    assertThat(docket.get("/api/events?stats=true&stats=false").status()).isEqualTo(400);
  }

  @Test
  void withoutTheRightToken_theStreamIsRefused() {
    var none = SseStream.open(http, docket.uri("/api/events"));
    var wrong =
        SseStream.open(
            http, docket.uri("/api/events"), "Authorization", "Bearer wrong-token-0123456789abcd");
    docket.forgiveWrongTokens();

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.errorBody().path("error").asText()).isEqualTo("unauthorized");
    assertThat(wrong.status()).isEqualTo(401);
  }

  @Test
  void anIdleStream_getsKeepAliveComments() {
    try (var stream = open("?tag=" + tag())) {
      await().atMost(WAIT).until(() -> stream.comments() >= 3);
    }
  }

  @Test
  void fiveHundredIdleClients_shareOneSubscription_allHearAChange_andFreeTheirPlacesWhenTheyGo() {
    String tag = tag();
    // Streams of the tests before are noticed gone at their next keep-alive.
    await().atMost(WAIT).until(() -> docket.server.openEventStreams() == 0);
    int before = 0;
    var streams = new ArrayList<SseStream>();
    try {
      for (int i = 0; i < 500; i++) {
        streams.add(open("?tag=" + tag));
      }
      assertThat(streams).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
      // each is registered just after its headers went out
      await().atMost(WAIT).until(() -> docket.server.openEventStreams() == before + 500);
      assertThat(docket.runtime.subscriptions().subscriberCount()).isEqualTo(1);

      docket.runtime.client().submit(JobRequest.ofJson(NOOP.kind(), "{}").tags(tag).build());

      for (var stream : streams) {
        assertThat(stream.next(WAIT).json().path("type").asText()).isEqualTo("created");
      }
    } finally {
      streams.forEach(SseStream::close);
    }
    // A client that went away is noticed at the latest at the next keep-alive.
    await().atMost(WAIT).until(() -> docket.server.openEventStreams() == before);
  }

  @Test
  void aClientThatDoesNotRead_isDropped_withASignal_whileEveryJobStillRuns() throws Exception {
    String tag = tag();
    var slow =
        SseStream.connect(
            http,
            docket.uri("/api/events?tag=" + tag),
            "Authorization",
            "Bearer " + HttpFixture.TOKEN);
    try {
      var requests = new ArrayList<JobRequest>();
      for (int i = 0; i < 20_000; i++) {
        requests.add(JobRequest.ofJson(NOOP.kind(), "{}").queue("bulk").tags(tag).build());
        if (requests.size() == 1_000) {
          docket.runtime.client().submitAll(requests);
          requests.clear();
        }
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  docket.runtime.stats().stream()
                          .filter(s -> s.queue().equals("bulk"))
                          .mapToLong(s -> s.count(JobState.COMPLETED))
                          .sum()
                      == 20_000);

      slow.startReading();
      var events = slow.toEnd(Duration.ofSeconds(60));

      assertThat(events.getLast().name()).isEqualTo("dropped");
      assertThat(events.getLast().json().path("reason").asText()).contains("was dropped");
      assertThat(events.size()).isLessThan(60_000);
    } finally {
      slow.close();
    }
  }

  @Test
  void theStreamsSubscription_isReleasedAfterTheLastStreamGoes() {
    docket.server.eventLinger(Duration.ofMillis(100));
    try {
      try (var stream = open("?tag=" + tag())) {
        // the headers go out first, then the stream is registered
        await().atMost(WAIT).until(docket.server::eventsSubscribed);
      }
      await().atMost(WAIT).until(() -> docket.server.openEventStreams() == 0);
      await().atMost(WAIT).until(() -> !docket.server.eventsSubscribed());
      assertThat(docket.runtime.subscriptions().subscriberCount()).isZero();

      try (var again = open("?tag=" + tag())) {
        assertThat(again.status()).isEqualTo(200);
        await().atMost(WAIT).until(docket.server::eventsSubscribed);
      }
    } finally {
      docket.server.eventLinger(EventStreams.LINGER);
    }
  }

  @Test
  void aStatisticsOnlyStream_holdsNoChangeFeed_soTheStoreSendsNoChanges() {
    try (var own =
        HttpFixture.start(
            RuntimeOptions.builder().queue("default", 1).build(),
            HttpFixture.httpOptions().build())) {
      own.runtime.client().submit(JobRequest.ofJson(NOOP.kind(), "{}").queue("idle").build());
      try (var stream =
          SseStream.open(
              http,
              own.uri("/api/events?stats=true&changes=false"),
              "Authorization",
              "Bearer " + HttpFixture.TOKEN)) {
        var event = stream.next(WAIT);

        assertThat(event.name()).isEqualTo("stats");
        assertThat(event.json().path("queues").findValuesAsText("name")).contains("idle");
        assertThat(own.server.eventsSubscribed()).isFalse();
        assertThat(own.runtime.subscriptions().subscriberCount()).isZero();
      }
    }
  }

  @Test
  void oneStreamOverTheLimit_isRefusedWith503_untilOneCloses_andClosingTheServerEndsThem() {
    try (var small =
        HttpFixture.start(
            RuntimeOptions.builder().queue("default", 1).build(),
            HttpFixture.httpOptions()
                .maxEventStreams(2)
                .eventHeartbeat(Duration.ofMillis(200))
                .build())) {
      URI uri = small.uri("/api/events");
      String[] auth = {"Authorization", "Bearer " + HttpFixture.TOKEN};
      var first = SseStream.open(http, uri, auth);
      var second = SseStream.open(http, uri, auth);
      var third = SseStream.open(http, uri, auth);

      assertThat(third.status()).isEqualTo(503);
      assertThat(third.errorBody().path("error").asText()).isEqualTo("too_many_streams");

      first.close();
      await().atMost(WAIT).until(() -> small.server.openEventStreams() == 1);
      var fourth = SseStream.open(http, uri, auth);
      assertThat(fourth.status()).isEqualTo(200);

      small.server.close();
      await().atMost(WAIT).until(() -> second.ended() && fourth.ended());
    }
  }

  @Test
  void theJobPage_showsProgressAndResult_andNamesItsStream() {
    String tag = tag();
    String id;
    try (var stream = open("?tag=" + tag)) {
      id = submitReport(tag, "Annual");
      stream.until(EventStreamTest::completed, WAIT);
    }

    var page = docket.send(docket.request("/jobs/" + id));

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("data-events=\"/api/events?jobId=" + id + "\"");
    assertThat(page.body()).contains("<progress max=\"100\" value=\"50\"");
    assertThat(page.body()).contains("page 3 of 6");
    assertThat(page.body()).contains("id=\"job-result\"").contains("Annual");
    // A finished job changes only when someone acts on it, which its stream says: no polling.
    assertThat(page.body())
        .contains("hx-trigger=\"docket-live, docket-changed from:body\">")
        .doesNotContain("every 30s");
  }
}
