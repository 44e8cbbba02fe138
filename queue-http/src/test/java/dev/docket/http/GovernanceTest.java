package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.AbstractModule;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import dev.docket.usecase.port.AuditEntry;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Governance: a read-only token next to the admin one, read-only dashboard sessions, and the audit
 * log of every change made through the API and the dashboard. One server on the memory store; each
 * test uses queues of its own, and reads only the audit entries written after it began.
 */
class GovernanceTest {
  static final String READ_TOKEN = "governance-read-only-token-9f8e7d6c";
  static final JobType<JsonNode> BROKEN = JobType.of("gov.broken", JsonNode.class);

  static HttpFixture docket;

  @BeforeAll
  static void start() {
    var options =
        RuntimeOptions.builder()
            .queue("gov", 2)
            .queue("gov-bulk", 2)
            .queue("gov-ro", 2)
            .pollInterval(Duration.ofMillis(50))
            .build();
    docket =
        HttpFixture.start(
            options,
            HttpFixture.httpOptions().readOnlyToken(READ_TOKEN).build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(
                            BROKEN,
                            (p, c) -> {
                              throw new NonRetryableException("broken for good");
                            }));
                DocketModule.schedules(binder())
                    .addBinding()
                    .toInstance(
                        // Its slots are 366 days apart: it fires only when asked to.
                        Schedule.every(
                            "gov-tick",
                            Duration.ofDays(366),
                            JobRequest.ofJson("gov.tick", "{}").queue("gov-ticks").build()));
              }
            });
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  // ---- Helpers -------------------------------------------------------------------------------

  /** {@code count} jobs of {@code queue} that failed for good, by id. */
  private static List<String> failedJobs(String queue, int count) {
    var ids = new ArrayList<String>();
    for (int i = 0; i < count; i++) {
      ids.add(
          docket
              .runtime
              .client()
              .submit(JobRequest.ofJson(BROKEN.kind(), "{}").queue(queue).maxAttempts(1).build())
              .id()
              .toString());
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ids.stream().allMatch(id -> docket.state(id).equals("failed")));
    return ids;
  }

  private static HttpFixture.Response asReader(HttpRequest.Builder request) {
    return docket.send(request.setHeader("Authorization", "Bearer " + READ_TOKEN));
  }

  /** The newest audit entry's id now: entries after it are the test's. */
  private static long lastAuditId() {
    return docket.runtime.store().auditLog().list(1, Long.MAX_VALUE).stream()
        .mapToLong(AuditEntry::id)
        .findFirst()
        .orElse(0);
  }

  /** The audit entries written after {@code mark}, oldest first. */
  private static List<AuditEntry> auditSince(long mark) {
    var entries = new ArrayList<>(docket.runtime.store().auditLog().list(1_000, Long.MAX_VALUE));
    entries.removeIf(e -> e.id() <= mark);
    java.util.Collections.reverse(entries);
    return entries;
  }

  private static String route(String template, String id, String queue) {
    return template
        .replace("{id}", id)
        .replace("{name}", template.startsWith("/api/schedules/") ? "gov-tick" : queue);
  }

  private static HttpFixture.Response login(String token) {
    return docket.send(
        docket
            .anonymous("/login")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&next=/")));
  }

  private static String sessionCookie(String token) {
    var login = login(token);
    assertThat(login.status()).as("%s", login).isEqualTo(303);
    return login.headers("Set-Cookie").stream()
        .filter(c -> c.startsWith(Access.SESSION_COOKIE + "="))
        .findFirst()
        .orElseThrow()
        .split(";")[0];
  }

  private static HttpFixture.Response page(String cookie, String path) {
    return docket.send(docket.anonymous(path).header("Cookie", cookie).GET());
  }

  // ---- The read-only token -------------------------------------------------------------------

  @Test
  void theReadOnlyToken_readsEveryGetRouteOfTheApi() {
    String id = failedJobs("gov-ro", 1).get(0);
    var routes =
        docket.server.routeList().stream()
            .filter(r -> r.startsWith("GET /api/") && !r.equals("GET /api/events"))
            .map(r -> r.substring(4))
            .toList();
    assertThat(routes).contains("/api/jobs", "/api/audit", "/api/queues/{name}");

    for (String template : routes) {
      var response = asReader(docket.anonymous(route(template, id, "gov-ro")).GET());
      assertThat(response.status()).as("GET %s: %s", template, response).isEqualTo(200);
    }
  }

  @Test
  void theReadOnlyToken_isRefusedEveryChange_with403_andChangesNothing() {
    String id = failedJobs("gov-ro", 1).get(0);
    long jobsBefore =
        docket.runtime.client().count(dev.docket.usecase.port.JobQuery.builder().build(), 1000);
    long mark = lastAuditId();
    var routes =
        docket.server.routeList().stream()
            .filter(r -> r.startsWith("POST /api/") || r.startsWith("DELETE /api/"))
            .toList();
    assertThat(routes)
        .contains(
            "POST /api/jobs",
            "POST /api/jobs/retry",
            "POST /api/jobs/{id}/retry",
            "POST /api/jobs/{id}/rerun",
            "DELETE /api/jobs/{id}",
            "POST /api/queues/{name}/pause",
            "POST /api/schedules/{name}/run",
            "POST /api/schedules/{name}/disable");

    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' '));
      String path = route(route.substring(route.indexOf(' ') + 1), id, "gov-ro");
      String body =
          path.equals("/api/jobs")
              ? "{\"kind\":\"gov.x\",\"payload\":{}}"
              : path.equals("/api/jobs/bulk")
                  ? "{\"jobs\":[{\"kind\":\"gov.x\",\"payload\":{}}]}"
                  : "{\"ids\":[\"" + id + "\"]}";
      var response =
          asReader(
              docket
                  .anonymous(path)
                  .header("Content-Type", "application/json")
                  .method(method, HttpRequest.BodyPublishers.ofString(body)));
      assertThat(response.status()).as("%s: %s", route, response).isEqualTo(403);
      assertThat(response.json().path("error").asText()).isEqualTo("forbidden");
      assertThat(response.json().path("message").asText())
          .isEqualTo("This credential may only read.");
    }

    assertThat(docket.state(id)).isEqualTo("failed");
    assertThat(docket.runtime.pausedQueues()).doesNotContain("gov-ro");
    assertThat(docket.get("/api/schedules/gov-tick").json().path("enabled").asBoolean()).isTrue();
    assertThat(
            docket.runtime.client().count(dev.docket.usecase.port.JobQuery.builder().build(), 1000))
        .isEqualTo(jobsBefore);
    assertThat(auditSince(mark))
        .as("refused attempts are recorded, as refused")
        .hasSize(routes.size())
        .allSatisfy(
            e -> {
              assertThat(e.actor()).isEqualTo("read-only token");
              assertThat(e.status()).isEqualTo(403);
            });
  }

  @Test
  void aReadOnlyToken_thatIsTheAdminToken_orWeak_isRefused() {
    assertThatThrownBy(
            () ->
                HttpOptions.builder()
                    .token(HttpFixture.TOKEN)
                    .readOnlyToken(HttpFixture.TOKEN)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read-only API token is the same as the API token")
        .hasMessageNotContaining(HttpFixture.TOKEN);
    assertThatThrownBy(() -> HttpOptions.builder().readOnlyToken("aaaaaaaaaaaaaaaaaaaa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("The read-only API token is refused: ")
        .hasMessageNotContaining("aaaaaaaaaaaaaaaaaaaa");
  }

  // ---- Read-only dashboard sessions ----------------------------------------------------------

  @Test
  void aReadOnlySession_seesEveryPage_withoutActionButtons() {
    String id = failedJobs("gov-ro", 1).get(0);
    String reader = sessionCookie(READ_TOKEN);
    String admin = sessionCookie(HttpFixture.TOKEN);
    var pages =
        List.of(
            "/", "/jobs", "/jobs?state=failed&queue=gov-ro", "/jobs/" + id, "/schedules", "/audit");

    for (String path : pages) {
      var seen = page(reader, path);
      assertThat(seen.status()).as("%s: %s", path, seen).isEqualTo(200);
      assertThat(seen.body())
          .as(path)
          .contains("read-only")
          .doesNotContain(
              "hx-post=\"/api", "hx-delete=\"/api", "data-bulk-action", "data-matching-action");
    }
    // The same pages show the actions to an admin session: the check above can fail.
    assertThat(page(admin, "/jobs/" + id).body())
        .contains("hx-post=\"/api/jobs/" + id + "/retry\"");
    assertThat(page(admin, "/").body()).contains("hx-post=\"/api/queues/gov-ro/pause\"");
    assertThat(page(admin, "/schedules").body())
        .contains("hx-post=\"/api/schedules/gov-tick/run\"");
    assertThat(page(admin, "/jobs?state=failed&queue=gov-ro").body())
        .contains("data-bulk-action", "data-matching-action");
    assertThat(page(admin, "/").body()).doesNotContain("badge read-only");
  }

  @Test
  void aReadOnlySession_isRefusedAChange_evenWithItsCsrfValue() {
    String id = failedJobs("gov-ro", 1).get(0);
    String reader = sessionCookie(READ_TOKEN);
    String csrf = HttpFixture.csrfOf(page(reader, "/"));

    var response =
        docket.send(
            docket
                .anonymous("/api/jobs/" + id + "/retry")
                .header("Cookie", reader)
                .header(Access.CSRF_HEADER, csrf)
                .header("Origin", docket.origin())
                .POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(response.status()).as("%s", response).isEqualTo(403);
    assertThat(response.json().path("message").asText())
        .isEqualTo("This credential may only read.");
    assertThat(docket.state(id)).isEqualTo("failed");
  }

  // ---- The audit log -------------------------------------------------------------------------

  @Test
  void aRetry_aBulkRetryByFilter_aPause_andAScheduleRun_eachLeaveOneEntry() {
    String single = failedJobs("gov", 1).get(0);
    failedJobs("gov-bulk", 3);
    long mark = lastAuditId();

    assertThat(docket.post("/api/jobs/" + single + "/retry").status()).isEqualTo(200);
    var bulk =
        docket.post(
            "/api/jobs/retry", "{\"filter\":{\"state\":\"failed\",\"queue\":\"gov-bulk\"}}");
    assertThat(bulk.status()).as("%s", bulk).isEqualTo(200);
    assertThat(docket.post("/api/queues/gov/pause").status()).isEqualTo(200);
    var run = docket.post("/api/schedules/gov-tick/run");
    assertThat(run.status()).isEqualTo(201);
    docket.post("/api/queues/gov/resume");

    List<AuditEntry> entries = auditSince(mark);
    assertThat(entries)
        .extracting(e -> e.actor() + " | " + e.action() + " | " + e.target() + " | " + e.status())
        .containsExactly(
            "admin token | POST /api/jobs/{id}/retry | job " + single + " | 200",
            "admin token | POST /api/jobs/retry | filter {queue=gov-bulk, state=failed}: 3"
                + " changed, 0 skipped | 200",
            "admin token | POST /api/queues/{name}/pause | queue gov | 200",
            "admin token | POST /api/schedules/{name}/run | schedule gov-tick: job "
                + run.json().path("id").asText()
                + " | 201",
            "admin token | POST /api/queues/{name}/resume | queue gov | 200");
    assertThat(entries).allSatisfy(e -> assertThat(e.at()).isNotNull());
  }

  @Test
  void aRerun_isRecorded_withTheFinishedJob_andTheNewOne() {
    String id = failedJobs("gov", 1).get(0);
    long mark = lastAuditId();

    var rerun = docket.post("/api/jobs/" + id + "/rerun");

    assertThat(rerun.status()).as("%s", rerun).isEqualTo(201);
    assertThat(auditSince(mark))
        .extracting(e -> e.actor() + " | " + e.action() + " | " + e.target() + " | " + e.status())
        .containsExactly(
            "admin token | POST /api/jobs/{id}/rerun | job "
                + id
                + ": new job "
                + rerun.json().path("id").asText()
                + " | 201");
  }

  @Test
  void aChangeThatFails_isRecordedWithItsStatus() {
    long mark = lastAuditId();
    String unknown = "00000000-0000-7000-8000-000000000000";

    assertThat(docket.post("/api/jobs/" + unknown + "/retry").status()).isEqualTo(404);

    assertThat(auditSince(mark))
        .extracting(e -> e.action() + " " + e.target() + " " + e.status())
        .containsExactly("POST /api/jobs/{id}/retry job " + unknown + " 404");
  }

  @Test
  void aBrowserSessionsChange_isRecordedUnderItsSessionId() {
    String id = failedJobs("gov", 1).get(0);
    String cookie = sessionCookie(HttpFixture.TOKEN);
    String csrf = HttpFixture.csrfOf(page(cookie, "/"));
    long mark = lastAuditId();

    var response =
        docket.send(
            docket
                .anonymous("/api/jobs/" + id + "/retry")
                .header("Cookie", cookie)
                .header(Access.CSRF_HEADER, csrf)
                .header("Origin", docket.origin())
                .POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(auditSince(mark))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).matches("session [0-9a-f]{8}");
              assertThat(e.actor()).doesNotContain(cookie.substring(cookie.indexOf('=') + 1));
              assertThat(e.target()).isEqualTo("job " + id);
            });
  }

  @Test
  void getAudit_needsACredential_andBothTokensMayReadIt() {
    docket.post("/api/queues/gov/resume");

    var anonymous = docket.send(docket.anonymous("/api/audit").GET());
    var admin = docket.get("/api/audit");
    var reader = asReader(docket.anonymous("/api/audit").GET());

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(admin.status()).isEqualTo(200);
    assertThat(reader.status()).isEqualTo(200);
    JsonNode first = admin.json().path("entries").get(0);
    assertThat(first.path("action").asText()).isNotEmpty();
    assertThat(first.path("actor").asText()).isNotEmpty();
    assertThat(first.path("at").asText()).isNotEmpty();
    assertThat(first.path("id").asText()).matches("[0-9]+");
  }

  @Test
  void getAudit_pagesNewestFirst_withBefore() {
    docket.post("/api/queues/gov/resume");
    docket.post("/api/queues/gov/resume");

    var first = docket.get("/api/audit?limit=1").json();
    String before = first.path("nextBefore").asText();
    var second = docket.get("/api/audit?limit=1&before=" + before).json();

    assertThat(first.path("entries")).hasSize(1);
    assertThat(first.path("entries").get(0).path("id").asText()).isEqualTo(before);
    assertThat(second.path("entries")).hasSize(1);
    assertThat(Long.parseLong(second.path("entries").get(0).path("id").asText()))
        .isLessThan(Long.parseLong(before));
  }

  @Test
  void getAudit_refusesBadParameters_with400() {
    for (String query :
        List.of(
            "limit=0",
            "limit=1001",
            "limit=many",
            "before=0",
            "before=yesterday",
            "before=-3",
            "after=1",
            "limit=1&limit=2")) {
      var response = docket.get("/api/audit?" + query);
      assertThat(response.status()).as("%s: %s", query, response).isEqualTo(400);
      assertThat(response.json().path("error").asText()).isEqualTo("invalid_parameter");
    }
  }

  @Test
  void theAuditPage_showsTheEntries_andTheNavLinksToIt() {
    docket.post("/api/queues/gov/resume");
    String cookie = sessionCookie(HttpFixture.TOKEN);

    var audit = page(cookie, "/audit");

    assertThat(audit.status()).isEqualTo(200);
    assertThat(audit.body())
        .contains(
            "<h1>Audit log</h1>", "POST /api/queues/{name}/resume", "queue gov", "admin token");
    assertThat(page(cookie, "/").body()).contains("href=\"/audit\"");
  }

  @Test
  void enqueueing_isRecordedWithTheNewJob_butNeverItsPayload() {
    long mark = lastAuditId();

    JsonNode job =
        docket.enqueue(
            "{\"kind\":\"gov.x\",\"queue\":\"gov-ro\",\"payload\":{\"secret\":\"s3cr3t\"}}");

    assertThat(auditSince(mark))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo("POST /api/jobs");
              assertThat(e.target()).contains(job.path("id").asText()).doesNotContain("s3cr3t");
              assertThat(e.status()).isEqualTo(201);
            });
  }
}
