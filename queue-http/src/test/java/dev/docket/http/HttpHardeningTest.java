package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.runtime.RuntimeOptions;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a black-box probe of the server found, each closed: the login reads no large body, time
 * filters no store can hold are a 400, no method override, sessions end at logout, wrong tokens are
 * slowed down, malformed requests are counted rather than logged, API bodies are JSON, error
 * messages speak our words, and every code they carry is documented.
 */
class HttpHardeningTest {
  static HttpFixture docket;
  static HttpFixture proxied;

  @BeforeAll
  static void start() {
    docket = HttpFixture.start(RuntimeOptions.defaults(), HttpFixture.httpOptions().build());
    proxied =
        HttpFixture.start(
            RuntimeOptions.defaults(),
            HttpFixture.httpOptions().trustProxy(true).openOnLocalhost(true).build());
  }

  @AfterAll
  static void stop() {
    docket.close();
    proxied.close();
  }

  @AfterEach
  void forgiveWrongTokens() {
    docket.forgiveWrongTokens();
    proxied.forgiveWrongTokens();
  }

  // ---- 1. The login reads a small body only ---------------------------------------------------

  @Test
  void login_withADeclaredBodyOverItsCap_is413_beforeTheBodyIsSent() throws Exception {
    // Only the start of the body follows the head: a server that read it all would never answer.
    try (var socket = new java.net.Socket("127.0.0.1", docket.port())) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(
              ("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Content-Type: application/x-www-form-urlencoded\r\n"
                      + "Content-Length: 15000000\r\n\r\ntoken=")
                  .getBytes(StandardCharsets.US_ASCII));
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

      assertThat(in.readLine()).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void login_withAChunkedBodyOverItsCap_is413() {
    byte[] chunk = ("token=" + "a".repeat(HttpOptions.MAX_LOGIN_BODY_BYTES)).getBytes();
    byte[] body =
        (Integer.toHexString(chunk.length) + "\r\n" + new String(chunk) + "\r\n0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    var response =
        docket.raw(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\n",
            body);

    assertThat(response.status()).as("%s", response).isEqualTo(413);
  }

  @Test
  void login_withAFormJustUnderItsCap_isStillRead() {
    String next = "/jobs?kind=" + "k".repeat(HttpOptions.MAX_LOGIN_BODY_BYTES - 200);

    var response = login(docket, HttpFixture.TOKEN, next, null);

    assertThat(response.status()).as("%s", response).isEqualTo(303);
    assertThat(response.header("Location")).hasValue(next);
  }

  // ---- 2. Times no store can hold --------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "createdFrom=%2B294277-01-01T00:00:00Z",
        "createdBefore=%2B294277-01-01T00:00:00Z",
        "createdFrom=-4714-11-24T00:00:00Z",
        "createdBefore=%2B10000-01-01T00:00:00Z"
      })
  void aListTimeFilter_beyondWhatStoresHold_is400_withOurOwnMessage(String query) {
    var response = docket.get("/api/jobs?" + query);

    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.json().path("error").asText()).isEqualTo("invalid_parameter");
    assertThat(response.json().path("message").asText())
        .contains("is out of range: use a time from 0001-01-01T00:00:00Z to 9999-12-31");
  }

  @Test
  void theDashboardsJobList_withSuchATime_saysWhatIsWrong() {
    String cookie = sessionCookie(login(docket, HttpFixture.TOKEN, "/", null));

    var page =
        docket.send(
            docket
                .anonymous("/jobs?createdFrom=%2B294277-01-01T00:00:00Z")
                .header("Cookie", cookie)
                .GET());

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("is out of range").doesNotContain("portal");
  }

  // ---- 3. No method override -------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"})
  void aGetOrHead_withAMethodOverrideHeader_changesNothing(String header) {
    String id = docket.enqueue("{\"kind\": \"k\", \"queue\": \"override\"}").path("id").asText();

    var get = docket.send(docket.request("/api/jobs/" + id).header(header, "DELETE").GET());
    var getCancel =
        docket.send(docket.request("/api/jobs/" + id + "/cancel").header(header, "POST").GET());
    var head =
        docket.send(
            docket
                .request("/api/jobs/" + id)
                .header(header, "DELETE")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    var getPause =
        docket.send(docket.request("/api/queues/override/pause").header(header, "POST").GET());

    assertThat(get.status()).as("%s", get).isEqualTo(200);
    assertThat(getCancel.status()).as("%s", getCancel).isEqualTo(405);
    assertThat(head.status()).as("%s", head).isEqualTo(405);
    assertThat(getPause.status()).as("%s", getPause).isEqualTo(405);
    assertThat(docket.state(id)).isEqualTo("pending");
    assertThat(docket.get("/api/queues/override").json().path("paused").asBoolean()).isFalse();
  }

  @Test
  void aPost_withAMethodOverrideHeader_doesWhatItsOwnMethodSays() {
    String id = docket.enqueue("{\"kind\": \"k\", \"queue\": \"override\"}").path("id").asText();

    var cancel =
        docket.send(
            docket
                .request("/api/jobs/" + id + "/cancel")
                .header("X-HTTP-Method-Override", "DELETE")
                .POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(cancel.status()).as("%s", cancel).isEqualTo(200);
    assertThat(docket.state(id)).as("cancelled, not deleted").isEqualTo("cancelled");
  }

  // ---- 7. Wrong tokens are slowed down ---------------------------------------------------------

  @Test
  void wrongTokens_fromOneAddress_are429AfterAFew_evenTheRightOne_untilTheWaitIsOver() {
    for (int i = 0; i <= AuthThrottle.FREE_FAILURES; i++) {
      assertThat(wrongToken(docket).status()).isEqualTo(401);
    }

    var refused = docket.get("/api/queues");

    assertThat(refused.status()).as("%s", refused).isEqualTo(429);
    assertThat(refused.json().path("error").asText()).isEqualTo("too_many_failures");
    assertThat(refused.header("Retry-After")).hasValue("1");
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> docket.get("/api/queues").status() == 200);
  }

  @Test
  void wrongTokens_onTheLoginPage_areSlowedDownToo_andABurstIsLoggedOnce() {
    try (var log = JulCapture.of(AuthThrottle.class)) {
      for (int i = 0; i <= AuthThrottle.FREE_FAILURES; i++) {
        assertThat(login(docket, "not-the-token-" + i, "/", null).status()).isEqualTo(401);
      }
      for (int i = 0; i < 5; i++) {
        assertThat(login(docket, "not-the-token-at-all", "/", null).status()).isEqualTo(429);
      }

      var right = login(docket, HttpFixture.TOKEN, "/", null);

      assertThat(right.status()).as("%s", right).isEqualTo(429);
      assertThat(right.headers("Set-Cookie")).noneMatch(c -> c.startsWith(Access.SESSION_COOKIE));
      assertThat(log.lines(Level.WARNING))
          .singleElement()
          .asString()
          .contains("Client 127.0.0.1 sent a wrong token 6 times in a row");
    }
  }

  @Test
  void wrongTokens_onADashboardPage_areCountedAndSlowedDownLikeOnTheApi() {
    for (int i = 0; i <= AuthThrottle.FREE_FAILURES; i++) {
      var page =
          docket.send(docket.anonymous("/").header("Authorization", "Bearer guess-" + i).GET());
      assertThat(page.status()).as("%s", page).isEqualTo(303);
    }

    var right = docket.send(docket.request("/").GET());

    assertThat(right.status()).as("%s", right).isEqualTo(429);
  }

  // ---- 8. Malformed requests are counted, not logged each --------------------------------------

  @Test
  void malformedRequests_areCountedInAMetric_andLoggedAtMostOnceAMinute() {
    double before = malformedCount();
    try (var log = JulCapture.of(MalformedRequests.class)) {
      for (int i = 0; i < 3; i++) {
        assertThat(
                docket
                    .raw(
                        "GET /api/jobs?"
                            + "a".repeat(20_000)
                            + " HTTP/1.1\r\n"
                            + "Host: 127.0.0.1\r\n",
                        new byte[0])
                    .status())
            .isIn(400, 414, 431);
        assertThat(
                docket
                    .raw(
                        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                            + "b".repeat(20_000)
                            + "\r\n",
                        new byte[0])
                    .status())
            .isIn(400, 431);
        assertThat(
                docket
                    .raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n", new byte[0])
                    .status())
            .isEqualTo(400);
        assertThat(docket.raw("GET / HTTP/1.1\r\nHost: 127.0.0.1:99999\r\n", new byte[0]).status())
            .isEqualTo(400);
      }

      assertThat(malformedCount() - before).isEqualTo(12);
      assertThat(log.lines(Level.INFO)).hasSizeLessThanOrEqualTo(1);
    }
  }

  private static double malformedCount() {
    var metrics = docket.send(docket.anonymous("/metrics").GET());
    return metrics
        .body()
        .lines()
        .filter(l -> l.startsWith("docket_http_malformed_requests_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No malformed-request counter in /metrics"));
  }

  // ---- Bodies are JSON, errors speak our words, every code is documented -----------------------

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "", "text/json"})
  void anApiBody_thatDoesNotSayItIsJson_is415_andStoresNothing(String type) {
    var request =
        docket
            .request("/api/jobs")
            .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"k\",\"queue\":\"type415\"}"));
    if (!type.isEmpty()) {
      request.header("Content-Type", type);
    }

    var response = docket.send(request);

    assertThat(response.status()).as("%s", response).isEqualTo(415);
    assertThat(response.json().path("error").asText()).isEqualTo("unsupported_media_type");
    assertThat(docket.get("/api/jobs?queue=type415").json().path("jobs")).isEmpty();
  }

  @Test
  void anApiBody_sentAsJsonWithACharset_isAccepted() {
    var response =
        docket.send(
            docket
                .request("/api/jobs")
                .header("Content-Type", "Application/JSON; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"k\",\"queue\":\"typed\"}")));

    assertThat(response.status()).as("%s", response).isEqualTo(201);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "{\"kind\":\"k\",\"payload\":{\"n\":1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111}}",
        "{\"kind\":\"k\",\"kind\":\"j\"}",
        "{\"kind\":\"k\",\"payload\":NaN}",
        "{\"kind\":\"k\",\"payload\":01}",
        "{\"kind\":\"k\",\"payload\":'single'}",
        "{\"kind\":\"k\"",
        "{\"kind\":\"k\",\"payload\":\"a\u0001b\"}",
        "{\"kind\":\"k\",\"payload\":[1,]}",
        "{kind:\"k\"}",
        "{\"kind\":\"k\"} // comment",
        "{\"kind\":\"k\",\"priority\":1.5}",
        "{\"kind\":\"k\",\"runAt\":\"soon\"}",
        "{\"kind\":\"k\",\"delay\":\"P99999999999D\"}",
        "{\"kind\":\"k\",\"tags\":\"one\"}"
      })
  void refusedBodies_areExplainedInOurWords_namingNoLibraryInternals(String body) {
    var response = docket.post("/api/jobs", body);

    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.json().path("message").asText())
        .isNotBlank()
        .doesNotContainIgnoringCase("jackson")
        .doesNotContainIgnoringCase("fasterxml")
        .doesNotContain("Feature", "Constraints", "`", "JsonToken", "java.", "exception");
  }

  @Test
  void aBulkWithANulInOneJobsPayload_namesThatJobsIndex() {
    var response =
        docket.post(
            "/api/jobs/bulk",
            "{\"jobs\":[{\"kind\":\"k\"},{\"kind\":\"k\"},{\"kind\":\"k\",\"payload\":{\"s\":\"a\\u0000b\"}}]}");

    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.json().path("error").asText()).isEqualTo("invalid_payload");
    assertThat(response.json().path("message").asText()).startsWith("Job [2]: ").contains("NUL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\u202E", "\\u202A", "\\u2066", "\\u2069", "\\u200F", "\\u0085"})
  void aUniqueKey_withABidiOrControlCharacter_isRefused(String escape) {
    var response =
        docket.post(
            "/api/jobs",
            "{\"kind\":\"k\",\"queue\":\"bidi\",\"uniqueKey\":\"invoice-" + escape + "fdp.exe\"}");

    assertThat(response.status()).as("%s", response).isEqualTo(400);
    assertThat(response.json().path("error").asText()).isEqualTo("invalid_job");
    assertThat(docket.get("/api/jobs?queue=bidi").json().path("jobs")).isEmpty();
  }

  @Test
  void everyErrorCodeTheServerProduces_isDocumented_andNoOther() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "operations.md"));
    int start = doc.indexOf("### Error codes");
    assertThat(start).as("docs/operations.md has an Error codes section").isNotNegative();
    String section = doc.substring(start, doc.indexOf("\n## ", start));
    Set<String> documented =
        Pattern.compile("(?m)^\\| `([a-z_]+)` \\|")
            .matcher(section)
            .results()
            .map(m -> m.group(1))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> produced =
        Arrays.stream(ErrorCode.values())
            .map(ErrorCode::wire)
            .collect(Collectors.toCollection(TreeSet::new));

    assertThat(documented).isEqualTo(produced);
  }

  // ---- Secure cookies and a trusted proxy ------------------------------------------------------

  @Test
  void theSessionCookie_isSecure_whenATrustedProxySaysTheBrowserUsedHttps() {
    String plain = sessionSetCookie(login(proxied, HttpFixture.TOKEN, "/", null));
    String https = sessionSetCookie(login(proxied, HttpFixture.TOKEN, "/", "https"));
    String untrusted = sessionSetCookie(login(docket, HttpFixture.TOKEN, "/", "https"));

    assertThat(plain.toLowerCase(Locale.ROOT)).doesNotContain("; secure");
    assertThat(https.toLowerCase(Locale.ROOT)).contains("; secure");
    assertThat(untrusted.toLowerCase(Locale.ROOT)).doesNotContain("; secure");
  }

  @Test
  void theSessionCookie_isAlwaysSecure_whenTheOptionsSaySo() {
    try (var secure =
        HttpFixture.start(
            RuntimeOptions.defaults(), HttpFixture.httpOptions().secureCookies(true).build())) {
      String cookie = sessionSetCookie(login(secure, HttpFixture.TOKEN, "/", null));

      assertThat(cookie.toLowerCase(Locale.ROOT)).contains("; secure");
    }
  }

  @Test
  void behindATrustedProxy_aForwardedClient_isNotLocal_soOpenModeDoesNotLetItIn() {
    var local = proxied.send(proxied.anonymous("/").GET());
    var forwarded =
        proxied.send(proxied.anonymous("/").header("X-Forwarded-For", "203.0.113.5").GET());

    assertThat(local.status()).as("%s", local).isEqualTo(200);
    assertThat(forwarded.status()).as("%s", forwarded).isEqualTo(303);
  }

  // ---- Helpers ---------------------------------------------------------------------------------

  private static HttpFixture.Response wrongToken(HttpFixture fixture) {
    return fixture.send(
        fixture.anonymous("/api/queues").header("Authorization", "Bearer wrong-wrong-wrong").GET());
  }

  static HttpFixture.Response login(HttpFixture fixture, String token, String next, String proto) {
    var request =
        fixture
            .anonymous("/login")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token="
                        + URLEncoder.encode(token, StandardCharsets.UTF_8)
                        + "&next="
                        + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    if (proto != null) {
      request.header("X-Forwarded-Proto", proto);
    }
    return fixture.send(request);
  }

  static String sessionSetCookie(HttpFixture.Response response) {
    return response.headers("Set-Cookie").stream()
        .filter(c -> c.startsWith(Access.SESSION_COOKIE + "="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No session cookie set: " + response));
  }

  static String sessionCookie(HttpFixture.Response response) {
    return sessionSetCookie(response).split(";")[0].strip();
  }
}
