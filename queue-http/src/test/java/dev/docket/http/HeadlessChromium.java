package dev.docket.http;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver, for browser tests.
 *
 * <p>Where either program is missing, {@link #requireInstalled()} skips the test with the reason,
 * or fails it when {@value #REQUIRE_BROWSER} is {@code true} (CI sets that, so a missing browser
 * cannot pass as a green build). Each {@link #start()} gets a fresh profile, deleted on {@link
 * #close()}. With both paths given, Selenium Manager downloads nothing. Not thread-safe: one test
 * drives one browser.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final String REQUIRE_BROWSER = "DOCKET_REQUIRE_BROWSER";

  private final ChromeDriver driver;
  private final Path profile;

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips the calling test, or fails it where the browser is required, unless both exist. */
  static void requireInstalled() {
    List<String> missing =
        Stream.of(BROWSER, DRIVER).filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
    if (missing.isEmpty()) {
      return;
    }
    String why =
        "Browser tests need %s, which is not installed here (apt-get install chromium"
                .formatted(String.join(" and ", missing))
            + " chromium-driver).";
    if ("true".equals(System.getenv(REQUIRE_BROWSER))) {
      fail(why + " " + REQUIRE_BROWSER + " is true, so this fails instead of being skipped.");
    }
    Assumptions.assumeTrue(
        false, why + " Skipped; set " + REQUIRE_BROWSER + "=true to make this a failure.");
  }

  /** A new browser with an empty profile, its console log kept for {@link #driver()} to read. */
  static HeadlessChromium start() throws IOException {
    Path profile = Files.createTempDirectory("docket-chromium-");
    var options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    var service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .withSilent(true)
            .build();
    try {
      return new HeadlessChromium(new ChromeDriver(service, options), profile);
    } catch (RuntimeException e) {
      delete(profile);
      throw e;
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  /**
   * Logs in to the dashboard at {@code baseUrl} as a script would, posting {@code token} to {@code
   * /login}, and gives the browser the session cookie it answers with; the login form has a test of
   * its own. The browser is left on a page of the server's origin.
   */
  void logIn(String baseUrl, String token) throws Exception {
    java.net.http.HttpResponse<String> response;
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      response =
          http.send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "token=" + token + "&next=%2F"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
    }
    org.assertj.core.api.Assertions.assertThat(response.statusCode())
        .as("login answered %s", response.body())
        .isEqualTo(303);
    String prefix = Access.SESSION_COOKIE + "=";
    String cookie =
        response.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(prefix))
            .findFirst()
            .orElseThrow();
    String session = cookie.substring(prefix.length(), cookie.indexOf(';'));
    if (!driver.getCurrentUrl().startsWith(baseUrl)) {
      driver.get(baseUrl + "/login"); // a page of the server's origin, so its cookie can be set
    }
    driver
        .manage()
        .addCookie(
            new org.openqa.selenium.Cookie.Builder(Access.SESSION_COOKIE, session)
                .path("/")
                .isHttpOnly(true)
                .sameSite("Strict")
                .build());
  }

  /**
   * Lays pages out in a viewport of {@code width} × {@code height} CSS pixels, as a phone does when
   * {@code mobile} (the page's viewport meta tag counts, scroll bars take no room); screenshots
   * have that size. Stays for later pages until {@link #resetEmulation()}.
   */
  void viewport(int width, int height, boolean mobile) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
  }

  /** Answers {@code prefers-color-scheme} with {@code scheme} ({@code light} or {@code dark}). */
  void prefersColourScheme(String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  /** Back to the window's own size and the system's colour scheme. */
  void resetEmulation() {
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
  }

  /** Quits the browser and its driver and deletes the profile. */
  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      delete(profile);
    }
  }

  /** Best effort: a file the browser still holds is left to the temp directory's cleaning. */
  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // left behind in the temp directory
    }
  }
}
