package dev.docket.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.JobId;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.port.QueueStats;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DocketMetricsTest {
  private final MutableClock clock = MutableClock.standard();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final DocketMetrics metrics = new DocketMetrics(registry, clock);

  private JobEvent event(JobEvent.Type type, String queue, String kind, Duration runTime) {
    return new JobEvent(
        type,
        JobId.of(UUID.randomUUID()),
        queue,
        kind,
        1,
        clock.instant(),
        Optional.ofNullable(runTime),
        type == JobEvent.Type.RETRIED || type == JobEvent.Type.DEAD
            ? Optional.of(AttemptError.reason(1, clock.instant(), "Boom", "it broke"))
            : Optional.empty());
  }

  @Test
  void events_countPerQueueAndKind_inThePrometheusText() {
    metrics.on(event(JobEvent.Type.SUBMITTED, "mail", "email.welcome", null));
    metrics.on(event(JobEvent.Type.SUBMITTED, "mail", "email.welcome", null));
    metrics.on(event(JobEvent.Type.SUBMITTED, "reports", "report.daily", null));
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "email.welcome", Duration.ofMillis(40)));
    metrics.on(event(JobEvent.Type.RETRIED, "mail", "email.welcome", Duration.ofMillis(10)));
    metrics.on(event(JobEvent.Type.DEAD, "mail", "email.welcome", Duration.ofMillis(10)));

    String text = registry.scrape();

    assertThat(text)
        .contains("docket_jobs_enqueued_total{kind=\"email.welcome\",queue=\"mail\"} 2.0")
        .contains("docket_jobs_enqueued_total{kind=\"report.daily\",queue=\"reports\"} 1.0")
        .contains("docket_jobs_completed_total{kind=\"email.welcome\",queue=\"mail\"} 1.0")
        .contains("docket_jobs_retried_total{kind=\"email.welcome\",queue=\"mail\"} 1.0")
        .contains("docket_jobs_dead_total{kind=\"email.welcome\",queue=\"mail\"} 1.0")
        .contains("docket_jobs_failed_total{kind=\"email.welcome\",queue=\"mail\"} 2.0")
        .contains(
            "docket_job_run_seconds_count{kind=\"email.welcome\",outcome=\"completed\",queue=\"mail\"} 1")
        .contains(
            "docket_job_run_seconds_sum{kind=\"email.welcome\",outcome=\"completed\",queue=\"mail\"} 0.04");
  }

  @Test
  void claims_areTimedPerQueue_asAHistogram() {
    metrics.claimed("mail", 4, Duration.ofMillis(3));
    metrics.claimed("mail", 0, Duration.ofMillis(5));

    assertThat(registry.scrape())
        .contains("docket_claim_seconds_count{queue=\"mail\"} 2")
        .contains("docket_claim_seconds_sum{queue=\"mail\"} 0.008")
        .contains("docket_claim_seconds_bucket{queue=\"mail\",le=\"+Inf\"} 2");
  }

  @Test
  void queueGauges_readTheWatchedStatistics_andReadNaN_whileTheStoreIsDown() {
    var stats = new java.util.concurrent.atomic.AtomicReference<List<QueueStats>>(List.of());
    var down = new java.util.concurrent.atomic.AtomicBoolean();
    metrics.watch(
        () -> {
          if (down.get()) {
            throw new dev.docket.usecase.port.StorageException("read statistics", null);
          }
          return stats.get();
        });
    stats.set(
        List.of(
            new QueueStats(
                "mail",
                java.util.Map.of(dev.docket.domain.JobState.PENDING, 3L),
                2,
                java.util.Optional.of(clock.instant().minusSeconds(4)))));

    metrics.refreshGauges();

    assertThat(registry.get("docket.queue.depth").tag("queue", "mail").gauge().value())
        .isEqualTo(2.0);
    assertThat(registry.get("docket.queue.oldest.age").tag("queue", "mail").gauge().value())
        .isEqualTo(4.0);
    down.set(true);
    assertThat(registry.get("docket.queue.depth").tag("queue", "mail").gauge().value()).isNaN();
  }

  @Test
  void aQueueSeenFirstInAnEvent_getsItsGauges() {
    metrics.watch(List::of);

    metrics.on(event(JobEvent.Type.SUBMITTED, "fresh", "k", null));

    assertThat(registry.find("docket.queue.depth").tag("queue", "fresh").gauge()).isNotNull();
  }
}
