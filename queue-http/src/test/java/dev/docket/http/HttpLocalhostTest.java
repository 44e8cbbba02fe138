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
 * hostile name that resolves to 127.0.0.1 (DNS rebinding) does not count as local. Changes still
 * need the page's CSRF header and our own origin.
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
  void api_readsFromTheLoopbackAddress_withoutAToken() {
    var response = docket.send(docket.anonymous("/api/queues").GET());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().isArray()).isTrue();
  }

  @Test
  void api_withTheHostOfAnotherName_isRefusedWith401() {
    var response = raw("GET", "/api/jobs", "evil.example:" + docket.port(), List.of(), "");

    assertThat(response.status()).as("%s", response).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).isPresent();
    assertThat(response.json().path("error").asText()).isEqualTo("unauthorized");
  }

  @Test
  void aLocalChange_withoutTheCsrfHeader_is403_andStoresNothing() {
    var response =
        docket.send(
            docket
                .anonymous("/api/jobs")
                .POST(HttpRequest.BodyPublishers.ofString(job("local-nocsrf"))));

    assertThat(response.status()).as("%s", response).isEqualTo(403);
    assertThat(response.json().path("error").asText()).isEqualTo("csrf");
    assertThat(jobsIn("local-nocsrf")).isZero();
  }

  @Test
  void aLocalChange_withThePagesCsrfHeader_isDone() {
    String csrf = HttpFixture.csrfOf(docket.send(docket.anonymous("/").GET()));

    var response =
        docket.send(
            docket
                .anonymous("/api/jobs")
                .header(Access.CSRF_HEADER, csrf)
                .header("Origin", docket.origin())
                .POST(HttpRequest.BodyPublishers.ofString(job("local-csrf"))));

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    assertThat(jobsIn("local-csrf")).isEqualTo(1);
  }

  @Test
  void aLocalChange_fromAnotherOrigin_is403_evenWithTheCsrfHeader() {
    String csrf = HttpFixture.csrfOf(docket.send(docket.anonymous("/").GET()));

    var response =
        docket.send(
            docket
                .anonymous("/api/jobs")
                .header(Access.CSRF_HEADER, csrf)
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(job("local-cross"))));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().path("error").asText()).isEqualTo("cross_site");
    assertThat(jobsIn("local-cross")).isZero();
  }

  @Test
  void aRebindingPagesChange_isRefused_evenWithAValidCsrfValue() {
    // Suppose the page on evil.example learnt the CSRF value somehow: its Host still gives it away.
    String csrf = HttpFixture.csrfOf(docket.send(docket.anonymous("/").GET()));
    String host = "evil.example:" + docket.port();

    var response =
        raw(
            "POST",
            "/api/jobs",
            host,
            List.of(
                Access.CSRF_HEADER + ": " + csrf,
                "Origin: http://" + host,
                "Content-Type: application/json"),
            job("local-rebind"));

    assertThat(response.status()).as("%s", response).isEqualTo(401);
    assertThat(jobsIn("local-rebind")).isZero();
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

      var response =
          raw(
              "POST",
              path.replace("ID", id),
              "127.0.0.1:" + docket.port(),
              List.of("Content-Length: 0"),
              "");

      assertThat(response.status()).as("%s: %s", path, response).isIn(400, 403, 404);
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
