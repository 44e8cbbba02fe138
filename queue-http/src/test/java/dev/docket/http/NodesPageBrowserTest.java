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
import dev.docket.usecase.port.DocketStore;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Nodes page in a real browser, with two nodes on one memory store, each running a job that
 * holds its handler until the test lets it go: {@code node-web}, which serves the dashboard and
 * queue {@code mail}, and {@code node-worker}, which serves queue {@code reports}. Queue {@code
 * orphans} has a due job and no node serving it.
 */
@Tag("browser")
@Timeout(90)
class NodesPageBrowserTest {
  static final String TOKEN = "nodes-browser-test-token";

  record Task(String name) {}

  static final JobType<Task> SLOW_MAIL = JobType.of("mail.slow", Task.class);
  static final JobType<Task> SLOW_REPORT = JobType.of("report.slow", Task.class);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static HeadlessChromium browser;
  private static ChromeDriver driver;
  private static WebDriverWait wait;

  private final CountDownLatch release = new CountDownLatch(1);
  private DocketRuntime web;
  private DocketRuntime worker;
  private DocketStore store;
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

  private HandlerBinding<Task> slow(JobType<Task> type) {
    return HandlerBinding.of(type, (task, context) -> release.await(60, TimeUnit.SECONDS));
  }

  @BeforeEach
  void startTwoNodes() {
    Injector injector =
        Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(
                RuntimeOptions.builder()
                    .owner("node-web")
                    .queue("mail", 2)
                    .pollInterval(Duration.ofMillis(100))
                    .build()),
            new HttpModule(HttpOptions.builder().port(0).token(TOKEN).build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder()).addBinding().toInstance(slow(SLOW_MAIL));
              }
            });
    web = injector.getInstance(DocketRuntime.class);
    store = injector.getInstance(DocketStore.class);
    worker =
        DocketRuntime.builder(store)
            .options(
                RuntimeOptions.builder()
                    .owner("node-worker")
                    .queue("reports", 3)
                    .pollInterval(Duration.ofMillis(100))
                    .build())
            .handler(slow(SLOW_REPORT))
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
      release.countDown();
      http.close();
      server.close();
      worker.stop(Duration.ofSeconds(5));
      web.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void nodesPage_showsBothNodes_theirBusyHandlersAndRunningJobs_andTheQueueNoNodeServes()
      throws Exception {
    String mail = enqueue("mail.slow", "mail");
    String report = enqueue("report.slow", "reports");
    String orphan = enqueue("image.resize", "orphans");
    awaitState(mail, "running");
    awaitState(report, "running");
    logIn();

    page.open("/nodes");

    assertThat(driver.getTitle()).isEqualTo("Nodes · Docket");
    assertThat(page.textOf("header.top nav a.active")).isEqualTo("Nodes");
    String webCard = "#nodes-page article[data-node=node-web]";
    String workerCard = "#nodes-page article[data-node=node-worker]";
    // Busy handlers are as each node last recorded them: within a second or two.
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector(webCard + " tr[data-queue=mail] .busy"), "1 / 2"));
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector(workerCard + " tr[data-queue=reports] .busy"), "1 / 3"));
    assertThat(page.textOf(webCard + " h2")).isEqualTo("node-web this node");
    assertThat(page.textOf(workerCard + " .kinds")).isEqualTo("report.slow");
    String webJob = webCard + " tr[data-job='" + mail + "']";
    String workerJob = workerCard + " tr[data-job='" + report + "']";
    assertThat(page.textOf(webJob + " td:nth-child(2)")).isEqualTo("mail.slow");
    assertThat(page.textOf(workerJob + " td:nth-child(2)")).isEqualTo("report.slow");
    assertThat(page.textOf(workerJob + " td:nth-child(3)")).isEqualTo("reports");
    assertThat(page.textOf(webJob + " .elapsed"))
        .matches("\\d+ ms|\\d+(\\.\\d)? s|\\d+ min( \\d+ s)?");
    assertThat(page.textOf(workerJob + " .lease")).startsWith("expires in ");
    assertThat(page.attributeOf(webJob + " a", "href")).isEqualTo("/jobs/" + mail);
    assertThat(driver.findElements(By.cssSelector(webCard + " tr[data-job]"))).hasSize(1);
    assertThat(driver.findElements(By.cssSelector(workerCard + " tr[data-job]"))).hasSize(1);
    assertThat(page.textOf("#unserved li[data-queue=orphans]"))
        .isEqualTo("orphans: 1 due no node serves it");
    assertThat(driver.findElements(By.cssSelector("#unserved li"))).hasSize(1);

    // The page stays live: the elapsed time grows without a reload.
    driver.executeScript("window.docketPageMark = 'not reloaded';");
    String elapsed = page.textOf(workerJob + " .elapsed");
    wait.until(
        d -> !d.findElement(By.cssSelector(workerJob + " .elapsed")).getText().equals(elapsed));
    Path picture = page.screenshot("nodes.png");

    release.countDown();

    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector(workerCard + " tr[data-queue=reports] .busy"), "0 / 3"));
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector(webCard + " tr[data-queue=mail] .busy"), "0 / 2"));
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector(workerCard + " .node-jobs tbody"), "It runs no job."));
    assertThat(driver.executeScript("return window.docketPageMark;")).isEqualTo("not reloaded");
    assertThat(apiState(orphan)).isEqualTo("pending");
    BrowserPage.assertIsAPictureOfAPage(picture);
  }

  @Test
  void overview_warnsOfTheQueueNoNodeServes_insteadOfCallingItRunning() throws Exception {
    enqueue("image.resize", "orphans");
    enqueue("mail.slow", "mail");
    logIn();

    page.open("/");

    String orphans = "#queues tr[data-queue=orphans]";
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(orphans)));
    assertThat(page.textOf(orphans + " td:nth-child(2)")).isEqualTo("no node serves it");
    assertThat(page.attributeOf(orphans + " .badge", "class")).isEqualTo("badge warning");
    assertThat(page.textOf("#queues tr[data-queue=mail] td:nth-child(2)")).isEqualTo("running");
    assertThat(page.attributeOf("#nodes h2 a", "href")).isEqualTo("/nodes");

    // A node that serves the queue starts: the warning gives way to the running badge.
    try (DocketRuntime rescuer =
        DocketRuntime.builder(store)
            .options(RuntimeOptions.builder().owner("node-rescuer").queue("orphans", 1).build())
            .build()) {
      rescuer.start();
      wait.until(
          ExpectedConditions.textToBe(By.cssSelector(orphans + " td:nth-child(2)"), "running"));
    }
  }

  // ---- The browser -----------------------------------------------------------------------

  /** Logs in through the login route. */
  private void logIn() throws Exception {
    browser.logIn(server.url(), TOKEN);
  }

  // ---- The API ---------------------------------------------------------------------------

  private String enqueue(String kind, String queue) throws Exception {
    return api(
            "POST",
            "/api/jobs",
            "{\"kind\":\"%s\",\"queue\":\"%s\",\"payload\":{\"name\":\"n\"}}"
                .formatted(kind, queue))
        .get("id")
        .asText();
  }

  private String apiState(String id) throws Exception {
    return api("GET", "/api/jobs/" + id, null).get("state").asText();
  }

  private void awaitState(String id, String state) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> apiState(id).equals(state));
  }

  private JsonNode api(String method, String path, String body) throws Exception {
    return page.api(http, TOKEN, method, path, body);
  }
}
