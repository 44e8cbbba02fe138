package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.runtime.RuntimeOptions;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@link HttpOptions#openOnLocalhost()}, the dashboard opens without the token to a browser on
 * this machine, but only when the request names this machine in its {@code Host} header too: a
 * hostile name that resolves to 127.0.0.1 (DNS rebinding) does not count as local. Each such
 * browser gets a local session of its own with its own CSRF value; it opens the dashboard's pages
 * and the API routes of its buttons, nothing else. Changes still need the session's CSRF header and
 * our own origin.
 */
class HttpLocalhostTest {
  static HttpFixture docket;

  @BeforeAll
  static void start() {
    docket =
        HttpFixture.start(
            RuntimeOptions.defaults(), HttpFixture.httpOptions().openOnLocalhost(true).build());
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  @Test
  void dashboard_opensWithoutAToken_forTheLoopbackAddress() {
    var page = docket.send(docket.anonymous("/").GET());

    assertThat(page.status()).as("%s", page).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(HttpFixture.csrfOf(page)).isNotBlank();
  }

  @Test
  void dashboard_opensWithoutAToken_forLocalhostByName() {
    var page = raw("GET", "/", "localhost:" + docket.port(), List.of(), "");

    assertThat(page.status()).as("%s", page).isEqualTo(200);
    assertThat(HttpFixture.csrfOf(page)).isNotBlank();
  }

  @Test
  void dashboard_withTheHostOfAnotherName_redirectsToTheLogin_andShowsNoCsrfValue() {
    for (String host :
        List.of(
            "evil.example:" + docket.port(),
            "evil.example",
            "127.0.0.1.evil.example:" + docket.port(),
            "localhost.evil.example:" + docket.port())) {
      var page = raw("GET", "/", host, List.of(), "");

      assertThat(page.status()).as("Host %s: %s", host, page).isEqualTo(303);
      assertThat(page.header("Location"))
          .as(host)
          .hasValueSatisfying(l -> assertThat(l).startsWith("/login"));
      assertThat(page.body()).doesNotContain("docket-csrf");
    }
  }

  @Test
  void eachBrowser_getsALocalSessionOfItsOwn_withItsOwnCsrfValue() {
    var one = LocalSession.open();
    var two = LocalSession.open();

    assertThat(one.cookie()).isNotEqualTo(two.cookie());
    assertThat(one.csrf()).isNotEqualTo(two.csrf());
    assertThat(one.setCookie().toLowerCase(java.util.Locale.ROOT))
        .contains("; httponly")
        .contains("; samesite=strict");
    String id = docket.enqueue(job("local-mixed")).path("id").asText();

    var mixed = cancel(id, one.cookie(), two.csrf(), docket.origin());

    assertThat(mixed.status()).as("%s", mixed).isEqualTo(403);
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aPage_withAWrongToken_getsNoLocalSession_forAWrongTokenIsAWrongToken() {
    var page =
        docket.send(
            docket.anonymous("/").header("Authorization", "Bearer wrong-wrong-wrong").GET());
    docket.forgiveWrongTokens();

    assertThat(page.status()).as("%s", page).isEqualTo(303);
    assertThat(page.headers("Set-Cookie")).noneMatch(c -> c.startsWith(Access.SESSION_COOKIE));
  }

  @Test
  void api_withoutTheLocalSessionsCookie_isRefusedWith401_evenFromTheLoopbackAddress() {
    var response = docket.send(docket.anonymous("/api/queues").GET());

    assertThat(response.status()).as("%s", response).isEqualTo(401);
  }

  @Test
  void aLocalSession_opensTheEventStreamItsPagesListenTo() {
    var local = LocalSession.open();
    var client = java.net.http.HttpClient.newHttpClient();
    try (var stream =
        SseStream.open(
            client, docket.uri("/api/events?stats=true&changes=false"), "Cookie", local.cookie())) {
      assertThat(stream.status()).isEqualTo(200);
    } finally {
      client.close();
    }
    try (var stranger =
        SseStream.connect(java.net.http.HttpClient.newHttpClient(), docket.uri("/api/events"))) {
      assertThat(stranger.status()).isEqualTo(401);
    }
  }

  @Test
  void aLocalSession_opensTheDashboardsActions_butNotTheRestOfTheApi() {
    var local = LocalSession.open();

    var chart =
        docket.send(docket.anonymous("/api/throughput").header("Cookie", local.cookie()).GET());
    var list = docket.send(docket.anonymous("/api/jobs").header("Cookie", local.cookie()).GET());
    var queues =
        docket.send(docket.anonymous("/api/queues").header("Cookie", local.cookie()).GET());
    var enqueue =
        docket.send(
            docket
                .anonymous("/api/jobs")
                .header("Cookie", local.cookie())
                .header(Access.CSRF_HEADER, local.csrf())
                .header("Origin", docket.origin())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(job("local-enqueue"))));

    assertThat(chart.status()).as("%s", chart).isEqualTo(200);
    for (var refused : List.of(list, queues, enqueue)) {
      assertThat(refused.status()).as("%s", refused).isEqualTo(403);
      assertThat(refused.json().path("error").asText()).isEqualTo("forbidden");
    }
    assertThat(jobsIn("local-enqueue")).isZero();
  }

  @Test
  void aLocalChange_withoutTheCsrfHeader_is403_andChangesNothing() {
    var local = LocalSession.open();
    String id = docket.enqueue(job("local-nocsrf")).path("id").asText();

    var response = cancel(id, local.cookie(), null, null);

    assertThat(response.status()).as("%s", response).isEqualTo(403);
    assertThat(response.json().path("error").asText()).isEqualTo("csrf");
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aLocalChange_withThePagesCsrfHeader_isDone() {
    var local = LocalSession.open();
    String id = docket.enqueue(job("local-csrf")).path("id").asText();

    var response = cancel(id, local.cookie(), local.csrf(), docket.origin());

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(docket.state(id)).isEqualTo("cancelled");
  }

  @Test
  void aLocalChange_fromAnotherOrigin_is403_evenWithTheCsrfHeader() {
    var local = LocalSession.open();
    String id = docket.enqueue(job("local-cross")).path("id").asText();

    var response = cancel(id, local.cookie(), local.csrf(), "http://evil.example");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().path("error").asText()).isEqualTo("cross_site");
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aRebindingPagesChange_isRefused_evenWithAValidCookieAndCsrfValue() {
    // Suppose the page on evil.example got the cookie and the CSRF value: its Host gives it away.
    var local = LocalSession.open();
    String id = docket.enqueue(job("local-rebind")).path("id").asText();
    String host = "evil.example:" + docket.port();

    var response =
        raw(
            "POST",
            "/api/jobs/" + id + "/cancel",
            host,
            List.of(
                "Cookie: " + local.cookie(),
                Access.CSRF_HEADER + ": " + local.csrf(),
                "Origin: http://" + host,
                "Content-Length: 0"),
            "");

    assertThat(response.status()).as("%s", response).isEqualTo(401);
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aLocalChange_byAnAlteredPath_neverSkipsTheCsrfCheck() {
    // The API's checks apply to paths under /api/; a path that reached an API handler without
    // looking like one would skip them. None of these may cancel the job.
    for (String path :
        List.of(
            "//api/jobs/ID/cancel",
            "/%61pi/jobs/ID/cancel",
            "/./api/jobs/ID/cancel",
            "/x/../api/jobs/ID/cancel",
            "/api;x/jobs/ID/cancel",
            "/API/jobs/ID/cancel",
            "/api%2Fjobs/ID/cancel",
            "/api/jobs/ID/cancel/",
            "/api/jobs/ID/cancel;x",
            "/api/jobs/ID/%63ancel")) {
      String id = docket.enqueue(job("local-paths")).path("id").asText();
      String cookie = LocalSession.open().cookie();

      var response =
          raw(
              "POST",
              path.replace("ID", id),
              "127.0.0.1:" + docket.port(),
              List.of("Content-Length: 0", "Cookie: " + cookie),
              "");

      assertThat(response.status()).as("%s: %s", path, response).isIn(303, 400, 401, 403, 404);
      assertThat(docket.state(id)).as(path).isEqualTo("pending");
    }
  }

  @Test
  void theToken_stillWorks_fromAnyHostName() {
    var response =
        raw(
            "GET",
            "/api/queues",
            "docket.internal:" + docket.port(),
            List.of("Authorization: Bearer " + HttpFixture.TOKEN),
            "");

    assertThat(response.status()).as("%s", response).isEqualTo(200);
  }

  // ---- Helpers -------------------------------------------------------------------------------

  /** The local session a page gives a browser on this machine: its cookie and CSRF value. */
  record LocalSession(String setCookie, String cookie, String csrf) {
    static LocalSession open() {
      var page = docket.send(docket.anonymous("/").GET());
      assertThat(page.status()).as("%s", page).isEqualTo(200);
      String setCookie =
          page.headers("Set-Cookie").stream()
              .filter(c -> c.startsWith(Access.SESSION_COOKIE + "="))
              .findFirst()
              .orElseThrow(() -> new AssertionError("No session cookie: " + page));
      return new LocalSession(setCookie, setCookie.split(";")[0].strip(), HttpFixture.csrfOf(page));
    }
  }

  private static HttpFixture.Response cancel(String id, String cookie, String csrf, String origin) {
    var request = docket.anonymous("/api/jobs/" + id + "/cancel").header("Cookie", cookie);
    if (csrf != null) {
      request.header(Access.CSRF_HEADER, csrf);
    }
    if (origin != null) {
      request.header("Origin", origin);
    }
    return docket.send(request.POST(HttpRequest.BodyPublishers.noBody()));
  }

  private static String job(String queue) {
    return "{\"kind\": \"k\", \"queue\": \"" + queue + "\"}";
  }

  private static int jobsIn(String queue) {
    var response = docket.get("/api/jobs?queue=" + queue);
    assertThat(response.status()).isEqualTo(200);
    return response.json().path("jobs").size();
  }

  /** A request with a Host header of our choosing, which the JDK's client will not send. */
  private static HttpFixture.Response raw(
      String method, String path, String host, List<String> headers, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    var head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    headers.forEach(h -> head.append(h).append("\r\n"));
    if (bytes.length > 0) {
      head.append("Content-Length: ").append(bytes.length).append("\r\n");
    }
    return docket.raw(head.toString(), bytes);
  }
}
