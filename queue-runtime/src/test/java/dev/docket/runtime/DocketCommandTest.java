package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

class DocketCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine line = DocketCommand.commandLine();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  @Test
  @Timeout(60)
  void serveDemo_onTheInMemoryStore_runsJobs_andStopsGracefully() {
    int status = run("serve", "--demo", "--run-for", "PT3S", "--shutdown-grace", "PT2S");

    assertThat(status).isZero();
    assertThat(out.toString()).contains("in-memory store");
    assertThat(out.toString()).containsPattern("mail +pending=\\d+ running=\\d+ completed=[1-9]");
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
    assertThat(err.toString()).contains("'zero' is not an int");
    assertThat(run("migrate")).isEqualTo(2);
    assertThat(err.toString()).contains("needs --database-url");
    assertThat(run("serve", "--database-url", "mysql://x")).isEqualTo(1);
    assertThat(err.toString())
        .contains("docket: Database URL 'mysql://x' is not a PostgreSQL JDBC URL")
        .doesNotContain("at dev.docket");
  }
}
