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
import dev.docket.runtime.Schedule;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.StreamSupport;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser, used as an operator would: headless Chromium against a runtime
 * and server on the memory store. Each test has its own runtime and server, so none sees another's
 * jobs or paused queues; the tests share one browser, and each ends with its console free of
 * errors.
 */
@Tag("browser")
@Timeout(60)
class DashboardBrowserTest {
  static final String TOKEN = "dashboard-browser-test-token";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  record Mail(String to) {}

  record Image(String name) {}

  record Report(String name) {}

  record Document(String name) {}

  record Resized(int pages) {}

  /** Always succeeds. */
  static final JobType<Mail> SEND_MAIL = JobType.of("mail.send", Mail.class);

  /** Always fails for good, so its jobs go straight to the dead letter. */
  static final JobType<Image> RESIZE_IMAGE = JobType.of("image.resize", Image.class);

  /** Always succeeds; the schedule's kind. */
  static final JobType<Report> BUILD_REPORT = JobType.of("report.build", Report.class);

  /** Reports progress, waits for the test's word, then returns a result. */
  static final JobType<Document> RESIZE_PDF = JobType.of("pdf.resize", Document.class);

  /** Fails its first two attempts; the third waits for the test's word, then succeeds. */
  static final JobType<Document> FLAKY_PDF = JobType.of("pdf.flaky", Document.class);

  /** Fires at 06:00 UTC on the 1st of the month; the tests only run it by hand. */
  static final Schedule INVOICES =
      Schedule.cron(
          "monthly-invoices",
          "0 6 1 * *",
          ZoneOffset.UTC,
          JobRequest.of(BUILD_REPORT, new Report("invoices")).queue("reports").build());

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One browser for the class: starting one per test would double the run time. */
  private static HeadlessChromium browser;

  private static ChromeDriver driver;
  private static WebDriverWait wait;

  /** Lets the running {@link #RESIZE_PDF} job finish. */
  private final CountDownLatch finishResize = new CountDownLatch(1);

  /** Counts down when a {@link #FLAKY_PDF} job's third attempt starts. */
  private final CountDownLatch thirdAttempt = new CountDownLatch(1);

  /** Lets that third attempt finish. */
  private final CountDownLatch finishThird = new CountDownLatch(1);

  private DocketRuntime runtime;
  private DocketServer server;
  private HttpClient http;

  /**
   * Console errors not held against the page, by a part of their text: those a test provokes on
   * purpose, and the browser's own request for a favicon, which the dashboard does not serve.
   */
  private final List<String> expectedConsoleErrors = new ArrayList<>(List.of("/favicon.ico - "));

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

