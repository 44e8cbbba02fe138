package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import dev.docket.usecase.port.DocketStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The History page in a real browser, fed by two nodes on one memory store: {@code node-web}, which
 * serves the dashboard and queue {@code mail}, and {@code node-worker}, which serves queue {@code
 * reports}, where one job fails for good. Each node adds what it ran to the cluster's history every
 * 100 ms; the page's totals and charts show the sum, and a kind or range narrows them.
 */
@Tag("browser")
@Timeout(90)
class HistoryBrowserTest {
  static final String TOKEN = "history-browser-test-token";

  record Task(String name) {}

  static final JobType<Task> SEND = JobType.of("mail.send", Task.class);
  static final JobType<Task> BUILD = JobType.of("report.build", Task.class);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static HeadlessChromium browser;
  private static ChromeDriver driver;
  private static WebDriverWait wait;

  private DocketRuntime web;
  private DocketRuntime worker;
  private DocketServer server;
  private HttpClient http;
  private final BrowserPage page = new BrowserPage(driver, wait, () -> server.url());

  @BeforeAll
  static void startBrowser() throws IOException {
    HeadlessChromium.requireInstalled();
    browser = HeadlessChromium.start();
    driver = browser.driver();
    wait = new WebDriverWait(driver, Duration.ofSeconds(15), Duration.ofMillis(50));
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private static HandlerBinding<Task> handler(JobType<Task> type) {
    return HandlerBinding.of(
        type,
        (task, context) -> {
          if (task.name().equals("fail")) {
            throw new NonRetryableException("report " + task.name() + " cannot be built");
          }
        });
  }

  private static RuntimeOptions options(String owner, String queue) {
    return RuntimeOptions.builder()
        .owner(owner)
        .queue(queue, 2)
        .pollInterval(Duration.ofMillis(100))
        .historyInterval(Duration.ofMillis(100))
        .build();
  }

  @BeforeEach
  void startTwoNodes() {
    Injector injector =
        Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(options("node-web", "mail")),
            new HttpModule(HttpOptions.builder().port(0).token(TOKEN).build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder()).addBinding().toInstance(handler(SEND));
              }
            });
    web = injector.getInstance(DocketRuntime.class);
    DocketStore store = injector.getInstance(DocketStore.class);
    // The second node as an application wires one by hand, on the same store.
    worker =
        DocketRuntime.builder(store)
            .options(options("node-worker", "reports"))
            .handler(handler(BUILD))
            .build();
    web.start();
    worker.start();
    server = injector.getInstance(DocketServer.class);
    server.start();
    http = HttpClient.newHttpClient();
    driver.get(page.url("/login"));
    driver.manage().deleteAllCookies();
    driver.manage().logs().get(LogType.BROWSER); // reading the log empties it
  }

  @AfterEach
  void browserConsoleHasNoErrors_thenStop() {
    try {
      List<String> errors = page.consoleErrors();
      assertThat(errors).as("errors in the browser console").isEmpty();
    } finally {
      driver.get("about:blank");
      http.close();
      server.close();
      worker.stop(Duration.ofSeconds(5));
      web.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void historyPage_chartsWhatBothNodesRan_andAKindOrRangeNarrowsIt() throws Exception {
    var jobs = new ArrayList<String>();
    for (int i = 0; i < 6; i++) {
      jobs.add(enqueue("mail.send", "mail", "m" + i));
    }
    for (int i = 0; i < 3; i++) {
      jobs.add(enqueue("report.build", "reports", "r" + i));
    }
    jobs.add(enqueue("report.build", "reports", "fail"));
    for (String id : jobs) {
      awaitFinished(id);
    }
    // Each node adds its counts every 100 ms: the cluster's history soon has all ten.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> api("GET", "/api/history", null).path("total").path("completed").asLong() == 9);
    logIn();

    page.open("/history");

    assertThat(driver.getTitle()).isEqualTo("History · Docket");
    assertThat(page.textOf("header.top nav a.active")).isEqualTo("History");
    wait.until(
        ExpectedConditions.attributeToBe(
            By.cssSelector("[data-history]"), "data-completed-total", "9"));
    assertThat(page.attributeOf("[data-history]", "data-points")).isEqualTo("60");
    assertThat(page.textOf("[data-total=completed]")).isEqualTo("9");
    assertThat(page.textOf("[data-total=failed]")).isEqualTo("1");
    assertThat(page.textOf("[data-total=dead]")).isEqualTo("1");
    assertThat(page.textOf("[data-total=failureRate]")).isEqualTo("10.0%");
    assertThat(page.textOf("[data-total=run]")).matches("\\d.* / \\d.*");
    assertThat(page.textOf("[data-total=wait]")).matches("\\d.* / \\d.*");
    var kinds = new Select(driver.findElement(By.cssSelector("select[name=kind]")));
    assertThat(kinds.getOptions())
        .extracting(WebElement::getText)
        .containsExactly("all", "mail.send", "report.build");
    assertThat(drawnCharts()).isEqualTo(4L);
    Path picture = page.screenshot("history.png");

    kinds.selectByVisibleText("report.build");
    driver.findElement(By.cssSelector(".history-filters button[type=submit]")).click();
    wait.until(ExpectedConditions.urlContains("kind=report.build"));
    wait.until(
        ExpectedConditions.attributeToBe(
            By.cssSelector("[data-history]"), "data-completed-total", "3"));
    assertThat(page.textOf("[data-total=failureRate]")).isEqualTo("25.0%");

    driver.findElement(By.linkText("week")).click();
    wait.until(ExpectedConditions.urlContains("range=week"));
    wait.until(
        ExpectedConditions.attributeToBe(By.cssSelector("[data-history]"), "data-points", "168"));
    assertThat(page.attributeOf("[data-history]", "data-completed-total")).isEqualTo("3");
    assertThat(driver.getCurrentUrl()).contains("kind=report.build");
    BrowserPage.assertIsAPictureOfAPage(picture);
  }

  /** How many of the page's charts Chart.js has drawn. */
  private long drawnCharts() {
    return (Long)
        ((JavascriptExecutor) driver)
            .executeScript(
                "return Array.from(document.querySelectorAll('.charts canvas'))"
                    + ".filter(c => Chart.getChart(c) !== undefined).length;");
  }

  private void awaitFinished(String id) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> List.of("completed", "failed").contains(apiState(id)));
  }

  private String enqueue(String kind, String queue, String name) throws Exception {
    return api(
            "POST",
            "/api/jobs",
            "{\"kind\":\"%s\",\"queue\":\"%s\",\"payload\":{\"name\":\"%s\"}}"
                .formatted(kind, queue, name))
        .get("id")
        .asText();
  }

  // ---- The browser -----------------------------------------------------------------------

  /** Logs in through the login route. */
  private void logIn() throws Exception {
    browser.logIn(server.url(), TOKEN);
  }

  // ---- The API ---------------------------------------------------------------------------

  private String apiState(String id) throws Exception {
    return api("GET", "/api/jobs/" + id, null).get("state").asText();
  }

  private JsonNode api(String method, String path, String body) throws Exception {
    return page.api(http, TOKEN, method, path, body);
  }
}
