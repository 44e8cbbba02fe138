package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node that only awaits jobs asks for those jobs' changes alone: while no node wants every
 * change, the triggers send only the rows of watched jobs, so a drain of other jobs sends nothing.
 */
class WatchedJobsTest {
  private PgFixture pg;
  private PostgresStore watcher;
  private JobStorage writer;
  private ChangesChannel channel;

  @BeforeEach
  void start() throws Exception {
    pg = new PgFixture("watches");
    watcher = pg.open(o -> o.listen(true));
    writer = pg.store.storage();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(watcher::isListening);
    channel = new ChangesChannel(pg.schema);
  }

  @AfterEach
  void stop() throws Exception {
    channel.close();
    pg.close();
  }

  private Job newJob() {
    return writer.insert(pg.prepare(1, "q")).get(0);
  }

  /** A change of state, made as any writer would: the update trigger sees it. */
  private void cancel(Job job) {
    PgFixture.DB.execute(
        ("UPDATE \"%s\".jobs SET state = 'cancelled', finished_at = now(), version = version + 1"
                + " WHERE id = '%s'")
            .formatted(pg.schema, job.id()));
  }

  private long watchRows(Job job) throws Exception {
    return channel.count(
        "SELECT count(*) FROM \"%s\".change_watches WHERE job_id = '%s'"
            .formatted(pg.schema, job.id()));
  }

  @Test
  void aNodeThatOnlyAwaits_getsItsWatchedJobsChanges_andNoOthers() throws Exception {
    Job other = newJob();
    Job awaited = newJob();
    try (var subscription = watcher.changes().subscribe(ChangesChannel.NOTHING, false)) {
      subscription.watch(awaited.id());
      Job created = newJob();

      cancel(other);
      cancel(awaited);

      List<String> payloads = channel.payloadsUntil(awaited);
      assertThat(payloads).noneMatch(p -> p.contains(other.id().toString()));
      assertThat(payloads).noneMatch(p -> p.contains(created.id().toString()));
    }
  }

  @Test
  void aSinkForEveryChange_widensTheNode_andItsGoingNarrowsItAgain() throws Exception {
    Job awaited = newJob();
    Job first = newJob();
    Job second = newJob();
    try (var awaits = watcher.changes().subscribe(ChangesChannel.NOTHING, false)) {
      awaits.watch(awaited.id());
      try (var everything = watcher.changes().subscribe(ChangesChannel.NOTHING)) {
        cancel(first);
        assertThat(channel.payloadsUntil(first)).isNotEmpty();
      }

      cancel(second);
      cancel(awaited);

      assertThat(channel.payloadsUntil(awaited)).noneMatch(p -> p.contains(second.id().toString()));
    }
  }

  @Test
  void widening_tellsTheSinksTheyMayHaveMissedChanges() throws Exception {
    var missed = new java.util.concurrent.CountDownLatch(1);
    var hearing =
        new JobChanges.Sink() {
          @Override
          public void changed(List<JobChange> changes) {}

          @Override
          public void missed() {
            missed.countDown();
          }
        };
    try (var awaits = watcher.changes().subscribe(ChangesChannel.NOTHING, false)) {
      // The registration's own notice, a second after it, is past before the widening.
      Awaitility.await().pollDelay(Duration.ofMillis(1_500)).until(() -> true);
      try (var everything = watcher.changes().subscribe(hearing)) {
        // A write whose trigger ran while the row was narrow may commit after the widening.
        assertThat(missed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
    }
  }

  @Test
  void anUnwatchedJob_isNoLongerSent_onceItsRowIsGone() throws Exception {
    Job dropped = newJob();
    Job kept = newJob();
    try (var subscription = watcher.changes().subscribe(ChangesChannel.NOTHING, false)) {
      subscription.watch(dropped.id());
      subscription.watch(kept.id());
      assertThat(watchRows(dropped)).isEqualTo(1);

      subscription.unwatch(dropped.id());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> watchRows(dropped) == 0);
      cancel(dropped);
      cancel(kept);

      assertThat(channel.payloadsUntil(kept)).noneMatch(p -> p.contains(dropped.id().toString()));
    }
  }

  @Test
  void aJobAwaitedTwice_staysWatched_untilItsLastAwaitGoes() throws Exception {
    Job twice = newJob();
    Job flushed = newJob();
    try (var subscription = watcher.changes().subscribe(ChangesChannel.NOTHING, false)) {
      subscription.watch(twice.id());
      subscription.watch(twice.id());
      subscription.watch(flushed.id());

      subscription.unwatch(twice.id());
      subscription.unwatch(flushed.id());
      // The flush that removed the other job's row has run: the twice-watched row stayed.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> watchRows(flushed) == 0);
      assertThat(watchRows(twice)).isEqualTo(1);

      subscription.unwatch(twice.id());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> watchRows(twice) == 0);
    }
  }

  @Test
  void closingTheNodesLastSink_removesItsWatches() throws Exception {
    Job awaited = newJob();
    var subscription = watcher.changes().subscribe(ChangesChannel.NOTHING, false);
    subscription.watch(awaited.id());
    assertThat(watchRows(awaited)).isEqualTo(1);

    subscription.close();

    assertThat(watchRows(awaited)).isZero();
  }
}
