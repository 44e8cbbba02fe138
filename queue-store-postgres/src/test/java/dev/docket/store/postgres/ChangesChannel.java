package dev.docket.store.postgres;

import dev.docket.domain.Job;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A connection of its own that LISTENs on a schema's changes channel, for tests that check what the
 * triggers send, or don't, by reading the notifications themselves.
 */
final class ChangesChannel implements AutoCloseable {
  /** A sink that wants changes and does nothing with them: it only keeps the node registered. */
  static final JobChanges.Sink NOTHING =
      new JobChanges.Sink() {
        @Override
        public void changed(List<JobChange> changes) {}

        @Override
        public void missed() {}
      };

  final Connection raw;

  ChangesChannel(String schema) throws SQLException {
    raw = PgFixture.DB.connect();
    try (var s = raw.createStatement()) {
      s.execute("LISTEN \"docket_" + schema + ".changes\"");
    }
  }

  /** A count from {@code sql}, on this connection. */
  long count(String sql) throws SQLException {
    try (var s = raw.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The payloads on the channel until one names {@code marker}; fails after 10 s without it. */
  List<String> payloadsUntil(Job marker) throws SQLException {
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

  @Override
  public void close() throws SQLException {
    raw.close();
  }
}
