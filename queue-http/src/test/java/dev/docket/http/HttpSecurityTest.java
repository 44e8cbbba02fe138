package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.JobRequest;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may do what: the API wants the bearer token, or a dashboard session plus the page's CSRF
 * header and our own origin for a change; health, metrics and the OpenAPI document are public; a
 * GET never changes anything; the dashboard sends strangers to its login page.
 */
class HttpSecurityTest {
  static HttpFixture docket;

  @BeforeAll
  static void start() {
    docket =
        HttpFixture.start(
            RuntimeOptions.defaults(),
            HttpFixture.httpOptions().build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.schedules(binder())
                    .addBinding()
                    .toInstance(
                        Schedule.every(
                            "tick",
                            Duration.ofDays(366),
                            JobRequest.ofJson("demo.tick", "{}").queue("scheduled").build()));
              }
            });
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  /** Some tests send wrong tokens on purpose: the next test starts with a clean slate. */
  @AfterEach
  void forgiveWrongTokens() {
    docket.forgiveWrongTokens();
  }

  /** Every API route the server registers, with its placeholders filled in. */
  private static List<String[]> apiRoutes(String jobId) {
    List<String> routes = docket.server.routeList();
    assertThat(routes)
        .contains("POST /api/jobs", "GET /api/jobs/{id}", "POST /api/queues/{name}/pause");
    return routes.stream()
        .filter(route -> route.split(" ")[1].startsWith("/api/"))
        .map(
            route -> {
              String[] parts = route.split(" ");
              String path =
                  parts[1]
                      .replace("{id}", jobId)
                      .replace("/api/queues/{name}", "/api/queues/default")
                      .replace("/api/schedules/{name}", "/api/schedules/tick");
              return new String[] {parts[0], path};
            })
        .toList();
  }

  private static String pendingJob() {
    return docket.enqueue("{\"kind\": \"k\", \"queue\": \"parked\"}").path("id").asText();
  }

  // ---- The token -----------------------------------------------------------------------------

  @Test
  void everyApiRoute_withoutTheToken_is401_withWwwAuthenticate_andChangesNothing() {
    String id = pendingJob();
    List<String[]> routes = apiRoutes(id);
    assertThat(routes).hasSizeGreaterThanOrEqualTo(15);

    var softly = new SoftAssertions();
    for (String[] route : routes) {
      var response =
          docket.send(
              docket
                  .anonymous(route[1])
                  .method(route[0], HttpRequest.BodyPublishers.ofString("{\"kind\": \"k\"}")));
      softly.assertThat(response.status()).as("%s %s", route[0], route[1]).isEqualTo(401);
      softly
          .assertThat(response.header("WWW-Authenticate"))
          .as("%s %s", route[0], route[1])
          .hasValue("Bearer realm=\"docket\"");
      softly
          .assertThat(response.contentType())
          .as("%s %s", route[0], route[1])
          .startsWith("application/json");
      softly
          .assertThat(response.json().path("error").asText())
          .as("%s %s", route[0], route[1])
          .isEqualTo("unauthorized");
    }
    softly.assertAll();
    assertNothingChanged(id);
  }

  @Test
  void everyApiRoute_withAWrongToken_is401_andChangesNothing() {
    String id = pendingJob();

    var softly = new SoftAssertions();
    for (String wrong :
        List.of(
            "Bearer " + HttpFixture.TOKEN + "x",
            "Bearer " + HttpFixture.TOKEN.substring(1),
            "Bearer ",
            "Basic " + HttpFixture.TOKEN,
            HttpFixture.TOKEN)) {
      for (String[] route : apiRoutes(id)) {
        docket.forgiveWrongTokens(); // this test sends more wrong tokens than one address may
        var response =
            docket.send(
                docket
                    .anonymous(route[1])
                    .header("Authorization", wrong)
                    .method(route[0], HttpRequest.BodyPublishers.ofString("{\"kind\": \"k\"}")));
        softly
            .assertThat(response.status())
            .as("%s %s with %s", route[0], route[1], wrong)
            .isEqualTo(401);
        softly
            .assertThat(response.header("WWW-Authenticate"))
            .as("%s %s", route[0], route[1])
            .isPresent();
      }
    }
    softly.assertAll();
    assertNothingChanged(id);
  }

  private static void assertNothingChanged(String id) {
    assertThat(docket.state(id)).isEqualTo("pending");
    assertThat(docket.get("/api/queues/default").json().path("paused").asBoolean()).isFalse();
    assertThat(docket.get("/api/schedules/tick").json().path("enabled").asBoolean()).isTrue();
    assertThat(docket.get("/api/jobs?kind=demo.tick").json().path("jobs")).isEmpty();
    assertThat(docket.get("/api/jobs?kind=k&queue=default").json().path("jobs")).isEmpty();
  }

  @Test
  void theToken_isAcceptedWithTheSchemeInAnyCase() {
    var response =
        docket.send(
            docket.anonymous("/api/queues").header("Authorization", "bearer " + HttpFixture.TOKEN));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().isArray()).isTrue();
  }

  @Test
  void healthMetricsAndOpenApi_needNoToken() {
    for (String path : List.of("/health/live", "/health/ready", "/metrics", "/openapi.json")) {
      var response = docket.send(docket.anonymous(path).GET());

      assertThat(response.status()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).isNotBlank();
    }
  }

  @Test
  void apiAnswers_areNeitherCachedNorSniffed() {
    var response = docket.get("/api/queues");

    assertThat(response.header("Cache-Control")).hasValue("no-store");
    assertThat(response.header("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.header("Referrer-Policy")).hasValue("same-origin");
  }

  // ---- GET is safe ---------------------------------------------------------------------------

  @Test
  void getOrHead_onAChangeRoute_is405_andChangesNothing() {
    String id = pendingJob();

    var softly = new SoftAssertions();
    for (String[] route : apiRoutes(id)) {
      boolean change = !route[0].equals("GET");
      boolean alsoReadable =
          apiRoutes(id).stream().anyMatch(r -> r[0].equals("GET") && r[1].equals(route[1]));
      // GET /api/jobs/bulk is GET /api/jobs/{id} for the id "bulk": a read, checked below; so
      // are the bulk actions' paths.
      if (!change || alsoReadable || route[1].matches("/api/jobs/(bulk|retry|cancel|delete)")) {
        continue;
      }
      for (String method : List.of("GET", "HEAD")) {
        var response =
            docket.send(
                docket.request(route[1]).method(method, HttpRequest.BodyPublishers.noBody()));
        softly.assertThat(response.status()).as("%s %s", method, route[1]).isEqualTo(405);
      }
    }
    for (String word : List.of("bulk", "retry", "cancel", "delete")) {
      var read = docket.get("/api/jobs/" + word);
      softly.assertThat(read.status()).as("GET /api/jobs/" + word).isEqualTo(400);
      softly.assertThat(read.json().path("error").asText()).isEqualTo("invalid_id");
    }
    softly.assertAll();
    assertNothingChanged(id);
  }

  @Test
  void headOnAReadRoute_withoutTheToken_is401() {
    String id = pendingJob();

    var softly = new SoftAssertions();
    for (String[] route : apiRoutes(id)) {
      if (!route[0].equals("GET")) {
        continue;
      }
      var response =
          docket.send(
              docket.anonymous(route[1]).method("HEAD", HttpRequest.BodyPublishers.noBody()));
      softly.assertThat(response.status()).as("HEAD %s", route[1]).isEqualTo(401);
    }
    softly.assertAll();
  }

  // ---- The dashboard's login -----------------------------------------------------------------

  @Test
  void dashboardPages_withoutASession_redirectToTheLoginPage() {
    String id = pendingJob();
    for (String page : List.of("/", "/jobs", "/jobs/" + id, "/schedules", "/jobs?state=failed")) {
      var response = docket.send(docket.anonymous(page).GET());

      assertThat(response.status()).as(page).isEqualTo(303);
      assertThat(response.header("Location"))
          .as(page)
          .hasValue("/login?next=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
    }
  }

  @Test
  void loginPage_isOpenToStrangers() {
    var response = docket.send(docket.anonymous("/login").GET());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/html");
    assertThat(response.body()).contains("name=\"token\"");
    assertThat(response.header("X-Frame-Options")).hasValue("DENY");
    assertThat(response.header("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
  }

  @Test
  void login_withTheToken_setsAStrictHttpOnlyCookie_thatOpensTheDashboard() {
    var login = login("/jobs");

    assertThat(login.status()).as("%s", login).isEqualTo(303);
    assertThat(login.header("Location")).hasValue("/jobs");
    String setCookie = sessionSetCookie(login);
    String attributes = setCookie.toLowerCase(Locale.ROOT);
    assertThat(attributes)
        .contains("; httponly")
        .contains("; samesite=strict")
        .contains("; path=/");
    assertThat(attributes).doesNotContain("; secure"); // plain http on loopback

    var page = docket.send(docket.anonymous("/jobs").header("Cookie", cookiePair(setCookie)).GET());

    assertThat(page.status()).as("%s", page).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(HttpFixture.csrfOf(page)).isNotBlank();
    assertThat(page.header("Cache-Control")).hasValue("no-store");
  }

  @Test
  void login_withAWrongToken_is401_andSetsNoCookie() {
    var response =
        docket.send(
            docket
                .anonymous("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=not-the-token-at-all&next=%2F")));

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers("Set-Cookie"))
        .noneMatch(c -> c.startsWith(Access.SESSION_COOKIE + "="));
    assertThat(response.body()).contains("That is not the token");
  }

  @Test
  void login_fromAnotherSitesPage_isRefused() {
    var response =
        docket.send(
            docket
                .anonymous("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + HttpFixture.TOKEN)));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.headers("Set-Cookie"))
        .noneMatch(c -> c.startsWith(Access.SESSION_COOKIE + "="));
  }

  @Test
  void login_neverRedirectsToAnotherSite() {
    for (String next :
        List.of("https://evil.example/", "//evil.example/", "/\\evil.example", "evil")) {
      var response = login(next);

      assertThat(response.status()).as(next).isEqualTo(303);
      assertThat(response.header("Location")).as(next).hasValue("/");
    }
  }

  @Test
  void aTamperedCookie_opensNeitherTheApiNorTheDashboard() {
    String cookie = cookiePair(sessionSetCookie(login("/")));
    String tampered =
        cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA");

    var api = docket.send(docket.anonymous("/api/queues").header("Cookie", tampered).GET());
    var page = docket.send(docket.anonymous("/").header("Cookie", tampered).GET());

    assertThat(api.status()).isEqualTo(401);
    assertThat(page.status()).isEqualTo(303);
  }

  @Test
  void aSession_readsTheApi_withoutTheToken() {
    String cookie = cookiePair(sessionSetCookie(login("/")));

    var response = docket.send(docket.anonymous("/api/queues").header("Cookie", cookie).GET());

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().isArray()).isTrue();
  }

  @Test
  void aWrongToken_isNotRescuedByAValidCookie() {
    String cookie = cookiePair(sessionSetCookie(login("/")));

    var response =
        docket.send(
            docket
                .anonymous("/api/queues")
                .header("Cookie", cookie)
                .header("Authorization", "Bearer wrong-token-wrong-token")
                .GET());

    assertThat(response.status()).isEqualTo(401);
  }

  // ---- CSRF ----------------------------------------------------------------------------------

  @Test
  void aBrowsersChange_withoutTheCsrfHeader_is403_andChangesNothing() {
    String cookie = cookiePair(sessionSetCookie(login("/")));
    String id = pendingJob();

    var response = cancelAsBrowser(id, cookie, null, null);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().path("error").asText()).isEqualTo("csrf");
    assertThat(response.json().path("message").asText()).contains(Access.CSRF_HEADER);
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aBrowsersChange_withAWrongCsrfHeader_is403() {
    String cookie = cookiePair(sessionSetCookie(login("/")));
    String id = pendingJob();

    var response = cancelAsBrowser(id, cookie, "not-the-csrf-value", null);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().path("error").asText()).isEqualTo("csrf");
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aBrowsersChange_withTheCsrfValueOfAnotherSession_is403() {
    String mine = cookiePair(sessionSetCookie(login("/")));
    String theirs = cookiePair(sessionSetCookie(loginLater(mine)));
    String theirCsrf = csrfFor(theirs);
    assertThat(theirCsrf).isNotEqualTo(csrfFor(mine));
    String id = pendingJob();

    var response = cancelAsBrowser(id, mine, theirCsrf, null);

    assertThat(response.status()).isEqualTo(403);
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aBrowsersChange_fromAnotherOrigin_is403_evenWithTheCsrfHeader() {
    String cookie = cookiePair(sessionSetCookie(login("/")));
    String csrf = csrfFor(cookie);
    String id = pendingJob();

    var evil = cancelAsBrowser(id, cookie, csrf, "http://evil.example");
    var otherPort = cancelAsBrowser(id, cookie, csrf, "http://127.0.0.1:1");
    var opaque = cancelAsBrowser(id, cookie, csrf, "null");

    for (var response : List.of(evil, otherPort, opaque)) {
      assertThat(response.status()).as("%s", response).isEqualTo(403);
      assertThat(response.json().path("error").asText()).isEqualTo("cross_site");
    }
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aBrowsersChange_thatFetchMetadataCallsCrossSite_is403() {
    String cookie = cookiePair(sessionSetCookie(login("/")));
    String id = pendingJob();

    var response =
        docket.send(
            docket
                .anonymous("/api/jobs/" + id + "/cancel")
                .header("Cookie", cookie)
                .header(Access.CSRF_HEADER, csrfFor(cookie))
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.noBody()));

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.json().path("error").asText()).isEqualTo("cross_site");
    assertThat(docket.state(id)).isEqualTo("pending");
  }

  @Test
  void aBrowsersChange_withThePagesCsrfHeader_andOurOrigin_isDone() {
    String cookie = cookiePair(sessionSetCookie(login("/")));
    String csrf = csrfFor(cookie);
    String id = pendingJob();

    var response = cancelAsBrowser(id, cookie, csrf, docket.origin());

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(response.json().path("state").asText()).isEqualTo("cancelled");
    assertThat(docket.state(id)).isEqualTo("cancelled");
  }

  @Test
  void anApiClientsChange_withTheToken_needsNoCsrfHeader() {
    String id = pendingJob();

    var response = docket.post("/api/jobs/" + id + "/cancel");

    assertThat(response.status()).isEqualTo(200);
    assertThat(docket.state(id)).isEqualTo("cancelled");
  }

  @Test
  void twoLogins_inTheSameInstant_getDifferentSessions() {
    var cookies = new java.util.HashSet<String>();
    for (int i = 0; i < 20; i++) {
      cookies.add(cookiePair(sessionSetCookie(login("/"))));
    }

    assertThat(cookies).hasSize(20);
  }

  @Test
  void logout_revokesTheSessionOnTheServer_soItsOldCookieNeitherReadsNorChanges() {
    String cookie = cookiePair(sessionSetCookie(login("/")));
    String other = cookiePair(sessionSetCookie(login("/")));
    String csrf = csrfFor(cookie);
    String id = pendingJob();

    assertThat(logout(cookie, csrf).status()).isEqualTo(303);

    var read = docket.send(docket.anonymous("/api/queues").header("Cookie", cookie).GET());
    var page = docket.send(docket.anonymous("/").header("Cookie", cookie).GET());
    var change = cancelAsBrowser(id, cookie, csrf, docket.origin());
    var otherRead = docket.send(docket.anonymous("/api/queues").header("Cookie", other).GET());

    assertThat(read.status()).as("%s", read).isEqualTo(401);
    assertThat(page.status()).as("%s", page).isEqualTo(303);
    assertThat(change.status()).as("%s", change).isEqualTo(401);
    assertThat(docket.state(id)).isEqualTo("pending");
    assertThat(otherRead.status()).as("another session lives on").isEqualTo(200);
  }

  @Test
  void logout_withoutTheCsrfValue_isRefused_andWithIt_clearsTheCookie() {
    String cookie = cookiePair(sessionSetCookie(login("/")));

    var refused = logout(cookie, "");
    var done = logout(cookie, csrfFor(cookie));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(done.status()).isEqualTo(303);
    assertThat(done.header("Location")).hasValue("/login");
    assertThat(done.headers("Set-Cookie"))
        .anySatisfy(
            c ->
                assertThat(c.toLowerCase(Locale.ROOT))
                    .startsWith(Access.SESSION_COOKIE + "=")
                    .containsAnyOf("max-age=0", "expires=thu, 01 jan 1970"));
  }

  // ---- Helpers -------------------------------------------------------------------------------

  private static HttpFixture.Response login(String next) {
    return docket.send(
        docket
            .anonymous("/login")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token="
                        + HttpFixture.TOKEN
                        + "&next="
                        + URLEncoder.encode(next, StandardCharsets.UTF_8))));
  }

  /** A second login, at once: each login gets a session of its own. */
  private static HttpFixture.Response loginLater(String cookie) {
    var response = login("/");
    assertThat(cookiePair(sessionSetCookie(response))).isNotEqualTo(cookie);
    return response;
  }

  private static HttpFixture.Response logout(String cookie, String csrf) {
    return docket.send(
        docket
            .anonymous("/logout")
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))));
  }

  private static String sessionSetCookie(HttpFixture.Response response) {
    return response.headers("Set-Cookie").stream()
        .filter(c -> c.startsWith(Access.SESSION_COOKIE + "="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No session cookie set: " + response));
  }

  /** The {@code name=value} part of a Set-Cookie header, as a Cookie header sends it back. */
  private static String cookiePair(String setCookie) {
    return setCookie.split(";")[0].strip();
  }

  /** The CSRF value of the dashboard page this session sees. */
  private static String csrfFor(String cookie) {
    var page = docket.send(docket.anonymous("/").header("Cookie", cookie).GET());
    assertThat(page.status()).as("%s", page).isEqualTo(200);
    return HttpFixture.csrfOf(page);
  }

  private static HttpFixture.Response cancelAsBrowser(
      String id, String cookie, String csrf, String origin) {
    var request = docket.anonymous("/api/jobs/" + id + "/cancel").header("Cookie", cookie);
    if (csrf != null) {
      request.header(Access.CSRF_HEADER, csrf);
    }
    if (origin != null) {
      request.header("Origin", origin);
    }
    return docket.send(request.POST(HttpRequest.BodyPublishers.noBody()));
  }
}
