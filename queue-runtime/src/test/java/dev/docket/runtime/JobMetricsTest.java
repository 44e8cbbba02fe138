package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.JobId;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.JobEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobMetricsTest {
  private final MutableClock clock = MutableClock.standard();
  private final JobMetrics metrics = new JobMetrics(clock);

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

    String text = metrics.scrape();

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
  void whileTheStoreIsDown_aScrapeAsksItOnce_andTheQueueGaugesReadNaN() {
    var store = new StatsCacheTest.Outage();
    metrics.watch(store.cache);
    store.submit("mail");
    assertThat(metrics.scrape()).contains("docket_queue_depth{queue=\"mail\"} 1.0");
    store.down.set(true);
    store.age();
    int before = store.statsReads.get();

    String text = metrics.scrape();

    assertThat(text)
        .contains("docket_queue_depth{queue=\"mail\"} NaN")
        .contains("docket_queue_jobs{queue=\"mail\",state=\"pending\"} NaN");
    assertThat(store.statsReads.get() - before)
        .as("reads of the store for one scrape: each waits for the connection timeout")
        .isEqualTo(1);
  }

  @Test
  void claims_areTimedPerQueue_asAHistogram() {
    metrics.claimed("mail", Duration.ofMillis(3).toNanos());
    metrics.claimed("mail", Duration.ofMillis(5).toNanos());

    assertThat(metrics.scrape())
        .contains("docket_claim_seconds_count{queue=\"mail\"} 2")
        .contains("docket_claim_seconds_sum{queue=\"mail\"} 0.008")
        .contains("docket_claim_seconds_bucket{queue=\"mail\",le=\"+Inf\"} 2");
  }

  @Test
  void throughput_countsCompletionsAndFailures_perFiveSecondBucket_endingNow() {
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    clock.advance(Duration.ofSeconds(5));
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    metrics.on(event(JobEvent.Type.RETRIED, "mail", "k", Duration.ZERO));

    var view = metrics.throughput();

    assertThat(view.completed()).hasSize(JobMetrics.BUCKETS);
    assertThat(view.completed().subList(JobMetrics.BUCKETS - 2, JobMetrics.BUCKETS))
        .containsExactly(1L, 2L);
    assertThat(view.failed().get(JobMetrics.BUCKETS - 1)).isEqualTo(1L);
    assertThat(view.completed().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
    assertThat(view.start().plus(JobMetrics.BUCKET.multipliedBy(JobMetrics.BUCKETS)))
        .isAfter(clock.instant());
  }

  @Test
  void throughput_forgetsBucketsOlderThanTenMinutes() {
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    clock.advance(Duration.ofMinutes(10));
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));

    var view = metrics.throughput();

    assertThat(view.completed().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    assertThat(view.completed().getLast()).isEqualTo(1L);
  }

  @Test
  void anEventStampedInTheFuture_countsInTheNewestBucket() {
    Instant later = clock.instant().plus(Duration.ofHours(1));
    metrics.on(
        new JobEvent(
            JobEvent.Type.COMPLETED,
            JobId.of(UUID.randomUUID()),
            "mail",
            "k",
            1,
            later,
            Optional.of(Duration.ZERO),
            Optional.empty()));

    assertThat(metrics.throughput().completed().getLast()).isEqualTo(1L);
  }
}
