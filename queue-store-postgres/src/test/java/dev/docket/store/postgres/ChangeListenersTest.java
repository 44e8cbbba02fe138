package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The triggers send changes only while some node has a sink: a database nobody watches does not pay
 * for NOTIFY, which makes committing transactions take turns. A node registers in change_listeners
 * with its first sink and unregisters with its last.
 */
class ChangeListenersTest {
  private PgFixture pg;
  private PostgresStore watcher;
  private JobStorage writer;
  private Connection raw;

  @BeforeEach
  void start() throws Exception {
    pg = new PgFixture("listeners");
    watcher = pg.open(o -> o.listen(true));
    writer = pg.store.storage();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(watcher::isListening);
    raw = PgFixture.DB.connect();
    try (var s = raw.createStatement()) {
      s.execute("LISTEN \"docket_" + pg.schema + ".changes\"");
    }
  }

  @AfterEach
  void stop() throws Exception {
    raw.close();
    pg.close();
  }

  private long listenerRows() throws Exception {
    try (var s = raw.createStatement();
        var rs =
            s.executeQuery(
                "SELECT count(*) FROM \"%s\".change_listeners WHERE expires_at > now()"
                    .formatted(pg.schema))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The payloads on the changes channel until one names {@code marker}. */
  private List<String> payloadsUntil(Job marker) throws Exception {
    var payloads = new ArrayList<String>();
    PGConnection pgc = raw.unwrap(PGConnection.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      PGNotification[] got = pgc.getNotifications(200);
      for (PGNotification n : got == null ? new PGNotification[0] : got) {
        payloads.add(n.getParameter());
        if (n.getParameter().contains(marker.id().toString())) {
          return payloads;
        }
      }
    }
    throw new AssertionError("the marker job's change never came");
  }

  private static final JobChanges.Sink NOTHING =
      new JobChanges.Sink() {
        @Override
        public void changed(List<JobChange> changes) {}

        @Override
        public void missed() {}
      };

  @Test
  void withNoSinkAnywhere_theTriggersSendNothing_andTheFirstSinkTurnsThemOn() throws Exception {
    Job unwatched = writer.insert(pg.prepare(1, "q")).get(0);
    assertThat(listenerRows()).isZero();

    try (var subscription = watcher.changes().subscribe(NOTHING)) {
      assertThat(listenerRows()).as("registered before subscribe returned").isEqualTo(1);
      Job marker = writer.insert(pg.prepare(1, "q")).get(0);

      List<String> payloads = payloadsUntil(marker);

      assertThat(payloads).noneMatch(p -> p.contains(unwatched.id().toString()));
    }
  }

  @Test
  void theLastSinkToGo_unregistersTheNode_andTheTriggersGoQuiet() throws Exception {
    var first = watcher.changes().subscribe(NOTHING);
    var second = watcher.changes().subscribe(NOTHING);
    assertThat(listenerRows()).as("one row per node, not per sink").isEqualTo(1);

    first.close();
    assertThat(listenerRows()).as("a sink is left").isEqualTo(1);
    second.close();
    assertThat(listenerRows()).isZero();

    Job unwatched = writer.insert(pg.prepare(1, "q")).get(0);
    try (var again = watcher.changes().subscribe(NOTHING)) {
      Job marker = writer.insert(pg.prepare(1, "q")).get(0);
      assertThat(payloadsUntil(marker)).noneMatch(p -> p.contains(unwatched.id().toString()));
    }
  }

  @Test
  void aLapsedRow_ofANodeThatDied_turnsNothingOn() throws Exception {
    PgFixture.DB.execute(
        "INSERT INTO \"%s\".change_listeners VALUES (gen_random_uuid(), now() - interval '1 second')"
            .formatted(pg.schema));
    Job unwatched = writer.insert(pg.prepare(1, "q")).get(0);

    try (var subscription = watcher.changes().subscribe(NOTHING)) {
      Job marker = writer.insert(pg.prepare(1, "q")).get(0);
      assertThat(payloadsUntil(marker)).noneMatch(p -> p.contains(unwatched.id().toString()));
    }
  }

  @Test
  void closingTheStore_unregistersIt() throws Exception {
    watcher.changes().subscribe(NOTHING);
    assertThat(listenerRows()).isEqualTo(1);

    watcher.close();

    assertThat(listenerRows()).isZero();
  }
}
