package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A job's timeline in a real browser: a job that failed once and then completed shows both
 * attempts, each with its node, wait, run time and outcome, its times relative with the absolute
 * time on hover; the copy buttons copy; Re-run asks first and then offers the new job. Headless
 * Chromium against a runtime and server on the memory store, one per test.
 */
@Tag("browser")
@Timeout(60)
class JobTimelineBrowserTest {
  static final String TOKEN = "job-timeline-browser-test-token";

  record Order(int n) {}

  /** Fails its first attempt, succeeds on the next. */
  static final JobType<Order> FLAKY = JobType.of("order.ship", Order.class);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static HeadlessChromium browser;
  private static ChromeDriver driver;
  private static WebDriverWait wait;

  private DocketRuntime runtime;
  private DocketServer server;
  private HttpClient http;

  @BeforeAll
  static void startBrowser() throws IOException {
    HeadlessChromium.requireInstalled();
    browser = HeadlessChromium.start();
    driver = browser.driver();
    wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50));
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void startServer() {
    var injector =
        Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(
                RuntimeOptions.builder()
                    .queue("shipping", 1)
                    .pollInterval(Duration.ofMillis(50))
                    .build()),
            new HttpModule(HttpOptions.builder().port(0).token(TOKEN).build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(
                            FLAKY,
                            (order, c) -> {
                              if (c.attempt() == 1) {
                                throw new IllegalStateException(
                                    "The carrier refused order " + order.n() + ".");
                              }
                            }));
              }
            });
    runtime = injector.getInstance(DocketRuntime.class);
    runtime.start();
    server = injector.getInstance(DocketServer.class);
    server.start();
    http = HttpClient.newHttpClient();
    driver.get(server.url() + "/login");
    driver.manage().deleteAllCookies();
    driver.manage().logs().get(LogType.BROWSER);
  }

  @AfterEach
  void consoleHasNoErrors_thenStopServer() {
    try {
      List<String> errors =
          driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
              .map(LogEntry::getMessage)
              .filter(m -> !m.contains("/favicon.ico - "))
              .toList();
      assertThat(errors).as("errors in the browser console").isEmpty();
    } finally {
      driver.get("about:blank");
      http.close();
      server.close();
      runtime.close();
    }
  }

  @Test
  void aJobThatFailedOnce_andThenCompleted_showsBothAttempts_andRerunsAsANewJob() throws Exception {
    String id = shippedAfterOneFailure();
    browser.logIn(server.url(), TOKEN);
    open("/jobs/" + id);

    List<WebElement> attempts =
        driver.findElements(By.cssSelector("#job-timeline li.step-attempt"));
    assertThat(attempts).hasSize(2);
    String node = runtime.options().owner();
    assertThat(attempts.get(0).getAttribute("data-timeline-attempt")).isEqualTo("1");
    assertThat(attempts.get(0).findElement(By.cssSelector(".badge")).getText()).isEqualTo("failed");
    assertThat(attempts.get(1).findElement(By.cssSelector(".badge")).getText())
        .isEqualTo("completed");
    for (WebElement attempt : attempts) {
      WebElement link = attempt.findElement(By.cssSelector("a.node"));
      assertThat(link.getText()).isEqualTo(node);
      assertThat(link.getAttribute("href")).endsWith("/nodes");
      assertThat(attempt.findElement(By.cssSelector(".step-facts")).getText())
          .matches(".*waited (< 1 ms|\\d+ ms|[\\d.]+ s).*")
          .matches(".*ran (0 s|< 1 ms|\\d+ ms|[\\d.]+ s).*");
      WebElement started = attempt.findElement(By.cssSelector(".step-head time"));
      assertThat(started.getText()).matches("now|\\d+ s ago");
      assertThat(started.getAttribute("title"))
          .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
      assertThat(Instant.parse(started.getAttribute("datetime"))).isBefore(Instant.now());
    }
    WebElement error = attempts.get(0).findElement(By.cssSelector("details[data-attempt='1']"));
    assertThat(error.getDomProperty("open")).as("the only error starts open").isEqualTo("true");
    assertThat(error.findElement(By.cssSelector("summary")).getText())
        .contains("IllegalStateException")
        .contains("The carrier refused order 7.");
    assertThat(attempts.get(1).findElements(By.cssSelector("details"))).isEmpty();
    assertThat(textOf("#job-timeline li.step-created strong")).isEqualTo("Created");
    assertThat(textOf("#job-timeline li.step-finished .badge")).isEqualTo("completed");
    assertThat(driver.findElement(By.id("job-kind")).getAttribute("href"))
        .endsWith("/jobs?kind=order.ship");
    assertThat(driver.findElement(By.cssSelector("a.tag")).getAttribute("href"))
        .endsWith("/jobs?tag=rush");

    click("#job h1 button.copy");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "Copied 36"));
    click("#job details[data-attempt='1'] button.copy");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "Copied"));

    click("#job button.rerun");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    assertThat(textOf("#confirm-text")).startsWith("Run job " + id + " again as a new job?");
    click("#confirm-yes");
    WebElement view =
        wait.until(
            ExpectedConditions.elementToBeClickable(
                By.xpath("//*[@id='toast']/a[text()='View the new job']")));
    String newJob =
        view.getAttribute("href").substring(view.getAttribute("href").lastIndexOf('/') + 1);
    assertThat(newJob).isNotEqualTo(id);
    view.click();
    wait.until(ExpectedConditions.urlToBe(server.url() + "/jobs/" + newJob));
    awaitState(newJob, "completed");
    JsonNode rerun = api("/api/jobs/" + newJob);
    assertThat(rerun.get("kind").asText()).isEqualTo("order.ship");
    assertThat(rerun.get("payload").get("n").asInt()).isEqualTo(7);
    assertThat(api("/api/jobs/" + id).get("state").asText()).isEqualTo("completed");
  }

  @Test
  void aFinishedJobsPage_fitsAPhone_andOffersRerun_butAWaitingJobsDoesNot() throws Exception {
    String id = shippedAfterOneFailure();
    browser.logIn(server.url(), TOKEN);
    browser.viewport(390, 844, true);
    try {
      open("/jobs/" + id);
      @SuppressWarnings("unchecked")
      var width =
          (java.util.Map<String, Long>)
              driver.executeScript(
                  "return {client: document.documentElement.clientWidth,"
                      + " scroll: document.documentElement.scrollWidth};");
      assertThat(width.get("scroll"))
          .as("page width at 390 px: %s", width)
          .isLessThanOrEqualTo(390L);
      assertThat(driver.findElements(By.cssSelector("#job button.rerun"))).hasSize(1);

      String later =
          post(
                  "/api/jobs",
                  "{\"kind\":\"order.ship\",\"queue\":\"shipping\",\"delay\":\"PT1H\","
                      + "\"payload\":{\"n\":8}}")
              .get("id")
              .asText();
      open("/jobs/" + later);
      assertThat(textOf("#job-timeline li.step-scheduled strong")).isEqualTo("Scheduled for");
      assertThat(textOf("#job-timeline li.step-scheduled time")).matches("in (59 min|1 h)");
      assertThat(driver.findElements(By.cssSelector("#job button.rerun"))).isEmpty();
    } finally {
      browser.resetEmulation();
    }
  }

  // ---- Helpers -----------------------------------------------------------------------------

  /** A job that failed its first attempt and completed its second. */
  private String shippedAfterOneFailure() throws Exception {
    String id =
        post(
                "/api/jobs",
                "{\"kind\":\"order.ship\",\"queue\":\"shipping\",\"maxAttempts\":2,"
                    + "\"tags\":[\"rush\"],"
                    + "\"retry\":{\"policy\":\"fixed\",\"delay\":\"PT0.05S\"},"
                    + "\"payload\":{\"n\":7}}")
            .get("id")
            .asText();
    awaitState(id, "completed");
    return id;
  }

  private void open(String path) {
    driver.get(server.url() + path);
    wait.until(
        d ->
            ((JavascriptExecutor) d)
                .executeScript(
                    "return document.readyState === 'complete' && typeof htmx !== 'undefined';"));
  }

  private String textOf(String css) {
    return wait.until(
        d -> {
          WebElement element = d.findElement(By.cssSelector(css));
          return element.isDisplayed() ? element.getText() : null;
        });
  }

  private void click(String css) {
    wait.until(
        d ->
            (Boolean)
                ((JavascriptExecutor) d)
                    .executeScript("return document.querySelector('.htmx-request') === null;"));
    wait.until(
        (WebDriver d) -> {
          d.findElement(By.cssSelector(css)).click();
          return true;
        });
  }

  private void awaitState(String id, String state) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> api("/api/jobs/" + id).get("state").asText().equals(state));
  }

  private JsonNode api(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET());
  }

  private JsonNode post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private JsonNode send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response =
        http.send(
            request.header("Authorization", "Bearer " + TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s", response.body()).isBetween(200, 299);
    return JSON.readTree(response.body());
  }
}