  /** A runtime and server of its own for each test, and a browser that forgot the last one. */
  @BeforeEach
  void startServer_andClearTheBrowser() {
    var injector =
        Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(
                RuntimeOptions.builder()
                    .queue("mail", 2)
                    .queue("images", 1)
                    .queue("reports", 1)
                    .pollInterval(Duration.ofMillis(100))
                    .build()),
            new HttpModule(HttpOptions.builder().port(0).token(TOKEN).build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                var handlers = DocketModule.handlers(binder());
                handlers.addBinding().toInstance(HandlerBinding.of(SEND_MAIL, (mail, c) -> {}));
                handlers
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(
                            RESIZE_IMAGE,
                            (image, c) -> {
                              throw new NonRetryableException(
                                  "Image " + image.name() + " is not a PNG.");
                            }));
                handlers
                    .addBinding()
                    .toInstance(HandlerBinding.of(BUILD_REPORT, (report, c) -> {}));
                handlers
                    .addBinding()
                    .toInstance(
                        HandlerBinding.withResult(
                            RESIZE_PDF,
                            (document, c) -> {
                              c.progress(40, "resizing page 12 of 30");
                              finishResize.await(30, TimeUnit.SECONDS);
                              return new Resized(30);
                            }));
                handlers
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(
                            FLAKY_PDF,
                            (document, c) -> {
                              if (c.attempt() < 3) {
                                throw new IllegalStateException(
                                    "attempt "
                                        + c.attempt()
                                        + " of "
                                        + document.name()
                                        + " failed");
                              }
                              thirdAttempt.countDown();
                              finishThird.await(30, TimeUnit.SECONDS);
                            }));
                DocketModule.schedules(binder()).addBinding().toInstance(INVOICES);
              }
            });
    runtime = injector.getInstance(DocketRuntime.class);
    runtime.start();
    server = injector.getInstance(DocketServer.class);
    server.start();
    http = HttpClient.newHttpClient();
    // Cookies belong to the host, not the port: the last test's session would let this one in.
    driver.get(url("/login"));
    driver.manage().deleteAllCookies();
    driver.manage().logs().get(LogType.BROWSER); // reading the log empties it
  }

  @AfterEach
  void browserConsoleHasNoErrors_thenStopServer() {
    try {
      List<String> errors =
          driver.manage().logs().get(LogType.BROWSER).getAll().stream()
              .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
              .map(LogEntry::getMessage)
              .filter(m -> expectedConsoleErrors.stream().noneMatch(m::contains))
              .toList();
      assertThat(errors).as("errors in the browser console").isEmpty();
    } finally {
      leavePage();
      http.close();
      server.close();
      runtime.close();
    }
  }

  /** Stops the page's polling before its server goes, dismissing a dialog a failure left open. */
  private static void leavePage() {
    try {
      driver.switchTo().alert().dismiss();
    } catch (NoAlertPresentException e) {
      // none open, as when the test passed
    }
    driver.get("about:blank");
  }

  // ---- Tests -----------------------------------------------------------------------------

  @Test
  void aStranger_isSentToTheLogin_andTheTokenOpensTheQueues() {
    driver.get(url("/"));

    wait.until(ExpectedConditions.urlToBe(url("/login?next=%2F")));
    assertThat(driver.getTitle()).isEqualTo("Log in · Docket");

    expectedConsoleErrors.add(
        "/login - Failed to load resource: the server responded with a status of 401");
    driver.findElement(By.id("token")).sendKeys("not-the-token-of-this-server");
    submit("#login button[type=submit]");
    assertThat(driver.findElement(By.tagName("main")).getText())
        .contains("That is not the token. Try again.");

    driver.findElement(By.id("token")).sendKeys(TOKEN);
    submit("#login button[type=submit]");

    assertThat(driver.getCurrentUrl())
        .as("the page after logging in, which says %s", pageText())
        .isEqualTo(url("/"));
    awaitPageReady();
    assertThat(driver.getTitle()).isEqualTo("Queues · Docket");
    assertThat(textOf("#queues h1")).isEqualTo("Queues");
    // Read in one go: the live part may be swapped between finding the rows and reading them.
    assertThat(
            driver.executeScript(
                "return Array.from(document.querySelectorAll('#queues tr[data-queue]'),"
                    + " row => row.getAttribute('data-queue'));"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactly("images", "mail", "reports");
    assertThat(textOf("#queues tr[data-queue=mail] .badge")).isEqualTo("running");
    assertThat(textOf("#queues tr[data-queue=mail] td:nth-child(11)")).isEqualTo("0 of 2 busy");
    assertThat(textOf("#schedules tr[data-schedule=monthly-invoices] td:nth-child(2)"))
        .isEqualTo("at 06:00 UTC on day 1 of every month");
  }

  @Test
  void logOutButton_endsTheSession() throws Exception {
    logIn();

    submit("form.logout button");

    assertThat(driver.getCurrentUrl())
        .as("the page after logging out, which says %s", pageText())
        .isEqualTo(url("/login"));
    assertThat(driver.manage().getCookieNamed(Access.SESSION_COOKIE)).isNull();
    driver.get(url("/"));
    wait.until(ExpectedConditions.urlToBe(url("/login?next=%2F")));
  }

  @Test
  void jobsList_showsAJobEnqueuedThroughTheApi_andItsProgress_withoutAReload() throws Exception {
    // Paused, the queue holds the job pending until the test lets it run.
    api("POST", "/api/queues/mail/pause", null);
    logIn();
    open("/jobs");
    assertThat(textOf("#jobs tbody")).isEqualTo("No job matches.");
    driver.executeScript("window.docketPageMark = 'not reloaded';");

    String id = enqueue("mail.send", "mail", "{\"to\":\"ada@example.com\"}");

    String row = "#jobs tr[data-job='" + id + "']";
    wait.until(ExpectedConditions.textToBe(By.cssSelector(row + " .badge"), "pending"));
    assertThat(textOf(row + " td:nth-child(3)")).isEqualTo("mail.send");
    assertThat(textOf(row + " td:nth-child(4)")).isEqualTo("mail");
    api("POST", "/api/queues/mail/resume", null);
    wait.until(ExpectedConditions.textToBe(By.cssSelector(row + " .badge"), "completed"));
    assertThat(driver.executeScript("return window.docketPageMark;")).isEqualTo("not reloaded");
  }

  @Test
  void jobPage_showsProgressAndCompletion_asTheyHappen_withoutAReload() throws Exception {
    // Paused, the queue holds the job pending until the page is open.
    api("POST", "/api/queues/reports/pause", null);
    String id = enqueue("pdf.resize", "reports", "{\"name\":\"annual.pdf\"}");
    logIn();
    open("/jobs/" + id);
    assertThat(textOf("#job-state")).isEqualTo("pending");
    assertThat(textOf("#job-progress .progress-message"))
        .isEqualTo("The handler has reported no progress.");
    assertThat(driver.findElements(By.id("job-result"))).isEmpty();
    wait.until(ExpectedConditions.textToBe(By.id("live-status"), "live"));
    driver.executeScript("window.docketPageMark = 'not reloaded';");

    api("POST", "/api/queues/reports/resume", null);

    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector("#job-progress .progress-message"), "resizing page 12 of 30"));
    wait.until(ExpectedConditions.textToBe(By.id("job-state"), "running"));
    assertThat(textOf("#job-progress .percent")).isEqualTo("40%");
    assertThat(driver.findElement(By.cssSelector("#job-progress progress")).getDomProperty("value"))
        .isEqualTo("40");

    finishResize.countDown();

    wait.until(ExpectedConditions.textToBe(By.id("job-state"), "completed"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("job-result")));
    assertThat(JSON.readTree(textOf("#job-result")).get("pages").asInt()).isEqualTo(30);
    assertThat(driver.executeScript("return window.docketPageMark;")).isEqualTo("not reloaded");
  }

  @Test
  void retryButton_onADeadJobsPage_movesItBackToPending() throws Exception {
    String id = enqueue("image.resize", "images", "{\"name\":\"cat.gif\"}");
    awaitState(id, "failed");
    // Paused, the queue keeps the retried job pending instead of running it into the dead letter.
    api("POST", "/api/queues/images/pause", null);
    logIn();
    open("/jobs?state=failed");
    assertThat(textOf("#jobs tr[data-job='" + id + "'] .badge")).isEqualTo("failed");

    click("#jobs tr[data-job='" + id + "'] a");
    wait.until(ExpectedConditions.urlToBe(url("/jobs/" + id)));
    awaitPageReady();
    assertThat(textOf("#job-state")).isEqualTo("failed");
    click("#job button.retry");

    wait.until(
        ExpectedConditions.attributeToBe(By.cssSelector("#job-state"), "data-state", "pending"));
    assertThat(textOf("#job-state")).isEqualTo("pending");
    assertThat(driver.findElements(By.cssSelector("#job button.retry"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("#job button.cancel"))).hasSize(1);
    JsonNode job = api("GET", "/api/jobs/" + id, null);
    assertThat(job.get("state").asText()).isEqualTo("pending");
    assertThat(job.get("errorCount").asInt()).isEqualTo(1);
  }

  @Test
  void pauseButton_onTheQueuesPage_pausesTheQueue() throws Exception {
    logIn();
    String reports = "#queues tr[data-queue=reports]";
    assertThat(textOf(reports + " .badge")).isEqualTo("running");

    click(reports + " button.pause");
    assertThat(confirmation())
        .isEqualTo(
            "Pause queue reports on every node? No job of it starts until it is resumed;"
                + " running jobs finish.");
    assertThat(api("GET", "/api/queues/reports", null).get("paused").asBoolean())
        .as("before the operator says yes")
        .isFalse();
    click("#confirm-yes");

    wait.until(ExpectedConditions.textToBe(By.cssSelector(reports + " .badge"), "paused"));
    assertThat(textOf(reports + " button")).isEqualTo("Resume");
    assertThat(textOf("#queues tr[data-queue=mail] .badge")).isEqualTo("running");
    assertThat(api("GET", "/api/queues/reports", null).get("paused").asBoolean()).isTrue();
    assertThat(api("GET", "/api/queues/mail", null).get("paused").asBoolean()).isFalse();
  }

  @Test
  void runNowButton_ofASchedule_enqueuesItsJob() throws Exception {
    logIn();
    open("/schedules");
    String schedule = "#schedules tr[data-schedule=monthly-invoices]";
    assertThat(textOf(schedule + " .badge")).isEqualTo("enabled");
    assertThat(handRunJobs()).isEmpty();

    click(schedule + " button.run");

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handRunJobs().size() == 1);
    JsonNode job = handRunJobs().get(0);
    assertThat(job.get("queue").asText()).isEqualTo("reports");
    open("/jobs?kind=report.build");
    assertThat(textOf("#jobs tr[data-job='" + job.get("id").asText() + "'] td:nth-child(3)"))
        .isEqualTo("report.build");
  }

  @Test
  void deleteButton_onTheDeadLetter_removesTheJobOnceConfirmed() throws Exception {
    String id = enqueue("image.resize", "images", "{\"name\":\"dog.bmp\"}");
    awaitState(id, "failed");
    logIn();
    open("/jobs?state=failed");

    click("#jobs tr[data-job='" + id + "'] button.delete");
    assertThat(confirmation()).isEqualTo("Delete job " + id + "? It cannot be undone.");
    click("#confirm-yes");

    wait.until(
        ExpectedConditions.invisibilityOfElementLocated(
            By.cssSelector("#jobs tr[data-job='" + id + "']")));
    assertThat(textOf("#jobs tbody")).isEqualTo("No job matches.");
    assertThat(apiStatus("GET", "/api/jobs/" + id)).isEqualTo(404);
  }

  @Test
  void retryAll_ofAFilteredDeadLetter_showsTheCount_asksFirst_andRetriesEveryMatch()
      throws Exception {
    var batch = new ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      batch.add(enqueueTagged("image.resize", "images", "{\"name\":\"scan" + i + ".gif\"}"));
    }
    String other = enqueue("image.resize", "images", "{\"name\":\"other.gif\"}");
    for (String id : batch) {
      awaitState(id, "failed");
    }
    awaitState(other, "failed");
    // Paused, the queue keeps the retried jobs pending instead of running them into the dead
    // letter again.
    api("POST", "/api/queues/images/pause", null);
    logIn();
    open("/jobs?state=dead&tag=batch%3D7");
    assertThat(textOf("#jobs-total")).isEqualTo("3");
    assertThat(driver.findElements(By.cssSelector("#jobs tr[data-job]"))).hasSize(3);
    assertThat(textOf("#jobs tr[data-job='" + batch.get(0) + "'] td.last-error"))
        .isEqualTo("NonRetryableException: Image scan0.gif is not a PNG.");
    assertThat(
            driver
                .findElement(
                    By.cssSelector("#jobs tr[data-job='" + batch.get(0) + "'] td.last-error"))
                .getDomAttribute("title"))
        .isEqualTo("dev.docket.usecase.NonRetryableException: Image scan0.gif is not a PNG.");

    assertThat(
            textOf(
                "#error-groups tr[data-error='dev.docket.usecase.NonRetryableException'] td.num"))
        .as("the filtered dead letter grouped by error")
        .isEqualTo("3");

    click("#jobs button[data-matching-action=retry]");

    assertThat(confirmation()).isEqualTo("Retry all 3 jobs matching state dead, tag batch=7?");
    assertThat(api("GET", "/api/jobs/count?state=failed", null).get("count").asInt())
        .as("before the operator says yes")
        .isEqualTo(4);
    click("#confirm-yes");

    wait.until(ExpectedConditions.textToBe(By.id("toast"), "Retried 3 jobs. Pending jobs"));
    wait.until(ExpectedConditions.textToBe(By.cssSelector("#jobs tbody"), "No job matches."));
    for (String id : batch) {
      assertThat(api("GET", "/api/jobs/" + id, null).get("state").asText()).isEqualTo("pending");
    }
    assertThat(api("GET", "/api/jobs/" + other, null).get("state").asText())
        .as("a dead job the filter did not match")
        .isEqualTo("failed");
  }

  @Test
  void searchBox_findsTheJob_whoseShortIdWasCopiedFromAList_orListsTheNearMisses()
      throws Exception {
    // Paused, the queue keeps every job pending and on the list.
    api("POST", "/api/queues/mail/pause", null);
    for (int i = 0; i < 5; i++) {
      enqueue("mail.send", "mail", "{\"to\":\"user" + i + "@example.com\"}");
    }
    logIn();
    open("/jobs?queue=mail");
    // Read in one go: the live part may be swapped between finding the row and reading it.
    @SuppressWarnings("unchecked")
    List<String> third =
        (List<String>)
            driver.executeScript(
                "const row = document.querySelectorAll('#jobs tr[data-job]')[2];"
                    + " return [row.getAttribute('data-job'), row.querySelector('code').textContent];");
    String id = third.get(0);
    String shortId = third.get(1);
    assertThat(shortId).isEqualTo("\u2026" + id.substring(id.length() - 12));

    WebElement box = driver.findElement(By.cssSelector("form.search input[name=id]"));
    box.sendKeys(shortId, Keys.ENTER);

    wait.until(ExpectedConditions.urlToBe(url("/jobs/" + id)));
    awaitPageReady();
    assertThat(driver.getTitle()).isEqualTo("Job " + id + " \u00b7 Docket");

    box = driver.findElement(By.cssSelector("form.search input[name=id]"));
    box.sendKeys("ffff0000", Keys.ENTER);
    wait.until(ExpectedConditions.urlToBe(url("/jobs?id=ffff0000")));
    awaitPageReady();
    assertThat(textOf("#jobs tbody")).isEqualTo("No job matches.");
    assertThat(
            driver
                .findElement(By.cssSelector("form.filters input[name=id]"))
                .getDomProperty("value"))
        .as("the search stays in the filter form, to change or clear")
        .isEqualTo("ffff0000");
  }

  @Test
  void filterForm_findsJobsByWhatTheirPayloadContains_andSaysWhatIsWrongWithBadJson()
      throws Exception {
    api("POST", "/api/queues/mail/pause", null);
    enqueue("mail.send", "mail", "{\"to\":\"ada@example.com\",\"customer\":{\"id\":7}}");
    String vip =
        enqueue(
            "mail.send",
            "mail",
            "{\"to\":\"vip@example.com\",\"customer\":{\"id\":42,\"tier\":\"gold\"}}");
    enqueue("mail.send", "mail", "{\"to\":\"bob@example.com\"}");
    logIn();
    open("/jobs");

    driver
        .findElement(By.cssSelector("form.filters input[name=payload]"))
        .sendKeys("{\"customer\": {\"tier\": \"gold\"}}");
    submit("form.filters button[type=submit]");

    assertThat(textOf("#jobs-total")).isEqualTo("1");
    assertThat(jobRows()).containsExactly(vip);
    var payload = driver.findElement(By.cssSelector("form.filters input[name=payload]"));
    assertThat(payload.getDomProperty("value")).isEqualTo("{\"customer\": {\"tier\": \"gold\"}}");

    payload.clear();
    payload.sendKeys("{customer: 42}");
    submit("form.filters button[type=submit]");

    assertThat(textOf("p.error"))
        .isEqualTo("The payload filter is not valid JSON: expected a quoted key (at character 2).");
  }

  @Test
  void pager_goesToTheNextPage_andBackToTheSameFirstPage() throws Exception {
    api("POST", "/api/queues/mail/pause", null);
    for (int i = 0; i < 7; i++) {
      enqueue("mail.send", "mail", "{\"to\":\"user" + i + "@example.com\"}");
    }
    logIn();
    open("/jobs?queue=mail&limit=3");
    List<String> first = jobRows();
    assertThat(first).hasSize(3);
    assertThat(driver.findElements(By.cssSelector("#jobs .pager a[rel=prev]")))
        .as("no page before the first")
        .isEmpty();

    follow("#jobs .pager a[rel=next]");
    List<String> second = jobRows();
    assertThat(second).hasSize(3).doesNotContainAnyElementsOf(first);

    follow("#jobs .pager a[rel=prev]");

    assertThat(jobRows()).containsExactlyElementsOf(first);
    assertThat(driver.findElements(By.cssSelector("#jobs .pager a[rel=prev]")))
        .as("back at the first page, no page before it")
        .isEmpty();
    follow("#jobs .pager a[rel=next]");
    assertThat(jobRows()).containsExactlyElementsOf(second);
  }

  /** Clicks the link {@code css} and waits until the page it leads to is ready. */
  private void follow(String css) {
    String href = wait.until(d -> d.findElement(By.cssSelector(css)).getDomProperty("href"));
    click(css);
    wait.until(ExpectedConditions.urlToBe(href));
    awaitPageReady();
  }

  /** The ids of the jobs list's rows, in order, read in one go. */
  @SuppressWarnings("unchecked")
  private List<String> jobRows() {
    return (List<String>)
        driver.executeScript(
            "return Array.from(document.querySelectorAll('#jobs tr[data-job]'),"
                + " row => row.getAttribute('data-job'));");
  }

  @Test
  void selectedRows_holdLiveUpdates_untilRetrySelectedActsOnThemAlone() throws Exception {
    String first = enqueue("image.resize", "images", "{\"name\":\"a.gif\"}");
    String second = enqueue("image.resize", "images", "{\"name\":\"b.gif\"}");
    awaitState(first, "failed");
    awaitState(second, "failed");
    api("POST", "/api/queues/images/pause", null);
    logIn();
    open("/jobs?state=failed");
    wait.until(ExpectedConditions.textToBe(By.id("live-status"), "live"));

    click("#jobs tr[data-job='" + first + "'] input[data-select]");
    assertThat(textOf("#bulk [data-bulk-count]")).isEqualTo("1 selected");
    String late = enqueue("image.resize", "images", "{\"name\":\"late.gif\"}");
    api("POST", "/api/queues/images/resume", null);
    awaitState(late, "failed");
    api("POST", "/api/queues/images/pause", null);
    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-updates-held", "true"));
    assertThat(driver.findElements(By.cssSelector("#jobs tr[data-job='" + late + "']")))
        .as("a row that would shift the list while a job is selected")
        .isEmpty();
    assertThat(
            driver
                .findElement(By.cssSelector("#jobs tr[data-job='" + first + "'] input"))
                .isSelected())
        .isTrue();

    click("#bulk button[data-bulk-action=retry]");
    assertThat(confirmation()).isEqualTo("Retry the 1 selected job?");
    click("#confirm-yes");

    wait.until(ExpectedConditions.textToBe(By.id("toast"), "Retried 1 job. Pending jobs"));
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#jobs tr[data-job='" + late + "']")));
    assertThat(driver.findElements(By.cssSelector("#jobs tr[data-job='" + first + "']"))).isEmpty();
    assertThat(api("GET", "/api/jobs/" + first, null).get("state").asText()).isEqualTo("pending");
    assertThat(api("GET", "/api/jobs/" + second, null).get("state").asText()).isEqualTo("failed");
    assertThat(driver.findElement(By.id("bulk")).isDisplayed()).isFalse();
  }

  @Test
  void jobPage_keepsAnOpenedAttempt_andASelectedStackTrace_acrossLiveUpdates() throws Exception {
    api("POST", "/api/queues/reports/pause", null);
    String id =
        api(
                "POST",
                "/api/jobs",
                "{\"kind\":\"pdf.flaky\",\"queue\":\"reports\",\"maxAttempts\":3,"
                    + "\"retry\":{\"policy\":\"fixed\",\"delay\":\"PT0.05S\"},"
                    + "\"payload\":{\"name\":\"draft.pdf\"}}")
            .get("id")
            .asText();
    api("POST", "/api/queues/reports/resume", null);
    assertThat(thirdAttempt.await(10, TimeUnit.SECONDS)).as("the third attempt started").isTrue();
    logIn();
    open("/jobs/" + id);
    wait.until(ExpectedConditions.textToBe(By.id("live-status"), "live"));
    assertThat(textOf("#job-state")).isEqualTo("running");
    String attempt1 = "#job details[data-attempt='1']";
    assertThat(driver.findElement(By.cssSelector(attempt1)).getDomProperty("open"))
        .as("an older attempt starts closed")
        .isEqualTo("false");

    click(attempt1 + " summary");
    wait.until(d -> "true".equals(d.findElement(By.cssSelector(attempt1)).getDomProperty("open")));
    String selected =
        (String)
            driver.executeScript(
                "var pre = document.querySelector(\"#job details[data-attempt='2'] pre.stack\");"
                    + "var range = document.createRange(); range.selectNodeContents(pre);"
                    + "var s = window.getSelection(); s.removeAllRanges(); s.addRange(range);"
                    + "return s.toString();");
    assertThat(selected).startsWith("java.lang.IllegalStateException: attempt 2 of draft.pdf");

    finishThird.countDown();
    awaitState(id, "completed");

    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-updates-held", "true"));
    assertThat(driver.executeScript("return window.getSelection().toString();"))
        .as("the selection, while the job changed")
        .isEqualTo(selected);
    assertThat(textOf("#job-state")).as("held while text is selected").isEqualTo("running");

    driver.executeScript("window.getSelection().removeAllRanges();");

    wait.until(ExpectedConditions.textToBe(By.id("job-state"), "completed"));
    assertThat(driver.findElement(By.cssSelector(attempt1)).getDomProperty("open"))
        .as("the attempt the operator opened, after the page refreshed")
        .isEqualTo("true");
  }

  @Test
  void pausedUpdates_stayPaused_untilTheToggleResumesThem() throws Exception {
    api("POST", "/api/queues/mail/pause", null);
    logIn();
    open("/jobs?queue=mail");
    wait.until(ExpectedConditions.textToBe(By.id("live-status"), "live"));

    click("#live-toggle");
    assertThat(textOf("#live-toggle")).isEqualTo("Resume updates");
    driver.executeScript(
        "window.docketSwaps = 0;"
            + "document.addEventListener('htmx:afterSwap', function () { window.docketSwaps++; });");
    String id = enqueue("mail.send", "mail", "{\"to\":\"grace@example.com\"}");
    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-updates-held", "true"));
    // A refresh asked for by hand is held too: by the time it is, the first would have landed.
    driver.executeScript(
        "document.body.removeAttribute('data-updates-held');"
            + "htmx.trigger(document.getElementById('jobs'), 'docket-live');");
    wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-updates-held", "true"));
    assertThat(driver.executeScript("return window.docketSwaps;")).isEqualTo(0L);
    assertThat(driver.findElements(By.cssSelector("#jobs tr[data-job='" + id + "']"))).isEmpty();

    click("#live-toggle");

    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#jobs tr[data-job='" + id + "']")));
    assertThat(textOf("#live-toggle")).isEqualTo("Pause updates");
  }

  @Test
  void screenshots_showTheQueuesWithTheirThroughput_andADeadJobsStackTrace() throws Exception {
    var jobs = new ArrayList<String>();
    for (int i = 0; i < 6; i++) {
      jobs.add(enqueue("mail.send", "mail", "{\"to\":\"user" + i + "@example.com\"}"));
    }
    jobs.add(enqueue("report.build", "reports", "{\"name\":\"daily\"}"));
    jobs.add(enqueue("report.build", "reports", "{\"name\":\"weekly\"}"));
    String dead = enqueue("image.resize", "images", "{\"name\":\"logo.tiff\"}");
    api(
        "POST",
        "/api/jobs",
        "{\"kind\":\"mail.send\",\"queue\":\"mail\",\"delay\":\"PT1H\",\"payload\":{\"to\":\"later@example.com\"}}");
    for (String id : jobs) {
      awaitState(id, "completed");
    }
    awaitState(dead, "failed");

    logIn();
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector("#queues tr[data-queue=mail] td:nth-child(6)"), "6"));
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector("#queues tr[data-queue=images] td:nth-child(7)"), "1"));
    assertThat(textOf("#queues tr[data-queue=mail] td:nth-child(4)")).isEqualTo("1");
    wait.until(
        ExpectedConditions.attributeToBe(
            By.id("throughput"), "data-completed-total", String.valueOf(jobs.size())));
    Path overview = screenshot("dashboard.png");

    open("/jobs/" + dead);
    WebElement stack =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#job pre.stack")));
    assertThat(stack.getText())
        .startsWith("dev.docket.usecase.NonRetryableException: Image logo.tiff is not a PNG.")
        .contains("at dev.docket.http.DashboardBrowserTest");
    assertThat(textOf("#job-state")).isEqualTo("failed");
    Path job = screenshot("job.png");

    BrowserPage.assertIsAPictureOfAPage(overview);
    BrowserPage.assertIsAPictureOfAPage(job);
  }

  // ---- The browser -----------------------------------------------------------------------

  private String url(String path) {
    return server.url() + path;
  }

  /** Logs in through the login route, then opens the queues. */
  private void logIn() throws Exception {
    browser.logIn(server.url(), TOKEN);
    open("/");
  }

  private void open(String path) {
    driver.get(url(path));
    awaitPageReady();
  }

  /** Waits until the page's deferred scripts ran, so htmx handles its buttons and polling. */
  private void awaitPageReady() {
    wait.until(
        d ->
            ((JavascriptExecutor) d)
                .executeScript(
                    "return document.readyState === 'complete' && typeof htmx !== 'undefined';"));
  }

  /**
   * The text of the visible element {@code css}, read inside the wait: htmx may swap the element
   * out between finding it and reading it, and then it is found again.
   */
  private String textOf(String css) {
    return wait.until(
        d -> {
          WebElement element = d.findElement(By.cssSelector(css));
          return element.isDisplayed() ? element.getText() : null;
        });
  }

  /** Clicks a form's button and waits for the page the form's answer replaces it with. */
  private void submit(String css) {
    // Found and clicked in one script: a live refresh may swap the form between a lookup and a
    // click made apart, and the click then lands on a node no longer in the document.
    driver.executeScript(
        "window.docketBeforeSubmit = true; document.querySelector(arguments[0]).click();", css);
    wait.until(
        d ->
            ((JavascriptExecutor) d)
                .executeScript(
                    "return window.docketBeforeSubmit === undefined"
                        + " && document.readyState === 'complete';"));
  }

  private String pageText() {
    return driver.findElement(By.tagName("body")).getText().replace('\n', ' ');
  }

  /**
   * Clicks an element htmx may swap out meanwhile: a stale one is found again. Waits first until no
   * live part is being refreshed, as an operator's click usually comes: a button's {@code hx-sync}
   * aborts its section's refresh in flight, and htmx logs the abort as a console error.
   */
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

  private Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name);
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  // ---- The API ---------------------------------------------------------------------------

  private String enqueue(String kind, String queue, String payload) throws Exception {
    return api(
            "POST",
            "/api/jobs",
            "{\"kind\":\"%s\",\"queue\":\"%s\",\"payload\":%s}".formatted(kind, queue, payload))
        .get("id")
        .asText();
  }

  /** A job tagged {@code batch=7}. */
  private String enqueueTagged(String kind, String queue, String payload) throws Exception {
    return api(
            "POST",
            "/api/jobs",
            "{\"kind\":\"%s\",\"queue\":\"%s\",\"tags\":[\"batch=7\"],\"payload\":%s}"
                .formatted(kind, queue, payload))
        .get("id")
        .asText();
  }

  /** The question the dashboard's dialog asks, once it is open. */
  private String confirmation() {
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
    return textOf("#confirm-text");
  }

  private void awaitState(String id, String state) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> api("GET", "/api/jobs/" + id, null).get("state").asText().equals(state));
  }

  /** The schedule's jobs that Run now made: slot jobs carry a unique key, these none. */
  private List<JsonNode> handRunJobs() throws Exception {
    JsonNode page = api("GET", "/api/jobs?kind=report.build", null);
    return StreamSupport.stream(page.get("jobs").spliterator(), false)
        // Run now's job carries a key of its own, so the schedule's history can tell it apart.
        .filter(
            job ->
                job.get("uniqueKey")
                    .asText()
                    .startsWith("docket:schedule:monthly-invoices, run now at "))
        .toList();
  }

  private JsonNode api(String method, String path, String body) throws Exception {
    HttpResponse<String> response = send(method, path, body);
    assertThat(response.statusCode())
        .as("%s %s answered %s", method, path, response.body())
        .isBetween(200, 299);
    return JSON.readTree(response.body());
  }

  private int apiStatus(String method, String path) throws Exception {
    return send(method, path, null).statusCode();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return BrowserPage.send(http, url(path), TOKEN, method, body);
  }
}
