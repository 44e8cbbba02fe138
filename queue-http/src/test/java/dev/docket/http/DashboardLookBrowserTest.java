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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.stream.IntStream;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How the dashboard looks and answers the keyboard, in headless Chromium: every page on a 390 px
 * phone without sideways scrolling, light and dark (following the system) with readable text, and
 * the keyboard shortcuts. The data is what makes pages wide in real life: many queues, long kind
 * and schedule names, long error messages, counts in the thousands. Each page is saved as a PNG
 * under {@code target/screenshots} for each look ({@code desktop-}, {@code dark-}, {@code phone-});
 * {@code docs/images} holds a copy of some.
 */
@Tag("browser")
@Timeout(120)
class DashboardLookBrowserTest {
  static final String TOKEN = "dashboard-look-test-token";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  record Mail(String to) {}

  record Invoice(String customer) {}

  record Export(String tenant) {}

  record Report(String name) {}

  static final JobType<Mail> SEND_MAIL = JobType.of("mail.send", Mail.class);

  /** A kind with a name as long as real ones get; its jobs always fail, with a long message. */
  static final JobType<Invoice> RENDER_INVOICE =
      JobType.of(
          "billing.invoice.render-monthly-statement-pdf-for-enterprise-customers", Invoice.class);

  /** A kind no node runs, on a queue no node serves: its jobs stay due, by the thousand. */
  static final JobType<Export> EXPORT = JobType.of("exports.csv.generate-for-tenant", Export.class);

  static final JobType<Report> BUILD_REPORT = JobType.of("report.build", Report.class);

  static final String LONG_ERROR =
      "Payment provider refused the charge for invoice INV-2026-000123456: POST"
          + " https://payments.example.com/api/v2/customers/cus_8f3a9c2e71d04b5f/invoices/"
          + "inv_1f2e3d4c5b6a7980/charges?expand=lines,discounts,tax_breakdown answered 402 Payment"
          + " Required after 3 tries; the card ending 4242 was declined (insufficient_funds) and"
          + " the customer has no other payment method on file.";

  /** Served queues, named as teams name them: long, and many of them. */
  static final List<String> QUEUES =
      List.of(
          "mail",
          "billing-invoices-eu-west-1",
          "notifications-push-high-priority",
          "search-index-rebuild",
          "webhooks-outbound-retry",
          "payments-reconciliation-nightly",
          "thumbnails",
          "analytics-events-ingest",
          "reports");

  static final String UNSERVED_QUEUE = "exports-csv-large-tenants";
  static final int EXPORTS = 1_234;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static HeadlessChromium browser;
  private static ChromeDriver driver;
  private static WebDriverWait wait;

  private DocketRuntime runtime;
  private DocketServer server;
  private HttpClient http;
  private String deadJob;

