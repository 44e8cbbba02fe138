package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.store.postgres.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The docket command stopped with SIGTERM, as a process manager stops it: the shutdown hook lets
 * running jobs finish or gives them back, and nothing is left running or lost.
 */
class CrashSigtermTest {
  private static final TestDatabase DB = TestDatabase.get();

  @Test
  @Timeout(90)
  void serveStoppedWithSigterm_finishesOrReleasesEveryRunningJob_andExits() throws Exception {
    String schema = DB.freshSchema("sigterm");
    Path log = Path.of("target", "sigterm-" + schema + ".log");
    Files.createDirectories(log.getParent());
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            DocketCommand.class.getName(),
            "serve",
            "--demo",
            "--http-port",
            "0",
            "--database-url",
            DB.url,
            "--database-user",
            DB.user,
            "--schema",
            schema,
            "--shutdown-grace",
            "PT5S");
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  count(schema, "state = 'completed'") >= 5
                      && count(schema, "state = 'running'") > 0);

      child.destroy(); // SIGTERM on Linux and macOS

      assertThat(child.waitFor(30, TimeUnit.SECONDS))
          .as("the command exits after SIGTERM")
          .isTrue();
      assertThat(count(schema, "state = 'running'")).as("jobs left running").isZero();
      assertThat(
              count(schema, "state IN ('pending', 'scheduled') AND attempt > 0 AND errors = '[]'"))
          .as("jobs given back must not have used an attempt")
          .isZero();
      assertThat(Files.readString(log)).contains("stopped.");
    } finally {
      child.destroyForcibly();
      DB.dropSchema(schema);
    }
  }

  private static long count(String schema, String where) {
    try (var c = DB.connect();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM \"" + schema + "\".jobs WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1; // the schema does not exist yet while the command starts
    }
  }
}
