package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.AttemptError;
import dev.docket.domain.JobId;
import dev.docket.store.memory.MemoryStore;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.port.HistoryTally;
import dev.docket.usecase.port.JobHistory;
import dev.docket.usecase.port.JobHistory.Resolution;
import dev.docket.usecase.port.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ClusterHistoryTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:15:30Z");
  private final MutableClock clock = MutableClock.at(NOW);
  private final JobHistory store = MemoryStore.start().jobHistory();

  private static JobEvent started(String kind, Duration waited) {
    return new JobEvent(
        JobEvent.Type.STARTED,
        JobId.of(java.util.UUID.randomUUID()),
        "mail",
        kind,
        1,
        NOW,
        Optional.empty(),
        Optional.empty(),
        Optional.of(waited));
  }

  private static JobEvent ended(JobEvent.Type type, String kind, Duration ran) {
    Optional<AttemptError> error =
        type == JobEvent.Type.COMPLETED || type == JobEvent.Type.CANCELLED
            ? Optional.empty()
            : Optional.of(AttemptError.reason(1, NOW, "Boom", "boom"));
    return new JobEvent(
        type, JobId.of(java.util.UUID.randomUUID()), "mail", kind, 1, NOW, Optional.of(ran), error);
  }

  @Test
  void whatANodeCounted_isInEveryRangeAfterItsFlush_withItsPercentiles() {
    var history = new ClusterHistory(store, clock);
    for (int i = 1; i <= 100; i++) {
      history.counter().on(started("send", Duration.ofMillis(i)));
      history.counter().on(ended(JobEvent.Type.COMPLETED, "send", Duration.ofMillis(10 * i)));
    }
    history.counter().on(ended(JobEvent.Type.RETRIED, "send", Duration.ofMillis(5)));
    history.counter().on(ended(JobEvent.Type.DEAD, "send", Duration.ofMillis(5)));
    history
        .counter()
        .on(
            new JobEvent(
                JobEvent.Type.RESCUED,
                JobId.of(java.util.UUID.randomUUID()),
                "mail",
                "send",
                1,
                NOW,
                Optional.empty(),
                Optional.empty()));

    assertThat(history.view(ClusterHistory.Range.HOUR, Optional.empty(), Optional.empty()).total())
        .as("before the flush")
        .extracting(ClusterHistory.Point::completed)
        .isEqualTo(0L);
    history.flush();

    for (ClusterHistory.Range range : ClusterHistory.Range.values()) {
      var view = history.view(range, Optional.empty(), Optional.empty());
      assertThat(view.points())
          .hasSize((int) (range.length().toSeconds() / range.step().toSeconds()));
      assertThat(view.to()).isAfter(NOW);
      ClusterHistory.Point total = view.total();
      assertThat(total.completed()).as(range.name()).isEqualTo(100);
      assertThat(total.failed()).isEqualTo(3);
      assertThat(total.dead()).isEqualTo(1);
      assertThat(total.failureRate())
          .hasValueSatisfying(rate -> assertThat(rate).isEqualTo(3 / 103.0));
      assertThat(total.waitP50().orElseThrow())
          .isBetween(Duration.ofMillis(45), Duration.ofMillis(55));
      assertThat(total.runP95().orElseThrow())
          .isBetween(Duration.ofMillis(850), Duration.ofMillis(1_050));
      assertThat(view.points()).filteredOn(p -> p.completed() > 0).hasSize(1);
      assertThat(view.kinds()).containsExactly("send");
      assertThat(view.queues()).containsExactly("mail");
    }
  }

  @Test
  void twoNodes_addUp_andAViewKeepsToItsKind() {
    var one = new ClusterHistory(store, clock);
    var two = new ClusterHistory(store, clock);
    one.counter().on(ended(JobEvent.Type.COMPLETED, "send", Duration.ofMillis(3)));
    two.counter().on(ended(JobEvent.Type.COMPLETED, "send", Duration.ofMillis(3)));
    two.counter().on(ended(JobEvent.Type.COMPLETED, "bounce", Duration.ofMillis(3)));
    one.flush();
    two.flush();

    var send = one.view(ClusterHistory.Range.DAY, Optional.of("mail"), Optional.of("send"));
    var all = two.view(ClusterHistory.Range.DAY, Optional.empty(), Optional.empty());

    assertThat(send.total().completed()).isEqualTo(2);
    assertThat(send.kinds())
        .as("every kind, whatever the filter")
        .containsExactly("bounce", "send");
    assertThat(all.total().completed()).isEqualTo(3);
    assertThat(
            one.view(ClusterHistory.Range.DAY, Optional.of("other"), Optional.empty())
                .total()
                .completed())
        .isZero();
  }

  @Test
  void aCancelBeforeTheJobRan_endsNoAttempt_andIsNotCounted() {
    var history = new ClusterHistory(store, clock);
    history
        .counter()
        .on(
            new JobEvent(
                JobEvent.Type.CANCELLED,
                JobId.of(java.util.UUID.randomUUID()),
                "mail",
                "send",
                0,
                NOW,
                Optional.empty(),
                Optional.empty()));
    history.counter().on(ended(JobEvent.Type.CANCELLED, "send", Duration.ofMillis(2)));
    history.flush();

    assertThat(
            history
                .view(ClusterHistory.Range.HOUR, Optional.empty(), Optional.empty())
                .total()
                .cancelled())
        .isEqualTo(1);
  }

  @Test
  void countsTheStoreRefused_goWithTheNextFlush_andTheOthersAreNotAddedTwice() {
    var failTenMinutes = new AtomicBoolean(true);
    JobHistory flaky =
        new JobHistory() {
          @Override
          public void add(Resolution resolution, List<HistoryTally> tallies) {
            if (resolution == Resolution.TEN_MINUTES && failTenMinutes.get()) {
              throw new StorageException("the database went away", null);
            }
            store.add(resolution, tallies);
          }

          @Override
          public List<HistoryTally> read(
              Resolution resolution,
              Instant from,
              Instant to,
              Optional<String> queue,
              Optional<String> kind) {
            return store.read(resolution, from, to, queue, kind);
          }

          @Override
          public int purge(Instant now) {
            return store.purge(now);
          }
        };
    var history = new ClusterHistory(flaky, clock);
    history.counter().on(ended(JobEvent.Type.COMPLETED, "send", Duration.ofMillis(3)));
    history.flush();
    history.counter().on(ended(JobEvent.Type.COMPLETED, "send", Duration.ofMillis(3)));
    failTenMinutes.set(false);
    history.flush();
    history.flush();

    for (ClusterHistory.Range range : ClusterHistory.Range.values()) {
      assertThat(history.view(range, Optional.empty(), Optional.empty()).total().completed())
          .as(range.name())
          .isEqualTo(2);
    }
  }

  @Test
  void theMaintenancesPurge_forgetsBucketsPastTheirRetention() {
    var history = new ClusterHistory(store, clock);
    history.counter().on(ended(JobEvent.Type.COMPLETED, "send", Duration.ofMillis(3)));
    history.flush();

    clock.advance(Duration.ofHours(4));
    history.purge();

    assertThat(
            store.read(
                Resolution.MINUTE,
                Instant.EPOCH,
                clock.instant(),
                Optional.empty(),
                Optional.empty()))
        .isEmpty();
    assertThat(
            history
                .view(ClusterHistory.Range.DAY, Optional.empty(), Optional.empty())
                .total()
                .completed())
        .isEqualTo(1);
  }

  @Test
  void aRangeIsReadByName_andAnUnknownNameIsRefused() {
    assertThat(ClusterHistory.Range.parse("Week")).isEqualTo(ClusterHistory.Range.WEEK);
    assertThatThrownBy(() -> ClusterHistory.Range.parse("month"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Range 'month' is not one of hour, day, week.");
  }
}