  private final List<String> expectedConsoleErrors =
      new ArrayList<>(
          List.of(
              "/favicon.ico - ",
              // the error page is a page with a 404 status
              "Failed to load resource: the server responded with a status of 404"));

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
  void startServer_withJobsThatMakePagesWide() throws Exception {
    var options = RuntimeOptions.builder().owner("web-1").pollInterval(Duration.ofMillis(100));
    QUEUES.forEach(queue -> options.queue(queue, queue.equals("mail") ? 2 : 1));
    var injector =
        Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(options.build()),
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
                            RENDER_INVOICE,
                            (invoice, c) -> {
                              throw new NonRetryableException(LONG_ERROR);
                            }));
                handlers
                    .addBinding()
                    .toInstance(HandlerBinding.of(BUILD_REPORT, (report, c) -> {}));
                var schedules = DocketModule.schedules(binder());
                schedules
                    .addBinding()
                    .toInstance(
                        Schedule.cron(
                            "monthly-invoices",
                            "0 6 1 * *",
                            ZoneOffset.UTC,
                            JobRequest.of(BUILD_REPORT, new Report("invoices"))
                                .queue("reports")
                                .build()));
                schedules
                    .addBinding()
                    .toInstance(
                        Schedule.every(
                            "search-index-rebuild-for-every-tenant-in-every-region",
                            Duration.ofMinutes(90),
                            JobRequest.of(BUILD_REPORT, new Report("index"))
                                .queue("search-index-rebuild")
                                .build()));
              }
            });
    runtime = injector.getInstance(DocketRuntime.class);
    runtime.start();
    server = injector.getInstance(DocketServer.class);
    server.start();
    http = HttpClient.newHttpClient();

    runtime
        .client()
        .submitAll(
            IntStream.range(0, EXPORTS)
                .mapToObj(
                    i ->
                        JobRequest.of(EXPORT, new Export("tenant-" + i))
                            .queue(UNSERVED_QUEUE)
                            .tags("tenant-" + i, "requested-by-customer-success-team")
                            .build())
                .toList());
    int mails = 8;
    for (int i = 0; i < mails; i++) {
      runtime
          .client()
          .submit(
              JobRequest.of(SEND_MAIL, new Mail("user" + i + "@example.com"))
                  .queue("mail")
                  .build());
    }
    var dead = new ArrayList<String>();
    for (String customer : List.of("acme-industries", "globex", "initech")) {
      dead.add(
          runtime
              .client()
              .submit(
                  JobRequest.of(RENDER_INVOICE, new Invoice(customer))
                      .queue("billing-invoices-eu-west-1")
                      .tags("customer-" + customer, "monthly-statement")
                      .build())
              .id()
              .toString());
    }
    runtime
        .client()
        .submit(
            JobRequest.of(SEND_MAIL, new Mail("later@example.com"))
                .queue("mail")
                .delay(Duration.ofHours(2))
                .build());
    deadJob = dead.get(0);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                api("GET", "/api/jobs?state=failed", null).get("jobs").size() == dead.size()
                    && api("GET", "/api/jobs?state=completed", null).get("jobs").size() == mails);
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
      assertThat(errors).as("errors in the browser console (a CSP refusal is one)").isEmpty();
    } finally {
      browser.resetEmulation();
      driver.get("about:blank");
      http.close();
      server.close();
      runtime.close();
    }
  }

  // ---- Tests -----------------------------------------------------------------------------

  @Test
  void onAPhone_noPageIsWiderThanTheScreen() throws Exception {
    browser.viewport(390, 844, true);

    forEveryPage(
        page -> {
          var width = measure();
          assertThat(width.get("client")).as("the viewport of %s", page).isEqualTo(390L);
          assertThat(width.get("scroll"))
              .as("the width of %s at 390 px; wider than the screen: %s", page, width)
              .isLessThanOrEqualTo(width.get("client"));
          BrowserPage.assertIsAPictureOfAPage(screenshot("phone-" + page), 390, 700);
        });
  }

  @Test
  void inLightMode_pagesAreLightWithDarkText_allReadable() throws Exception {
    browser.viewport(1280, 860, false);
    browser.prefersColourScheme("light");

    forEveryPage(
        page -> {
          Look look = look();
          assertThat(look.background())
              .as("luminance of the page's background on %s", page)
              .isGreaterThan(0.8);
          assertThat(look.text()).as("luminance of the page's text on %s", page).isLessThan(0.05);
          assertThat(look.unreadable()).as("text below AA contrast on %s", page).isEmpty();
          var width = measure();
          assertThat(width.get("scroll"))
              .as("width of %s", page)
              .isLessThanOrEqualTo(width.get("client"));
          BrowserPage.assertIsAPictureOfAPage(screenshot("desktop-" + page), 1200, 700);
        });
  }

  @Test
  void inDarkMode_pagesAreDarkWithLightText_allReadable_andTheChartToo() throws Exception {
    browser.viewport(1280, 860, false);
    browser.prefersColourScheme("dark");

    forEveryPage(
        page -> {
          Look look = look();
          assertThat(look.background())
              .as("luminance of the page's background on %s", page)
              .isLessThan(0.03);
          assertThat(look.text()).as("luminance of the page's text on %s", page).isGreaterThan(0.6);
          assertThat(look.unreadable()).as("text below AA contrast on %s", page).isEmpty();
          if (page.equals("overview")) {
            assertThat(chartColours())
                .as("the chart draws with the dark palette")
                .containsEntry("completed", cssVariable("--ok"))
                .containsEntry("failed", cssVariable("--bad"));
            assertThat(
                    ((Number) js("return docketLook.contrast('chartTicks', 'panel');"))
                        .doubleValue())
                .as("contrast of the chart's labels on the panel")
                .isGreaterThanOrEqualTo(4.5);
          }
          BrowserPage.assertIsAPictureOfAPage(screenshot("dark-" + page), 1200, 700);
        });
    open("/");
    new Actions(driver).sendKeys("?").perform();
    wait.until(d -> Boolean.TRUE.equals(js("return document.getElementById('shortcuts').open;")));
    assertThat(look().unreadable()).as("text below AA contrast in the help").isEmpty();
    BrowserPage.assertIsAPictureOfAPage(screenshot("dark-shortcuts"), 1200, 700);
  }

  @Test
  void theChart_turnsDark_whenTheSystemDoes_withoutAReload() throws Exception {
    browser.prefersColourScheme("light");
    logIn();
    awaitChart();
    String light = chartColours().get("completed");
    assertThat(light).isEqualTo(cssVariable("--ok"));
    driver.executeScript("window.docketPageMark = 'not reloaded';");

    browser.prefersColourScheme("dark");

    wait.until(d -> !chartColours().get("completed").equals(light));
    assertThat(chartColours()).containsEntry("completed", cssVariable("--ok"));
    assertThat(js("return window.docketPageMark;")).isEqualTo("not reloaded");
  }

  @Test
  void questionMark_opensTheShortcutsHelp_andEscapeClosesIt() throws Exception {
    logIn();
    open("/jobs");

    new Actions(driver).sendKeys("?").perform();

    wait.until(d -> Boolean.TRUE.equals(js("return document.getElementById('shortcuts').open;")));
    String help = driver.findElement(By.id("shortcuts")).getText();
    assertThat(help)
        .contains("Keyboard shortcuts")
        .contains("g then q\nQueues")
        .contains("g then j\nJobs")
        .contains("g then f\nDead letter")
        .contains("g then s\nSchedules")
        .contains("/\nFind a job by id");
    new Actions(driver).sendKeys(Keys.ESCAPE).perform();
    wait.until(d -> Boolean.FALSE.equals(js("return document.getElementById('shortcuts').open;")));

    driver.findElement(By.id("shortcuts-open")).click();
    wait.until(d -> Boolean.TRUE.equals(js("return document.getElementById('shortcuts').open;")));
    driver.findElement(By.cssSelector("#shortcuts button")).click();
    wait.until(d -> Boolean.FALSE.equals(js("return document.getElementById('shortcuts').open;")));
  }

  @Test
  void gThenALetter_goesToItsPage() throws Exception {
    logIn();

    new Actions(driver).sendKeys("gj").perform();
    wait.until(ExpectedConditions.urlToBe(url("/jobs")));
    awaitPageReady();
    new Actions(driver).sendKeys("gf").perform();
    wait.until(ExpectedConditions.urlToBe(url("/jobs?state=failed")));
    awaitPageReady();
    new Actions(driver).sendKeys("gs").perform();
    wait.until(ExpectedConditions.urlToBe(url("/schedules")));
    awaitPageReady();
    new Actions(driver).sendKeys("gq").perform();
    wait.until(ExpectedConditions.urlToBe(url("/")));
  }

  @Test
  void slash_focusesTheJobSearch_whereKeysAreTypedNotShortcuts() throws Exception {
    logIn();
    open("/schedules");

    new Actions(driver).sendKeys("/").perform();

    wait.until(d -> Boolean.TRUE.equals(js("return document.activeElement.name === 'id';")));
    new Actions(driver).sendKeys("gj?").perform();
    assertThat(js("return document.activeElement.value;")).isEqualTo("gj?");
    assertThat(js("return !!document.getElementById('shortcuts');")).isEqualTo(false);
    WebElement search = driver.switchTo().activeElement();
    search.clear();
    search.sendKeys(deadJob, Keys.ENTER);
    wait.until(ExpectedConditions.urlToBe(url("/jobs/" + deadJob)));
  }

  // ---- The pages -------------------------------------------------------------------------

  /**
   * Opens each page and hands it to {@code check} by the name its screenshot takes: the login page
   * logged out, then, logged in, the others.
   */
  private void forEveryPage(PageCheck check) throws Exception {
    driver.manage().deleteAllCookies();
    driver.get(url("/login"));
    wait.until(d -> "complete".equals(js("return document.readyState;")));
    check.on("login");
    logIn();
    var pages = new LinkedHashMap<String, ThrowingRunnable>();
    pages.put(
        "overview",
        () -> {
          open("/");
          wait.until(
              ExpectedConditions.textToBePresentInElementLocated(
                  By.cssSelector("#queues tr[data-queue='" + UNSERVED_QUEUE + "']"), "1,234"));
          awaitChart();
        });
    pages.put("jobs", () -> open("/jobs"));
    pages.put("dead-letter", () -> open("/jobs?state=failed"));
    pages.put(
        "job",
        () -> {
          open("/jobs/" + deadJob);
          wait.until(
              ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#job pre.stack")));
        });
    pages.put("schedules", () -> open("/schedules"));
    pages.put("nodes", () -> open("/nodes"));
    pages.put("audit", () -> open("/audit"));
    pages.put(
        "history",
        () -> {
          open("/history?range=day");
          wait.until(
              ExpectedConditions.attributeToBeNotEmpty(
                  driver.findElement(By.cssSelector("[data-history]")), "data-points"));
        });
    pages.put(
        "schedule", () -> open("/schedules/search-index-rebuild-for-every-tenant-in-every-region"));
    pages.put(
        "error",
        () -> {
          open("/jobs/" + UUID.randomUUID());
          assertThat(driver.getTitle()).isEqualTo("Error · Docket");
        });
    for (var page : pages.entrySet()) {
      page.getValue().run();
      check.on(page.getKey());
    }
  }

  @FunctionalInterface
  interface PageCheck {
    void on(String page) throws Exception;
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * What a page looks like: its background's and text's luminance (0 black to 1 white), and each
   * piece of visible text below WCAG AA contrast with what is behind it.
   */
  record Look(double background, double text, List<String> unreadable) {}

  private void awaitChart() {
    wait.until(
        ExpectedConditions.attributeToBeNotEmpty(
            driver.findElement(By.id("throughput")), "data-completed-total"));
  }

  // ---- What the browser measures ---------------------------------------------------------

  /** The document's scroll width and its viewport's width, in CSS pixels. */
  @SuppressWarnings("unchecked")
  private Map<String, Long> measure() {
    return (Map<String, Long>)
        js(
            "var e = document.documentElement;"
                + " return {scroll: e.scrollWidth, client: e.clientWidth};");
  }

  /** The page's {@link Look}; AA is 4.5:1, or 3:1 for large text. */
  @SuppressWarnings("unchecked")
  private Look look() {
    installLook();
    var look = (Map<String, Object>) js("return docketLook.report();");
    return new Look(
        ((Number) look.get("background")).doubleValue(),
        ((Number) look.get("text")).doubleValue(),
        (List<String>) look.get("unreadable"));
  }

  private Map<String, String> chartColours() {
    @SuppressWarnings("unchecked")
    var colours =
        (Map<String, String>)
            js(
                "var c = Chart.getChart(document.getElementById('throughput'));"
                    + " return {completed: c.data.datasets[0].backgroundColor,"
                    + " failed: c.data.datasets[1].backgroundColor};");
    return colours;
  }

  private String cssVariable(String name) {
    return (String)
        js(
            "return getComputedStyle(document.documentElement).getPropertyValue(arguments[0]).trim();",
            name);
  }

  /** Puts the contrast helpers into the page: WebDriver's scripts are not held to its CSP. */
  private void installLook() {
    js(
        """
        window.docketLook = (function () {
          function rgba(text) {
            var m = /rgba?\\(([^)]+)\\)/.exec(text);
            if (!m) return null;
            var p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
            return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
          }
          function luminance(c) {
            function ch(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
            return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
          }
          function ratio(a, b) {
            var x = luminance(a), y = luminance(b);
            return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
          }
          function behind(el) {
            for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
              var c = rgba(getComputedStyle(e).backgroundColor);
              if (c && c.a > 0.5) return c;
            }
            return rgba(getComputedStyle(document.body).backgroundColor);
          }
          function ownText(el) {
            for (var n = el.firstChild; n; n = n.nextSibling) {
              if (n.nodeType === 3 && n.textContent.trim()) return n.textContent.trim();
            }
            return null;
          }
          var skip = { SCRIPT: 1, STYLE: 1, TITLE: 1, OPTION: 1, DATALIST: 1, SELECT: 1, CANVAS: 1 };
          function report() {
            var unreadable = [];
            document.querySelectorAll("body *").forEach(function (el) {
              var text = ownText(el);
              if (!text || skip[el.tagName] || el.closest("select, datalist")) return;
              if (!el.getClientRects().length) return;
              var style = getComputedStyle(el);
              if (style.visibility !== "visible" || el.closest("[hidden]")) return;
              var size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
              var needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
              var got = ratio(rgba(style.color), behind(el));
              if (got < needed) {
                unreadable.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                    + " '" + text.substring(0, 40) + "' " + style.color + " on "
                    + JSON.stringify(behind(el)) + ": " + got.toFixed(2));
              }
            });
            var body = getComputedStyle(document.body);
            return { background: luminance(rgba(body.backgroundColor)),
                     text: luminance(rgba(body.color)), unreadable: unreadable };
          }
          function colourOf(name) {
            if (name === "panel") return behind(document.querySelector(".panel"));
            if (name === "chartTicks") {
              var probe = document.createElement("span");
              probe.style.color = Chart.getChart(document.getElementById("throughput")).options.scales.x.ticks.color;
              document.body.appendChild(probe);
              var c = rgba(getComputedStyle(probe).color);
              probe.remove();
              return c;
            }
            return null;
          }
          return { report: report, contrast: function (a, b) { return ratio(colourOf(a), colourOf(b)); } };
        })();
        """);
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
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

  /** Waits until the page's deferred scripts ran: htmx and the shortcuts are there. */
  private void awaitPageReady() {
    wait.until(
        d ->
            Boolean.TRUE.equals(
                js(
                    "return document.readyState === 'complete' && typeof htmx !== 'undefined'"
                        + " && !document.getElementById('shortcuts-open').hidden;")));
  }

  private Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  // ---- The API ---------------------------------------------------------------------------

  private JsonNode api(String method, String path, String body) throws Exception {
    HttpResponse<String> response = BrowserPage.send(http, url(path), TOKEN, method, body);
    assertThat(response.statusCode())
        .as("%s %s answered %s", method, path, response.body())
        .isBetween(200, 299);
    return JSON.readTree(response.body());
  }
}
