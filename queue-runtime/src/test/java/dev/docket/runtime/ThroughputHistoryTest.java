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

class ThroughputHistoryTest {
  private final MutableClock clock = MutableClock.standard();
  private final ThroughputHistory metrics = new ThroughputHistory(clock);

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
  void throughput_countsCompletionsAndFailures_perFiveSecondBucket_endingNow() {
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    clock.advance(Duration.ofSeconds(5));
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    metrics.on(event(JobEvent.Type.RETRIED, "mail", "k", Duration.ZERO));

    var view = metrics.view();

    assertThat(view.completed()).hasSize(ThroughputHistory.BUCKETS);
    assertThat(view.completed().subList(ThroughputHistory.BUCKETS - 2, ThroughputHistory.BUCKETS))
        .containsExactly(1L, 2L);
    assertThat(view.failed().get(ThroughputHistory.BUCKETS - 1)).isEqualTo(1L);
    assertThat(view.completed().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
    assertThat(view.start().plus(ThroughputHistory.BUCKET.multipliedBy(ThroughputHistory.BUCKETS)))
        .isAfter(clock.instant());
  }

  @Test
  void throughput_forgetsBucketsOlderThanTenMinutes() {
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));
    clock.advance(Duration.ofMinutes(10));
    metrics.on(event(JobEvent.Type.COMPLETED, "mail", "k", Duration.ZERO));

    var view = metrics.view();

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

    assertThat(metrics.view().completed().getLast()).isEqualTo(1L);
  }
}
