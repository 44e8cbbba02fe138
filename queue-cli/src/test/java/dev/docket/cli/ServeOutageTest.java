package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.runtime.TcpProxy;
import dev.docket.store.postgres.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code docket serve} as an operator runs it, a process of its own on PostgreSQL, through a proxy
 * that is cut for longer than the connection timeout and then restored: the command keeps running
 * and answers HTTP throughout, is out of rotation ({@code /health/ready} 503) during the outage and
 * back in it afterwards, runs a job submitted after the outage, and exits 0 at the end of {@code
 * --run-for}.
 */
class ServeOutageTest {
  private static final TestDatabase DB = TestDatabase.get();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "serve-outage-token-0123456789abcdef";
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration OUTAGE = Duration.ofSeconds(8);

  /** How long an HTTP answer may take during the outage: a few connection timeouts at most. */
  private static final Duration PROMPT = Duration.ofSeconds(5);

  private static final Pattern URL = Pattern.compile("Dashboard and API at (http://\\S+) \\(");
  private static final String STATS_FAILED = "Reading the statistics to print failed (";
  private static final String STATS_BACK = "Reading the statistics to print works again.";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private String schema;
  private TcpProxy proxy;
  private Path log;
  private Process child;
  private String base;

  @BeforeEach
  void startProxy() throws IOException {
    schema = DB.freshSchema("serve_outage");
    URI target = URI.create(DB.url.substring("jdbc:".length()));
    proxy = new TcpProxy(target.getHost(), target.getPort());
    log = Path.of("target", "serve-outage-" + schema + ".log");
    Files.createDirectories(log.getParent());
  }

  @AfterEach
  void stop() throws IOException {
    if (child != null) {
      child.destroyForcibly();
    }
    proxy.close();
    DB.dropSchema(schema);
  }

  /** {@code docket serve} in a JVM of its own, as {@code ./docket} starts it. */
  private void serve(String... args) throws IOException {
    URI target = URI.create(DB.url.substring("jdbc:".length()));
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DocketCommand.class.getName(),
                "serve",
                "--database-url",
                "jdbc:postgresql://127.0.0.1:%d%s".formatted(proxy.port(), target.getRawPath()),
                "--database-user",
                DB.user,
                "--schema",
                schema,
                "--database-connection-timeout",
                CONNECTION_TIMEOUT.toString(),
                "--http-port",
                "0",
                "--api-token",
                TOKEN));
    if (!DB.password.isEmpty()) {
      command.addAll(List.of("--database-password", DB.password));
    }
    command.addAll(List.of(args));
    child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Awaitility.await("serve prints its URL")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> running() && url().isPresent());
    base = url().orElseThrow();
  }

  private Optional<String> url() throws IOException {
    Matcher matcher = URL.matcher(output());
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  private String output() throws IOException {
    return Files.readString(log);
  }

  /** Whether the command still runs; if not, a failure that shows its exit status and output. */
  private boolean running() throws IOException {
    if (!child.isAlive()) {
      throw new AssertionError(
          "docket serve exited with status %d:%n%s".formatted(child.exitValue(), output()));
    }
    return true;
  }

  record Answer(int status, String body, Duration took) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private Answer send(HttpRequest.Builder request) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response =
          http.send(
              request
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(PROMPT.multipliedBy(6))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException e) {
      return new Answer(-1, e.toString(), Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private int status(String path) throws IOException {
    running();
    return get(path).status();
  }

  private static long count(String text, String part) {
    return text.lines().filter(line -> line.contains(part)).count();
  }

  @Test
  @Timeout(180)
  void serve_ridesOutAnOutageLongerThanTheConnectionTimeout_outOfRotationMeanwhile_thenExits0()
      throws Exception {
    serve("--demo", "--print-stats", "PT1S", "--shutdown-grace", "PT2S", "--run-for", "PT40S");
    Awaitility.await("ready before the outage")
        .atMost(Duration.ofSeconds(30))
        .until(() -> status("/health/ready") == 200);
    Awaitility.await("statistics are printed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> running() && output().contains("mail "));

    proxy.cut();

    Awaitility.await("out of rotation")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> status("/health/ready") == 503);
    assertThat(get("/health/live").status()).isEqualTo(200);
    Answer api = get("/api/queues");
    assertThat(api.status()).as("%s", api).isEqualTo(503);
    assertThat(api.json().path("error").asText()).isEqualTo("store_unavailable");
    // The statistics may still be cached from before the cut, for a moment.
    Awaitility.await("the queue gauges read NaN, promptly")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              running();
              Answer metrics = get("/metrics");
              assertThat(metrics.status()).as("%s", metrics).isEqualTo(200);
              assertThat(metrics.took()).as("a scrape during the outage").isLessThan(PROMPT);
              return metrics.body().contains("docket_queue_depth{queue=\"mail\"} NaN");
            });
    Answer throughput = get("/api/throughput");
    assertThat(throughput.status()).as("%s", throughput).isEqualTo(200);
    Answer dashboard = get("/");
    assertThat(dashboard.status()).as("the dashboard answers").isIn(200, 503);
    assertThat(dashboard.body()).contains("<html");
    assertThat(dashboard.took()).as("the dashboard during the outage").isLessThan(PROMPT);
    // The outage lasts several connection timeouts, and many rounds of --print-stats.
    Awaitility.await("still serving during the outage")
        .during(OUTAGE)
        .atMost(OUTAGE.plusSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> status("/health/live") == 200);

    proxy.restore();

    Awaitility.await("back in rotation")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> status("/health/ready") == 200);
    String[] id = new String[1];
    Awaitility.await("an enqueue succeeds")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              running();
              Answer created =
                  send(
                      HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
                          .header("Content-Type", "application/json")
                          .POST(
                              HttpRequest.BodyPublishers.ofString(
                                  """
                                  {"kind": "demo.email", "queue": "mail",
                                   "payload": {"to": "after-the-outage@example.com"}}
                                  """)));
              if (created.status() != 201) {
                return false;
              }
              id[0] = created.json().path("id").asText();
              return true;
            });
    Awaitility.await("the job submitted after the outage completes")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                running()
                    && get("/api/jobs/" + id[0]).json().path("state").asText().equals("completed"));
    Awaitility.await("statistics are printed again")
        .atMost(Duration.ofSeconds(10))
        .until(() -> running() && output().contains(STATS_BACK));

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("serve stops after --run-for").isTrue();
    String output = output();
    assertThat(child.exitValue()).as("exit status; output:%n%s", output).isZero();
    assertThat(count(output, STATS_FAILED)).as("warnings of the outage").isEqualTo(1);
    assertThat(count(output, STATS_BACK)).as("lines saying it is over").isEqualTo(1);
    assertThat(count(output, "The demo's enqueue failed (")).as("the demo's warnings").isEqualTo(1);
    assertThat(output.substring(output.indexOf(STATS_BACK))).contains("mail ");
    assertThat(output).doesNotContain("docket: ");
  }
}
