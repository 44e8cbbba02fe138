package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.runtime.RuntimeOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The readiness probe follows the runtime: down before it starts and after it stops, up while it
 * runs; the liveness probe is up as long as the server answers. The server here starts before its
 * runtime, as an orchestrator may see it.
 */
class HttpHealthTest {
  static HttpFixture docket;

  @BeforeAll
  static void start() {
    docket = HttpFixture.create(RuntimeOptions.defaults(), HttpFixture.httpOptions().build());
    docket.server.start();
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  @Test
  void ready_is503BeforeTheRuntimeStarts_200WhileItRuns_and503AfterItStops() {
    var before = probe("/health/ready");
    assertThat(before.status()).as("%s", before).isEqualTo(503);
    assertThat(before.contentType()).startsWith("application/json");
    assertThat(before.json().path("status").asText()).isEqualTo("down");
    assertThat(before.json().path("reason").asText()).contains("not running");
    assertThat(probe("/health/live").status()).isEqualTo(200);

    docket.runtime.start();
    var running = probe("/health/ready");
    assertThat(running.status()).as("%s", running).isEqualTo(200);
    assertThat(running.json().path("status").asText()).isEqualTo("up");

    docket.runtime.stop(Duration.ZERO);
    var after = probe("/health/ready");
    assertThat(after.status()).as("%s", after).isEqualTo(503);
    assertThat(after.json().path("status").asText()).isEqualTo("down");
    var live = probe("/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().path("status").asText()).isEqualTo("up");
  }

  private static HttpFixture.Response probe(String path) {
    return docket.send(docket.anonymous(path).GET());
  }
}
