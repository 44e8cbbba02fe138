package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code docket queues} on PostgreSQL, each test in a schema of its own so that a list holds only
 * its queues.
 */
class QueuesCommandPostgresTest {
  private final CliSchema cli = new CliSchema("cli_queues");

  @AfterEach
  void dropSchema() {
    assertThat(cli.err.toString()).doesNotContain("\tat ");
    cli.close();
  }

  /** Two due and one scheduled job in mail, one completed and one failed in reports (paused). */
  private void aFewQueues() {
    cli.enqueue("send", "{}", "--queue", "mail");
    cli.enqueue("send", "{}", "--queue", "mail");
    cli.enqueue("send", "{}", "--queue", "mail", "--delay", "PT1H");
    cli.enqueue("render", "{}", "--queue", "reports");
    cli.finish("reports", false);
    cli.enqueue("render", "{}", "--queue", "reports", "--max-attempts", "1");
    cli.finish("reports", true);
    cli.store.queueControl().pause("reports", Instant.now());
  }

  /** A node that beat just now, serving {@code queue} only. */
  private void aLiveNodeServes(String queue) {
    Instant now = Instant.now();
    cli.store
        .nodeRegistry()
        .beat(
            new Node(
                "node-a",
                "host-a",
                now,
                now,
                Map.of(queue, 2),
                Set.of("resize"),
                Optional.empty(),
                Map.of()));
  }

  private boolean claims(String queue) {
    return !cli.store
        .storage()
        .claim(new ClaimRequest(queue, 1, "cli-test", Duration.ofMinutes(1), Instant.now()))
        .isEmpty();
  }

