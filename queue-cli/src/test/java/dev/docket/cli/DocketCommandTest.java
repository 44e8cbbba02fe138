package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class DocketCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    // No environment: a DOCKET_DATABASE_URL on the machine must not turn these into database tests.
    CommandLine line = DocketCommand.commandLine(name -> null);
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  @Test
  void version_namesDocketsBuild_andTheJava() {
    int status = run("--version");

    assertThat(status).isZero();
    assertThat(out.toString().lines())
        .hasSize(2)
        .first()
        .asString()
        // From a jar, the version the build wrote into its manifest; from classes, a sentence.
        .matches(
            "docket (\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?|\\(a development build, not from a jar\\))");
    assertThat(out.toString()).contains("Java " + Runtime.version());
  }

  @Test
  @Timeout(60)
  void serveDemo_onTheInMemoryStore_runsJobs_andStopsGracefully() {
    int status =
        run("serve", "--demo", "--run-for", "PT3S", "--shutdown-grace", "PT2S", "--http-port", "0");

    assertThat(status).isZero();
    assertThat(out.toString()).contains("in-memory store");
    assertThat(out.toString()).containsPattern("mail +pending=\\d+ running=\\d+ completed=[1-9]");
    assertThat(out.toString())
        .containsPattern("Schedule demo.minutely-summary: enabled, next slot \\S+:00Z");
  }

  @Test
  @Timeout(60)
  void serve_printsNoStatistics_withoutDemoOrPrintStats_andPrintStatsZeroTurnsTheDemosOff() {
    int plain = run("serve", "--run-for", "PT0.5S", "--http-port", "0");
    int demoQuiet =
        run("serve", "--demo", "--print-stats", "PT0S", "--run-for", "PT1S", "--http-port", "0");

    assertThat(plain).isZero();
    assertThat(demoQuiet).isZero();
    assertThat(out.toString()).doesNotContain("pending=");
  }

  @Test
  void serve_whenTheDatabaseCannotBeReachedAtStart_saysSoInOneSentence_withStatusOne() {
    int status =
        run("serve", "--database-url", "jdbc:postgresql://127.0.0.1:1/none", "--http-port", "0");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("docket: Docket could not connect to jdbc:postgresql://127.0.0.1:1/none: ")
        .contains("Connection to 127.0.0.1:1 refused")
        .hasLineCount(1);
  }

  @Test
  void serve_withAnObviouslyWeakToken_refusesToStart_sayingWhyInOneLine() {
    int status = run("serve", "--api-token", "aaaaaaaaaaaaaaaa", "--http-port", "0");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("docket: The API token is refused: it has only 1 different character(s)")
        .contains("openssl rand -hex 24")
        .doesNotContain("aaaaaaaaaaaaaaaa")
        .hasLineCount(1);
  }

  @Test
  void serve_withAReadOnlyTokenThatIsTheApiToken_refusesToStart_inOneLine() {
    String token = "serve-test-token-0123456789abcdef";
    int status = run("serve", "--api-token", token, "--api-read-token", token, "--http-port", "0");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("docket: The read-only API token is the same as the API token")
        .doesNotContain(token)
        .hasLineCount(1);
  }

  @Test
  void serve_takesAReadOnlyTokenAndAnAuditRetention() {
    int status =
        run(
            "serve",
            "--api-read-token",
            "serve-read-token-9876543210fedcba",
            "--audit-retention",
            "P30D",
            "--run-for",
            "PT0.5S",
            "--http-port",
            "0");

    assertThat(status).as("%s", err).isZero();
  }

  @Test
  void serve_takesTheSecureCookieAndTrustProxyOptions() {
    int status =
        run(
            "serve",
            "--secure-cookies",
            "--trust-proxy",
            "--run-for",
            "PT0.5S",
            "--http-port",
            "0");

    assertThat(status).as("%s", err).isZero();
  }

  @Test
  void servePrintStats_refusesANegativeInterval() {
    assertThat(run("serve", "--print-stats", "-PT1S")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "Statistics interval PT-1S is negative: use PT0S to turn them off, or one such as"
                + " PT1M.");
  }

  @Test
  void statsAge_isShort_withTheTwoLargestUnits() {
    assertThat(Stats.age(Duration.ofMillis(999))).isEqualTo("0s");
    assertThat(Stats.age(Duration.ofSeconds(59))).isEqualTo("59s");
    assertThat(Stats.age(Duration.ofSeconds(187))).isEqualTo("3m07s");
    assertThat(Stats.age(Duration.ofMinutes(302))).isEqualTo("5h02m");
    assertThat(Stats.age(Duration.ofHours(52))).isEqualTo("2d04h");
  }

  @Test
  void migratePrint_printsTheSchemaSql_withoutADatabase() {
    int status = run("migrate", "--print", "--schema", "tenant_x");

    assertThat(status).isZero();
    assertThat(out.toString()).contains("CREATE TABLE \"tenant_x\".jobs");
  }

  @Test
  void badOptions_getAClearMessage_andExitStatusTwo() {
    assertThat(run("serve", "--queue", "mail=zero")).isEqualTo(2);
    assertThat(err.toString()).contains("docket serve: --queue: 'zero' is not a whole number");
    assertThat(run("migrate")).isEqualTo(2);
    assertThat(err.toString()).contains("needs --database-url");
    assertThat(run("serve", "--database-url", "mysql://x")).isEqualTo(1);
    assertThat(err.toString())
        .contains("docket: Database URL 'mysql://x' is not a PostgreSQL JDBC URL")
        .doesNotContain("at dev.docket");
  }
}
