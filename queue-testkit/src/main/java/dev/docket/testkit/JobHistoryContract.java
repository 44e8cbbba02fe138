package dev.docket.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.usecase.port.DurationHistogram;
import dev.docket.usecase.port.HistoryTally;
import dev.docket.usecase.port.JobHistory;
import dev.docket.usecase.port.JobHistory.Resolution;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link JobHistory}, as a suite that a store's tests inherit: one subclass that
 * supplies {@link #createHistory()}.
 *
 * <pre>{@code
 * class MyJobHistoryContractTest extends JobHistoryContract {
 *   @Override
 *   protected JobHistory createHistory() {
 *     return MyStore.createEmpty().jobHistory();
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class JobHistoryContract {
  private static final Instant MINUTE = Instant.parse("2026-12-03T10:15:00Z");
  private static final Instant FAR = Instant.parse("2100-01-01T00:00:00Z");
  private JobHistory history;

  /** A new, empty history; called before every test. */
  protected abstract JobHistory createHistory() throws Exception;

  @BeforeEach
  final void startEmpty() throws Exception {
    history = createHistory();
    assertThat(all(Resolution.MINUTE)).as("a new history").isEmpty();
  }

  private List<HistoryTally> all(Resolution resolution) {
    return history.read(resolution, Instant.EPOCH, FAR, Optional.empty(), Optional.empty());
  }

  private static HistoryTally tally(Instant bucket, String queue, String kind, long completed) {
    return new HistoryTally(
        bucket,
        queue,
        kind,
        completed,
        1,
        2,
        3,
        4,
        DurationHistogram.of(0, 5, 0, 1),
        DurationHistogram.of(7));
  }

  @Test
  void add_keepsEveryCountAndHistogram() {
    var tally = tally(MINUTE, "mail", "send", 10);

    history.add(Resolution.MINUTE, List.of(tally));

    assertThat(all(Resolution.MINUTE)).containsExactly(tally);
    assertThat(all(Resolution.HOUR)).as("another resolution").isEmpty();
  }

  @Test
  void addingToAKeptBucket_addsUpCountsAndHistograms() {
    history.add(Resolution.MINUTE, List.of(tally(MINUTE, "mail", "send", 10)));
    var longer =
        new HistoryTally(
            MINUTE,
            "mail",
            "send",
            1,
            0,
            0,
            0,
            0,
            DurationHistogram.of(1, 1, 1, 1, 1, 1),
            DurationHistogram.empty());

    history.add(Resolution.MINUTE, List.of(longer));

    assertThat(all(Resolution.MINUTE))
        .containsExactly(
            new HistoryTally(
                MINUTE,
                "mail",
                "send",
                11,
                1,
                2,
                3,
                4,
                DurationHistogram.of(1, 6, 1, 2, 1, 1),
                DurationHistogram.of(7)));
  }

  @Test
  void read_keepsToItsRangeQueueAndKind_oldestBucketFirst() {
    Instant next = MINUTE.plus(Duration.ofMinutes(1));
    Instant later = MINUTE.plus(Duration.ofMinutes(2));
    history.add(
        Resolution.MINUTE,
        List.of(
            tally(later, "mail", "send", 3),
            tally(MINUTE, "mail", "send", 1),
            tally(next, "mail", "send", 2),
            tally(next, "mail", "bounce", 20),
            tally(next, "reports", "send", 30)));

    assertThat(
            history.read(
                Resolution.MINUTE, MINUTE, later, Optional.of("mail"), Optional.of("send")))
        .extracting(HistoryTally::completed)
        .containsExactly(1L, 2L);
    assertThat(history.read(Resolution.MINUTE, next, later, Optional.empty(), Optional.of("send")))
        .extracting(HistoryTally::queue)
        .containsExactly("mail", "reports");
    assertThat(history.read(Resolution.MINUTE, next, later, Optional.of("mail"), Optional.empty()))
        .extracting(HistoryTally::kind)
        .containsExactly("bounce", "send");
    assertThat(history.read(Resolution.MINUTE, later, later, Optional.empty(), Optional.empty()))
        .as("an empty range")
        .isEmpty();
  }

  @Test
  void aTallyOffItsResolutionsBuckets_isRefused() {
    var offGrid = tally(MINUTE.plusSeconds(30), "mail", "send", 1);

    assertThatThrownBy(() -> history.add(Resolution.MINUTE, List.of(offGrid)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not start a bucket");
    assertThatThrownBy(() -> history.add(Resolution.HOUR, List.of(tally(MINUTE, "m", "k", 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(all(Resolution.MINUTE)).isEmpty();
  }

  @Test
  void purge_forgetsEachResolutionPastItsRetention() {
    Instant now = Instant.parse("2026-12-10T12:00:00Z");
    Instant fourHoursAgo = now.minus(Duration.ofHours(4));
    Instant twoHoursAgo = now.minus(Duration.ofHours(2));
    history.add(
        Resolution.MINUTE,
        List.of(tally(fourHoursAgo, "q", "k", 1), tally(twoHoursAgo, "q", "k", 2)));
    history.add(Resolution.HOUR, List.of(tally(fourHoursAgo, "q", "k", 1)));
    history.add(Resolution.HOUR, List.of(tally(now.minus(Duration.ofDays(10)), "q", "k", 1)));

    int purged = history.purge(now);

    assertThat(purged).isEqualTo(2);
    assertThat(all(Resolution.MINUTE))
        .extracting(HistoryTally::bucket)
        .containsExactly(twoHoursAgo);
    assertThat(all(Resolution.HOUR)).extracting(HistoryTally::bucket).containsExactly(fourHoursAgo);
  }

  @Test
  void nodesAddingToTheSameBucketsAtOnce_loseNothing() throws Exception {
    int nodes = 4;
    int rounds = 25;
    List<String> kinds = List.of("a", "b", "c", "d", "e");
    var start = new CountDownLatch(1);
    try (var pool = Executors.newFixedThreadPool(nodes)) {
      var done = new ArrayList<Future<?>>();
      for (int node = 0; node < nodes; node++) {
        boolean reversed = node % 2 == 1;
        done.add(
            pool.submit(
                (Callable<Void>)
                    () -> {
                      start.await();
                      for (int round = 0; round < rounds; round++) {
                        var tallies = new ArrayList<HistoryTally>();
                        for (String kind : kinds) {
                          tallies.add(
                              new HistoryTally(
                                  MINUTE,
                                  "q",
                                  kind,
                                  1,
                                  0,
                                  0,
                                  0,
                                  0,
                                  DurationHistogram.of(1, 0, 2),
                                  DurationHistogram.empty()));
                        }
                        // Each node hands its tallies over in another order.
                        history.add(
                            Resolution.MINUTE,
                            reversed ? tallies.reversed() : List.copyOf(tallies));
                      }
                      return null;
                    }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get();
      }
    }

    assertThat(all(Resolution.MINUTE))
        .hasSize(kinds.size())
        .allSatisfy(
            tally -> {
              assertThat(tally.completed()).isEqualTo(nodes * rounds);
              assertThat(tally.waits())
                  .isEqualTo(DurationHistogram.of(nodes * rounds, 0, 2L * nodes * rounds));
            });
  }
}
