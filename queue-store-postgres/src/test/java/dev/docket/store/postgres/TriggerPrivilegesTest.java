package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.Progress;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.ProgressReport;
import java.sql.Connection;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * An application may run Docket under a role granted only what it needs on the jobs table, with the
 * schema made by another. The change feed's triggers read change_listeners, which that role can't:
 * they run with their owner's rights, so the role's writes go through and their changes are sent.
 */
class TriggerPrivilegesTest {
  private PgFixture pg;
  private String role;
  private PostgresJobStorage limited;
  private Connection raw;

  @BeforeEach
  void start() throws Exception {
    pg = new PgFixture("privileges");
    // Roles belong to the whole server: a random name keeps concurrent runs apart.
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    role = "docket_app_" + HexFormat.of().formatHex(random);
    String jobs = "\"" + pg.schema + "\".jobs";
    PgFixture.DB.execute("CREATE ROLE " + role + " NOLOGIN");
    PgFixture.DB.execute("GRANT USAGE ON SCHEMA \"" + pg.schema + "\" TO " + role);
    PgFixture.DB.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + jobs + " TO " + role);
    // A claim skips paused queues: reading them is the worker path's need, not the feed's.
    PgFixture.DB.execute("GRANT SELECT ON \"" + pg.schema + "\".paused_queues TO " + role);
    org.jdbi.v3.core.ConnectionFactory asRole =
        () -> {
          Connection c = PgFixture.DB.connect();
          try (var s = c.createStatement()) {
            s.execute("SET ROLE " + role);
          }
          return c;
        };
    limited =
        new PostgresJobStorage(
            Jdbi.create(asRole).installPlugin(new PostgresPlugin()), asRole, new Sql(pg.schema));
    raw = PgFixture.DB.connect();
    try (var s = raw.createStatement()) {
      s.execute("LISTEN \"docket_" + pg.schema + ".changes\"");
    }
    // A live listener row, as a node with a subscriber keeps: the triggers read it and send.
    PgFixture.DB.execute(
        "INSERT INTO \"%s\".change_listeners VALUES (gen_random_uuid(), now() + interval '1 hour')"
            .formatted(pg.schema));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      raw.close();
      pg.close(); // drops the schema, and the role's grants on it with it
    } finally {
      PgFixture.DB.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  /** The payloads on the changes channel until one holds {@code marker}. */
  private String payloadWith(String marker) throws Exception {
    PGConnection pgc = raw.unwrap(PGConnection.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      PGNotification[] got = pgc.getNotifications(200);
      for (PGNotification n : got == null ? new PGNotification[0] : got) {
        if (n.getParameter().contains(marker)) {
          return n.getParameter();
        }
      }
    }
    throw new AssertionError("no change with " + marker + " came");
  }

  @Test
  void aRoleWithRightsOnJobsOnly_insertsAndUpdatesJobs_andTheirChangesAreSent() throws Exception {
    Job inserted = limited.insert(pg.prepare(1, "q")).get(0);
    assertThat(payloadWith(inserted.id().toString())).startsWith("[\"C\"");

    Job claimed =
        limited
            .claim(
                new ClaimRequest(
                    "q",
                    1,
                    "node-a",
                    Duration.ofSeconds(30),
                    pg.clock.instant(),
                    Set.of("test.job")))
            .get(0);
    assertThat(payloadWith(claimed.id().toString())).startsWith("[\"S\"");

    boolean stored =
        limited.reportProgress(
            new ProgressReport(
                claimed.id(),
                claimed.lease().orElseThrow().fence(),
                new Progress(40, "halfway there", pg.clock.instant())));
    assertThat(stored).isTrue();
    assertThat(payloadWith("halfway there")).startsWith("[\"P\"");
    assertThat(pg.count("progress_percent = 40")).isEqualTo(1);
  }
}
