package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import dev.docket.domain.RetryPolicy;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.JobRequest;
import java.time.Duration;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's pages write counts, durations and times for people ({@link Formats}), while the
 * API keeps its machine forms. No node serves the queue {@code waiting}, so its jobs stay pending.
 */
class DashboardFormatsTest {
  private static final String UTC = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC";

  private HttpFixture docket;

  @BeforeEach
  void start() {
    docket =
        HttpFixture.start(
            RuntimeOptions.builder().queue("default", 1).build(),
            HttpFixture.httpOptions().build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.schedules(binder())
                    .addBinding()
                    .toInstance(
                        Schedule.every(
                            "digest",
                            Duration.ofMinutes(90),
                            JobRequest.ofJson("digest.send", "{}").queue("waiting").build()));
              }
            });
  }

  @AfterEach
  void stop() {
    docket.close();
  }

  @Test
  void queues_showCountsWithThousandsSeparators() {
    docket
        .runtime
        .client()
        .submitAll(
            IntStream.range(0, 1_234)
                .mapToObj(i -> JobRequest.ofJson("export.csv", "{}").queue("waiting").build())
                .toList());

    // Counts are cached for up to 2 seconds.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(docket.get("/").body())
                    .containsPattern(
                        "<tr data-queue=\"waiting\">\\s*<td><a[^>]*>waiting</a></td>\\s*<td>.*</td>"
                            + "\\s*<td class=\"num\"><a[^>]*>1,234</a></td>"));
    assertThat(docket.get("/api/queues/waiting").json().path("due").asLong()).isEqualTo(1234);
  }

  @Test
  void jobsList_saysWhenRelatively_withTheUtcTimeOnHover() {
    String id =
        docket
            .runtime
            .client()
            .submit(
                JobRequest.ofJson("report.build", "{}")
                    .queue("waiting")
                    .delay(Duration.ofHours(3))
                    .build())
            .id()
            .toString();

    String page = docket.get("/jobs?queue=waiting").body();

    String row = page.substring(page.indexOf("<tr data-job=\"" + id + "\""));
    assertThat(row)
        .containsPattern("<td class=\"when\" title=\"" + UTC + "\">in (2 h 59 min|3 h)</td>")
        .containsPattern("<td class=\"when\" title=\"" + UTC + "\">(now|\\d+ s ago)</td>");
  }

  @Test
  void jobPage_writesRetryDelaysInUnits_notIso8601() {
    String exponential =
        docket
            .runtime
            .client()
            .submit(JobRequest.ofJson("a.job", "{}").queue("waiting").build())
            .id()
            .toString();
    String fixed =
        docket
            .runtime
            .client()
            .submit(
                JobRequest.ofJson("a.job", "{}")
                    .queue("waiting")
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(200)))
                    .build())
            .id()
            .toString();

    assertThat(docket.get("/jobs/" + exponential).body())
        .contains("<dd>exponential with full jitter, base 1 s, cap 1 h</dd>");
    assertThat(docket.get("/jobs/" + fixed).body()).contains("<dd>fixed, 200 ms</dd>");
    assertThat(docket.get("/api/jobs/" + fixed).json().path("retry").path("delay").asText())
        .isEqualTo("PT0.2S");
  }

  @Test
  void schedules_writeTheirIntervalInUnits_andTheNextRunRelatively() {
    String page = docket.get("/schedules").body();

    assertThat(page)
        .contains("<td title=\"every PT1H30M\">every 1 h 30 min</td>")
        // Slots of an interval are counted from the epoch, so the next is up to 90 minutes away.
        .containsPattern(
            "<td class=\"when\" title=\"" + UTC + "\">in (\\d+ s|\\d+ min|1 h( \\d+ min)?)</td>");
    assertThat(docket.get("/api/schedules").json().get(0).path("trigger").asText())
        .isEqualTo("every PT1H30M");
  }
}
