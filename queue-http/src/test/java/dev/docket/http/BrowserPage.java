package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the dashboard's browser tests do to a page and to the API beside it: open a path and wait
 * for its scripts, read text and attributes as htmx swaps them, take screenshots, collect console
 * errors, and call the API with a token.
 */
final class BrowserPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChromeDriver driver;
  private final WebDriverWait wait;
  private final Supplier<String> origin;

  /**
   * @param origin the server's origin, asked each time: a test starts its server after the page
   */
  BrowserPage(ChromeDriver driver, WebDriverWait wait, Supplier<String> origin) {
    this.driver = driver;
    this.wait = wait;
    this.origin = origin;
  }

  String url(String path) {
    return origin.get() + path;
  }

  /** Opens {@code path} and waits until the page and htmx have loaded. */
  void open(String path) {
    driver.get(url(path));
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
  String textOf(String css) {
    return wait.until(
        d -> {
          WebElement element = d.findElement(By.cssSelector(css));
          return element.isDisplayed() ? element.getText() : null;
        });
  }

  /** An attribute of the element {@code css}, read inside the wait as {@link #textOf} reads. */
  String attributeOf(String css, String attribute) {
    return wait.until(d -> d.findElement(By.cssSelector(css)).getDomAttribute(attribute));
  }

  /** A screenshot of the window in {@link DashboardBrowserTest#SCREENSHOTS}. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(DashboardBrowserTest.SCREENSHOTS);
    Path file = DashboardBrowserTest.SCREENSHOTS.resolve(name);
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /** The errors the browser's console logged since the last call, but for a missing favicon. */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .filter(m -> !m.contains("/favicon.ico - "))
        .toList();
  }

  /** Checks that {@code file} is a PNG of a desktop window. */
  static void assertIsAPictureOfAPage(Path file) throws IOException {
    assertIsAPictureOfAPage(file, 1200, 700);
  }

  /** Checks that {@code file} is a PNG at least {@code minWidth} by {@code minHeight}. */
  static void assertIsAPictureOfAPage(Path file, int minWidth, int minHeight) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes)
        .as("%s starts with the PNG signature", file)
        .startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).as("width of %s", file).isGreaterThanOrEqualTo(minWidth);
    assertThat(image.getHeight()).as("height of %s", file).isGreaterThanOrEqualTo(minHeight);
  }

  /**
   * Calls the API with {@code token} and checks that it answered 2xx.
   *
   * @param body JSON to send, or null for none
   */
  JsonNode api(HttpClient http, String token, String method, String path, String body)
      throws Exception {
    HttpResponse<String> response = send(http, url(path), token, method, body);
    assertThat(response.statusCode())
        .as("%s %s answered %s", method, path, response.body())
        .isBetween(200, 299);
    return JSON.readTree(response.body());
  }

  /**
   * Sends {@code method} to {@code url} with {@code token}, whatever the status.
   *
   * @param body JSON to send, or null for none
   */
  static HttpResponse<String> send(
      HttpClient http, String url, String token, String method, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .timeout(Duration.ofSeconds(10));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
