package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.AbstractModule;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Governance in a real browser: an operator who logs in with the read-only token sees every page
 * without a single action button, and the Audit page lists the changes others made. Headless
 * Chromium against one server on the memory store.
 */
@Tag("browser")
@Timeout(60)
class GovernanceBrowserTest {
  static final String READ_TOKEN = "governance-browser-read-token-4b3c2d1e";
  static final JobType<JsonNode> BROKEN = JobType.of("gov.browser.broken", JsonNode.class);

  private static HttpFixture docket;
  private static HeadlessChromium browser;
  private static ChromeDriver driver;
  private static WebDriverWait wait;

  @BeforeAll
  static void start() throws IOException {
    HeadlessChromium.requireInstalled();
    docket =
        HttpFixture.start(
            RuntimeOptions.builder().queue("images", 1).pollInterval(Duration.ofMillis(50)).build(),
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
                              throw new NonRetryableException("not a PNG");
                            }));
              }
            });
    browser = HeadlessChromium.start();
    driver = browser.driver();
    wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50));
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        driver.get("about:blank");
        browser.close();
      }
    } finally {
      if (docket != null) {
        docket.close();
      }
    }
  }

  @Test
  void aReadOnlyLogin_seesEveryPageWithoutActions_andTheAuditPageListsTheChanges()
      throws IOException {
    String id =
        docket
            .runtime
            .client()
            .submit(JobRequest.ofJson(BROKEN.kind(), "{}").queue("images").maxAttempts(1).build())
            .id()
            .toString();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> docket.state(id).equals("failed"));
    assertThat(docket.post("/api/queues/images/pause").status()).isEqualTo(200);
    assertThat(docket.post("/api/queues/images/resume").status()).isEqualTo(200);

    driver.get(docket.origin() + "/login");
    driver.findElement(By.id("token")).sendKeys(READ_TOKEN);
    WebElement button = driver.findElement(By.cssSelector("#login button[type=submit]"));
    button.click();
    wait.until(ExpectedConditions.stalenessOf(button));
    wait.until(ExpectedConditions.urlToBe(docket.origin() + "/"));

    for (String path : List.of("/", "/jobs?state=failed", "/jobs/" + id, "/schedules")) {
      driver.get(docket.origin() + path);
      wait.until(
          d ->
              ((JavascriptExecutor) d).executeScript("return document.readyState === 'complete';"));
      assertThat(driver.findElement(By.cssSelector(".badge.read-only")).isDisplayed())
          .as("the read-only badge on %s", path)
          .isTrue();
      assertThat(
              driver.findElements(By.cssSelector("main button[hx-post], main button[hx-delete]")))
          .as("action buttons on %s", path)
          .isEmpty();
      assertThat(driver.findElements(By.cssSelector("[data-bulk-action], [data-matching-action]")))
          .as("bulk actions on %s", path)
          .isEmpty();
    }

    driver.findElement(By.cssSelector("nav a[href='/audit']")).click();
    wait.until(ExpectedConditions.urlToBe(docket.origin() + "/audit"));
    String table = driver.findElement(By.cssSelector("table.audit")).getText();
    assertThat(table)
        .contains("admin token", "POST /api/queues/{name}/pause", "queue images")
        .contains("POST /api/queues/{name}/resume");
    Path screenshots = Path.of("target", "screenshots");
    Files.createDirectories(screenshots);
    Files.write(screenshots.resolve("audit.png"), driver.getScreenshotAs(OutputType.BYTES));

    List<String> errors =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .filter(m -> !m.contains("/favicon.ico - "))
            .toList();
    assertThat(errors).as("errors in the browser console").isEmpty();
  }
}