  @Test
  void list_showsEveryQueue_pausedOrNot_withItsDueAndScheduledJobsApart() {
    aFewQueues();
    aLiveNodeServes("media");

    int status = cli.run("queues", "list");

    assertThat(status).isZero();
    List<String> lines = cli.lines();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0))
        .isEqualTo(
            "QUEUE    PAUSED  DUE  SCHEDULED  RUNNING  COMPLETED  FAILED  CANCELLED  OLDEST-DUE");
    assertThat(lines.get(1))
        .matches("mail     no        2          1        0          0       0          0  \\d+s");
    assertThat(lines.get(2))
        .isEqualTo("media    no        0          0        0          0       0          0  -");
    assertThat(lines.get(3))
        .isEqualTo("reports  yes       0          0        0          1       1          0  -");
    assertThat(cli.err.toString()).isEmpty();
  }

  @Test
  void listJson_printsOneObjectPerQueue_withTheSameCounts() throws Exception {
    aFewQueues();
    aLiveNodeServes("media");

    int status = cli.run("queues", "list", "--json");

    assertThat(status).isZero();
    List<String> lines = cli.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .startsWith(
            "{\"name\":\"mail\",\"paused\":false,\"pending\":3,\"running\":0,\"completed\":0,"
                + "\"failed\":0,\"cancelled\":0,\"due\":2,\"scheduled\":1,\"oldestDueAt\":\"")
        .matches(".*\"oldestDueAgeSeconds\":\\d+(\\.\\d+)?}");
    assertThat(lines.get(1))
        .isEqualTo(
            "{\"name\":\"media\",\"paused\":false,\"pending\":0,\"running\":0,\"completed\":0,"
                + "\"failed\":0,\"cancelled\":0,\"due\":0,\"scheduled\":0,\"oldestDueAt\":null,"
                + "\"oldestDueAgeSeconds\":null}");
    assertThat(lines.get(2))
        .isEqualTo(
            "{\"name\":\"reports\",\"paused\":true,\"pending\":0,\"running\":0,\"completed\":1,"
                + "\"failed\":1,\"cancelled\":0,\"due\":0,\"scheduled\":0,\"oldestDueAt\":null,"
                + "\"oldestDueAgeSeconds\":null}");
    var mail = new ObjectMapper().readTree(lines.get(0));
    assertThat(Instant.parse(mail.get("oldestDueAt").asText())).isBefore(Instant.now());
  }

  @Test
  void list_ofASchemaWithoutQueues_saysSo_andItsJsonIsEmpty() {
    assertThat(cli.run("queues", "list")).isZero();
    assertThat(cli.out.toString())
        .isEqualToIgnoringNewLines(
            "No queues in schema '%s': none has jobs, is paused or is served by a live node."
                .formatted(cli.schema));

    assertThat(cli.run("queues", "list", "--json")).isZero();
    assertThat(cli.out.toString()).isEmpty();
  }

  @Test
  void pause_stopsEveryNodeClaiming_andPausingAgainChangesNothing() {
    cli.enqueue("send", "{}", "--queue", "mail");

    int first = cli.run("queues", "pause", "mail");
    String firstOut = cli.out.toString();
    int again = cli.run("queues", "pause", "mail");

    assertThat(first).isZero();
    assertThat(firstOut).isEqualToIgnoringNewLines("mail paused");
    assertThat(again).isZero();
    assertThat(cli.out.toString()).isEqualToIgnoringNewLines("mail was paused already");
    assertThat(cli.err.toString()).isEmpty();
    assertThat(cli.store.queueControl().pausedQueues()).containsExactly("mail");
    assertThat(claims("mail")).as("a paused queue's job is claimed").isFalse();
  }

  @Test
  void resume_letsNodesClaimAgain_andResumingAQueueThatRunsChangesNothing() {
    cli.enqueue("send", "{}", "--queue", "mail");
    cli.store.queueControl().pause("mail", Instant.now());

    int first = cli.run("queues", "resume", "mail");
    String firstOut = cli.out.toString();
    int again = cli.run("queues", "resume", "mail");

    assertThat(first).isZero();
    assertThat(firstOut).isEqualToIgnoringNewLines("mail resumed");
    assertThat(again).isZero();
    assertThat(cli.out.toString()).isEqualToIgnoringNewLines("mail was not paused");
    assertThat(cli.store.queueControl().pausedQueues()).isEmpty();
    assertThat(claims("mail")).isTrue();
  }

  @Test
  void pauseAndResumeJson_printTheQueueAfterTheChange() {
    cli.enqueue("send", "{}", "--queue", "mail", "--delay", "PT1H");

    assertThat(cli.run("queues", "pause", "mail", "--json")).isZero();
    String paused = cli.out.toString();
    assertThat(cli.run("queues", "resume", "mail", "--json")).isZero();

    assertThat(paused)
        .isEqualToIgnoringNewLines(
            "{\"name\":\"mail\",\"paused\":true,\"pending\":1,\"running\":0,\"completed\":0,"
                + "\"failed\":0,\"cancelled\":0,\"due\":0,\"scheduled\":1,\"oldestDueAt\":null,"
                + "\"oldestDueAgeSeconds\":null}");
    assertThat(cli.out.toString()).startsWith("{\"name\":\"mail\",\"paused\":false,");
  }

  @Test
  void aQueueOnlyALiveNodeServes_canBePaused() {
    aLiveNodeServes("media");

    assertThat(cli.run("queues", "pause", "media")).isZero();

    assertThat(cli.out.toString()).isEqualToIgnoringNewLines("media paused");
    assertThat(cli.store.queueControl().pausedQueues()).containsExactly("media");
  }

  @Test
  void pauseOrResume_ofAnUnknownQueue_isRefused_namingTheQueuesThereAre() {
    cli.enqueue("send", "{}", "--queue", "mail");
    cli.enqueue("render", "{}", "--queue", "reports");

    int pause = cli.run("queues", "pause", "mial");
    String pauseErr = cli.err.toString();
    String pauseOut = cli.out.toString();
    int resume = cli.run("queues", "resume", "mial");

    String expected =
        "docket: There is no queue 'mial': it has no jobs, no node serves it and it is not paused."
            + " The queues are: mail, reports.";
    assertThat(pause).isEqualTo(1);
    assertThat(pauseErr).isEqualToIgnoringNewLines(expected);
    assertThat(pauseOut).isEmpty();
    assertThat(resume).isEqualTo(1);
    assertThat(cli.err.toString()).isEqualToIgnoringNewLines(expected);
    assertThat(cli.store.queueControl().pausedQueues()).isEmpty();
  }

  @Test
  void pause_onASchemaWithoutQueues_saysThereAreNone() {
    int status = cli.run("queues", "pause", "mail");

    assertThat(status).isEqualTo(1);
    assertThat(cli.err.toString())
        .isEqualToIgnoringNewLines(
            "docket: There is no queue 'mail': it has no jobs, no node serves it and it is not"
                + " paused. The queues are: none.");
  }
}
