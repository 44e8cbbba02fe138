package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The triggers send changes only while some node has a sink: a database nobody watches does not pay
 * for NOTIFY, which makes committing transactions take turns. A node registers in change_listeners
 * with its first sink and unregisters with its last.
 */
class ChangeListenersTest {
  private PgFixture pg;
  private PostgresStore watcher;
  private JobStorage writer;
  private ChangesChannel channel;

  @BeforeEach
  void start() throws Exception {
    pg = new PgFixture("listeners");
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

  private long listenerRows() throws Exception {
    return channel.count(
        "SELECT count(*) FROM \"%s\".change_listeners WHERE expires_at > now()"
            .formatted(pg.schema));
  }

  @Test
  void withNoSinkAnywhere_theTriggersSendNothing_andTheFirstSinkTurnsThemOn() throws Exception {
    Job unwatched = writer.insert(pg.prepare(1, "q")).get(0);
    assertThat(listenerRows()).isZero();

    try (var subscription = watcher.changes().subscribe(ChangesChannel.NOTHING)) {
      assertThat(listenerRows()).as("registered before subscribe returned").isEqualTo(1);
      Job marker = writer.insert(pg.prepare(1, "q")).get(0);

      List<String> payloads = channel.payloadsUntil(marker);

      assertThat(payloads).noneMatch(p -> p.contains(unwatched.id().toString()));
    }
  }

  @Test
  void theLastSinkToGo_unregistersTheNode_andTheTriggersGoQuiet() throws Exception {
    var first = watcher.changes().subscribe(ChangesChannel.NOTHING);
    var second = watcher.changes().subscribe(ChangesChannel.NOTHING);
    assertThat(listenerRows()).as("one row per node, not per sink").isEqualTo(1);

    first.close();
    assertThat(listenerRows()).as("a sink is left").isEqualTo(1);
    second.close();
    assertThat(listenerRows()).isZero();

    Job unwatched = writer.insert(pg.prepare(1, "q")).get(0);
    try (var again = watcher.changes().subscribe(ChangesChannel.NOTHING)) {
      Job marker = writer.insert(pg.prepare(1, "q")).get(0);
      assertThat(channel.payloadsUntil(marker))
          .noneMatch(p -> p.contains(unwatched.id().toString()));
    }
  }

  @Test
  void aLapsedRow_ofANodeThatDied_turnsNothingOn() throws Exception {
    PgFixture.DB.execute(
        "INSERT INTO \"%s\".change_listeners VALUES (gen_random_uuid(), now() - interval '1 second')"
            .formatted(pg.schema));
    Job unwatched = writer.insert(pg.prepare(1, "q")).get(0);

    try (var subscription = watcher.changes().subscribe(ChangesChannel.NOTHING)) {
      Job marker = writer.insert(pg.prepare(1, "q")).get(0);
      assertThat(channel.payloadsUntil(marker))
          .noneMatch(p -> p.contains(unwatched.id().toString()));
    }
  }

  /** A sink that keeps the changes it gets and counts the notices of missed changes. */
  private static final class Recording implements JobChanges.Sink {
    final LinkedBlockingQueue<JobChange> changes = new LinkedBlockingQueue<>();
    final CountDownLatch missed = new CountDownLatch(1);

    @Override
    public void changed(List<JobChange> batch) {
      changes.addAll(batch);
    }

    @Override
    public void missed() {
      missed.countDown();
    }

    /** The changes until one of {@code marker}'s. */
    List<JobChange> until(Job marker) throws InterruptedException {
      var seen = new ArrayList<JobChange>();
      while (seen.stream().noneMatch(c -> c.jobId().equals(marker.id()))) {
        JobChange next = changes.poll(10, TimeUnit.SECONDS);
        assertThat(next).as("the marker job's change").isNotNull();
        seen.add(next);
      }
      return seen;
    }
  }

  @Test
  void aWriteWhoseTriggerRanBeforeTheRegistration_isNotSent_butTheSinksHearTheyMissedChanges()
      throws Exception {
    Job job = writer.insert(pg.prepare(1, "q")).get(0);
    var sink = new Recording();
    try (Connection inFlight = PgFixture.DB.connect()) {
      inFlight.setAutoCommit(false);
      try (var s =
          inFlight.prepareStatement(
              ("UPDATE \"%s\".jobs SET progress_percent = 5, progress_message = 'in flight',"
                      + " progress_at = now() WHERE id = ?")
                  .formatted(pg.schema))) {
        s.setObject(1, job.id().value());
        assertThat(s.executeUpdate()).isEqualTo(1); // its trigger found no listener
      }

      try (var subscription = watcher.changes().subscribe(sink)) {
        inFlight.commit();

        // The listening connection was up before the sink came: only the registration says so.
        assertThat(sink.missed.await(10, TimeUnit.SECONDS)).as("told of missed changes").isTrue();
        Job marker = writer.insert(pg.prepare(1, "q")).get(0);
        assertThat(sink.until(marker)).noneMatch(c -> c.jobId().equals(job.id()));
      }
    }
  }

  @Test
  void registeringAgain_afterTheLastSinkWent_tellsTheNewSinksTheyMayHaveMissedChanges()
      throws Exception {
    var first = new Recording();
    watcher.changes().subscribe(first).close();
    assertThat(listenerRows()).isZero();

    var second = new Recording();
    try (var subscription = watcher.changes().subscribe(second)) {
      assertThat(second.missed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aClosedStore_takesNoMoreSinks_andAsksForNoChanges() throws Exception {
    watcher.close();

    assertThatThrownBy(() -> watcher.changes().subscribe(ChangesChannel.NOTHING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(listenerRows()).isZero();
  }

  @Test
  void closingTheStore_unregistersIt() throws Exception {
    watcher.changes().subscribe(ChangesChannel.NOTHING);
    assertThat(listenerRows()).isEqualTo(1);

    watcher.close();

    assertThat(listenerRows()).isZero();
  }
}
