package dev.docket.cli;

import static dev.docket.cli.CliSchema.UUID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docket jobs} and {@code docket enqueue} for operators, on PostgreSQL: {@code --json},
 * {@code delete}, the {@code dead} alias, priority names and the messages of refused changes. Each
 * test uses queues of its own in this class's schema.
 */
class JobsCommandPostgresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";

  private static CliSchema cli;

  @BeforeAll
  static void migrate() {
    cli = new CliSchema("cli_jobs");
  }

  @AfterAll
  static void drop() {
    cli.close();
  }

  @AfterEach
  void noStackTraceIsEverPrinted() {
    assertThat(cli.err.toString()).doesNotContain("\tat ");
  }

  private static JsonNode json(String line) throws Exception {
    return JSON.readTree(line);
  }

  @Test
  void listJson_printsOneJobPerLine_andNothingElse_withTheCursorOnStderr() throws Exception {
    JobId oldest = cli.enqueue("page", "{\"n\":1}", "--queue", "json_pages");
    JobId middle = cli.enqueue("page", "{\"n\":2}", "--queue", "json_pages");
    JobId newest = cli.enqueue("page", "{\"n\":3}", "--queue", "json_pages");

    int status = cli.run("jobs", "list", "--queue", "json_pages", "--limit", "2", "--json");

    assertThat(status).isZero();
    List<String> lines = cli.lines();
    assertThat(lines).hasSize(2);
    assertThat(json(lines.get(0)).get("id").asText()).isEqualTo(newest.toString());
    assertThat(json(lines.get(1)).get("id").asText()).isEqualTo(middle.toString());
    assertThat(json(lines.get(0)).get("state").asText()).isEqualTo("pending");
    assertThat(json(lines.get(0)).has("payload")).as("lists leave the payload out").isFalse();
    assertThat(cli.err.toString()).isEqualToIgnoringNewLines("Next page: --after " + middle);

    assertThat(
            cli.run(
                "jobs", "list", "--queue", "json_pages", "--after", middle.toString(), "--json"))
        .isZero();
    assertThat(cli.lines())
        .singleElement()
        .satisfies(line -> assertThat(line).contains(oldest.toString()));
    assertThat(cli.err.toString())
        .as("no next page, but a previous one")
        .isEqualToIgnoringNewLines("Previous page: --before " + oldest);
  }

  @Test
  void list_findsJobs_byWhatTheirPayloadContains_andByTheEndOfTheirId() {
    JobId gold =
        cli.enqueue(
            "mail", "{\"customer\": {\"id\": 42, \"tier\": \"gold\"}}", "--queue", "find_cli");
    JobId silver =
        cli.enqueue(
            "mail", "{\"customer\": {\"id\": 42, \"tier\": \"silver\"}}", "--queue", "find_cli");
    cli.enqueue("mail", "{\"customer\": 42}", "--queue", "find_cli");

    assertThat(
            cli.run(
                "jobs", "list", "--queue", "find_cli", "--payload", "{\"customer\": {\"id\": 42}}"))
        .isZero();
    assertThat(cli.out.toString()).contains(gold.toString(), silver.toString()).contains("ID");
    assertThat(cli.lines()).hasSize(3); // the header and two jobs

    String text = gold.toString();
    assertThat(cli.run("jobs", "list", "--id", "\u2026" + text.substring(text.length() - 12)))
        .isZero();
    assertThat(cli.lines()).hasSize(2).last().satisfies(line -> assertThat(line).startsWith(text));
  }

  @Test
  void list_refusesAPayloadThatIsNotJson_andAnIdThatIsNoHex_asUsageErrors() {
    assertThat(cli.run("jobs", "list", "--payload", "{customer: 42}")).isEqualTo(2);
    assertThat(cli.err.toString())
        .contains(
            "docket jobs list: The payload filter is not valid JSON: expected a quoted key (at"
                + " character 2).");
    assertThat(cli.run("jobs", "list", "--id", "xyz1")).isEqualTo(2);
    assertThat(cli.err.toString()).contains("is not the end of a job id");
    assertThat(cli.run("jobs", "cancel", "--payload", "42", "--yes")).isEqualTo(2);
    assertThat(cli.err.toString()).contains("use an object such as");
  }

  @Test
  void list_printsThePreviousPagesCursor_andBeforeGoesBackToIt() {
    JobId oldest = cli.enqueue("page", "{\"n\":1}", "--queue", "back_pages");
    JobId middle = cli.enqueue("page", "{\"n\":2}", "--queue", "back_pages");
    JobId newest = cli.enqueue("page", "{\"n\":3}", "--queue", "back_pages");

    assertThat(
            cli.run(
                "jobs",
                "list",
                "--queue",
                "back_pages",
                "--limit",
                "1",
                "--after",
                newest.toString()))
        .isZero();
    assertThat(cli.out.toString())
        .contains(middle.toString())
        .contains("Next page: --after " + middle)
        .contains("Previous page: --before " + middle);

    assertThat(
            cli.run(
                "jobs",
                "list",
                "--queue",
                "back_pages",
                "--limit",
                "1",
                "--before",
                middle.toString(),
                "--json"))
        .isZero();
    assertThat(cli.lines())
        .singleElement()
        .satisfies(line -> assertThat(line).contains(newest.toString()));
    assertThat(cli.err.toString())
        .as("the first page again: no page before it")
        .isEqualToIgnoringNewLines("Next page: --after " + newest);
    assertThat(oldest).isNotNull();
  }

  @Test
  void listJson_ofNoJobs_printsNothing() {
    int status = cli.run("jobs", "list", "--queue", "json_none", "--json");

    assertThat(status).isZero();
    assertThat(cli.out.toString()).isEmpty();
    assertThat(cli.err.toString()).isEmpty();
  }

  @Test
  void showJson_printsEveryField_withThePayloadAsJson_andEachError() throws Exception {
    JobId id =
        cli.enqueue(
            "send-email",
            "{\"to\":\"ada@example.com\",\"copies\":1.50}",
            "--queue",
            "json_show",
            "--max-attempts",
            "1",
            "--priority",
            "high",
            "--tag",
            "vip");
    cli.finish("json_show", true);

    int status = cli.run("jobs", "show", id.toString(), "--json");

    assertThat(status).isZero();
    assertThat(cli.lines()).hasSize(1);
    String line = cli.lines().get(0);
    assertThat(line)
        .startsWith(
            "{\"id\":\"%s\",\"queue\":\"json_show\",\"kind\":\"send-email\",\"state\":\"failed\","
                    .formatted(id)
                + "\"priority\":75,\"attempt\":1,\"maxAttempts\":1,"
                + "\"retry\":{\"policy\":\"exponential\",\"base\":\"PT1S\",\"cap\":\"PT1H\"},")
        .contains("\"payload\":{\"to\":\"ada@example.com\",\"copies\":1.50}");
    JsonNode job = json(line);
    assertThat(job.get("tags").toString()).isEqualTo("[\"vip\"]");
    assertThat(job.get("finishedAt").asText()).matches("\\d{4}-.*Z");
    assertThat(job.get("lease").isNull()).isTrue();
    assertThat(job.get("result").isNull()).isTrue();
    assertThat(job.get("errorCount").asInt()).isEqualTo(1);
    assertThat(job.get("lastError").asText())
        .isEqualTo("java.lang.IllegalStateException: The mail server said no.");
    JsonNode error = job.get("errors").get(0);
    assertThat(error.get("attempt").asInt()).isEqualTo(1);
    assertThat(error.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.get("stackTrace").asText()).contains("at dev.docket.cli.CliSchema.finish");
  }

  @Test
  void retryAndCancelJson_printTheJobAfterTheChange() throws Exception {
    JobId id = cli.enqueue("flaky", "{}", "--queue", "json_actions", "--max-attempts", "1");
    cli.finish("json_actions", true);

    assertThat(cli.run("jobs", "retry", id.toString(), "--json")).isZero();
    JsonNode retried = json(cli.lines().get(0));
    assertThat(cli.run("jobs", "cancel", id.toString(), "--json")).isZero();
    JsonNode cancelled = json(cli.lines().get(0));

    assertThat(retried.get("id").asText()).isEqualTo(id.toString());
    assertThat(retried.get("state").asText()).isEqualTo("pending");
    assertThat(retried.get("maxAttempts").asInt()).isEqualTo(2);
    assertThat(cancelled.get("state").asText()).isEqualTo("cancelled");
    assertThat(cli.lines()).hasSize(1);
  }

  @Test
  void list_takesDeadForFailed_inAnyCase_andShowsFailed() {
    cli.enqueue("doomed", "{}", "--queue", "dead_alias", "--max-attempts", "1");
    JobId failed = cli.finish("dead_alias", true).id();
    cli.enqueue("fine", "{}", "--queue", "dead_alias");

    assertThat(cli.run("jobs", "list", "--queue", "dead_alias", "--state", "dead")).isZero();
    List<String> dead = cli.lines();
    assertThat(cli.run("jobs", "list", "--queue", "dead_alias", "--state", "DEAD")).isZero();
    List<String> upper = cli.lines();
    assertThat(cli.run("jobs", "list", "--queue", "dead_alias", "--state", "failed")).isZero();

    assertThat(dead).isEqualTo(cli.lines()).isEqualTo(upper).hasSize(2);
    assertThat(dead.get(1)).matches(failed + " +dead_alias +doomed +failed +1/1 +\\S+Z");
    assertThat(String.join("\n", dead)).doesNotContain("dead ").doesNotContain("DEAD");
  }

  @Test
  void cancel_ofACancelledJob_saysItIsAlreadyCancelled() {
    JobId id = cli.enqueue("slow", "{}", "--queue", "cancel_twice");
    assertThat(cli.run("jobs", "cancel", id.toString())).isZero();

    int status = cli.run("jobs", "cancel", id.toString());

    assertThat(status).isEqualTo(1);
    assertThat(cli.out.toString()).isEmpty();
    assertThat(cli.err.toString())
        .isEqualToIgnoringNewLines("docket: Job %s is already cancelled.".formatted(id));
  }

  @Test
  void retry_ofACompletedJob_saysOnlyFailedOrCancelledJobsCanBeRetried() {
    JobId id = cli.enqueue("quick", "{}", "--queue", "retry_done");
    cli.finish("retry_done", false);

    int status = cli.run("jobs", "retry", id.toString());

    assertThat(status).isEqualTo(1);
    assertThat(cli.err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Job %s has completed: only failed or cancelled jobs can be retried."
                .formatted(id));
    assertThat(cli.stored(id).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void rerun_ofAFailedJob_enqueuesANewJobOfTheSameDefinition_andSaysWhich() {
    JobId id =
        cli.enqueue(
            "flaky",
            "{\"n\":1}",
            "--queue",
            "rerun_cli",
            "--max-attempts",
            "1",
            "--priority",
            "high",
            "--tag",
            "vip",
            "--unique-key",
            "rerun-cli-1");
    cli.finish("rerun_cli", true);

    int status = cli.run("jobs", "rerun", id.toString());

    assertThat(status).as("%s", cli.err).isZero();
    assertThat(cli.lines()).singleElement().asString().endsWith(" pending, a re-run of " + id);
    JobId rerun = JobId.parse(cli.lines().get(0).split(" ")[0]);
    Job stored = cli.stored(rerun);
    assertThat(stored.queue()).isEqualTo("rerun_cli");
    assertThat(stored.kind()).isEqualTo("flaky");
    assertThat(stored.payload()).isEqualTo("{\"n\":1}");
    assertThat(stored.priority().value()).isEqualTo(75);
    assertThat(stored.tags()).containsExactly("vip");
    assertThat(stored.maxAttempts()).isEqualTo(1);
    assertThat(stored.uniqueKey()).isEmpty();
    assertThat(stored.state()).isEqualTo(JobState.PENDING);
    assertThat(cli.stored(id).state()).isEqualTo(JobState.FAILED);
    assertThat(cli.store.auditLog().list(1, Long.MAX_VALUE))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.action()).isEqualTo("cli jobs rerun");
              assertThat(e.target()).isEqualTo("job %s: new job %s".formatted(id, rerun));
            });
  }

  @Test
  void rerunJson_printsTheNewJob() throws Exception {
    JobId id = cli.enqueue("quick", "{}", "--queue", "rerun_json");
    cli.finish("rerun_json", false);

    assertThat(cli.run("jobs", "rerun", id.toString(), "--json")).isZero();

    JsonNode job = json(cli.lines().get(0));
    assertThat(job.get("id").asText()).matches(UUID).isNotEqualTo(id.toString());
    assertThat(job.get("state").asText()).isEqualTo("pending");
    assertThat(job.get("queue").asText()).isEqualTo("rerun_json");
  }

  @Test
  void rerun_ofAJobThatHasNotFinished_saysOnlyFinishedJobsCanBeRerun() {
    JobId id = cli.enqueue("later", "{}", "--queue", "rerun_pending");

    int status = cli.run("jobs", "rerun", id.toString());

    assertThat(status).isEqualTo(1);
    assertThat(cli.out.toString()).isEmpty();
    assertThat(cli.err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Job %s is pending: only a finished job (completed, failed or cancelled) can"
                    .formatted(id)
                + " be run again.");
  }

  @Test
  void rerun_ofAnUnknownJob_saysThereIsNone() {
    int status = cli.run("jobs", "rerun", UNKNOWN_ID);

    assertThat(status).isEqualTo(1);
    assertThat(cli.err.toString())
        .isEqualToIgnoringNewLines(
            "docket: There is no job %s: it never existed, or it was purged."
                .formatted(UNKNOWN_ID));
  }

  @Test
  void delete_deletesEachJob_pendingOrFinished_andSaysSoForEach() {
    JobId pending = cli.enqueue("gone", "{}", "--queue", "delete_many", "--delay", "PT1H");
    JobId completed = cli.enqueue("gone", "{}", "--queue", "delete_many");
    cli.finish("delete_many", false);

    int status = cli.run("jobs", "delete", pending.toString(), completed.toString());

    assertThat(status).isZero();
    assertThat(cli.lines()).containsExactly(pending + " deleted", completed + " deleted");
    assertThat(cli.err.toString()).isEmpty();
    assertThat(cli.store.storage().find(pending)).isEmpty();
    assertThat(cli.store.storage().find(completed)).isEmpty();
  }

  @Test
  void delete_ofARunningJob_saysToCancelItFirst_andStillDeletesTheOthers() {
    JobId running = cli.enqueue("busy", "{}", "--queue", "delete_running");
    cli.claim("delete_running");
    JobId pending = cli.enqueue("idle", "{}", "--queue", "delete_running");

    int status = cli.run("jobs", "delete", running.toString(), UNKNOWN_ID, pending.toString());

    assertThat(status).isEqualTo(1);
    assertThat(cli.lines()).containsExactly(pending + " deleted");
    assertThat(cli.err.toString().lines())
        .containsExactly(
            "docket: Job %s is running: cancel it first, and delete it once it stops."
                .formatted(running),
            "docket: There is no job %s: it never existed, or it was purged."
                .formatted(UNKNOWN_ID));
    assertThat(cli.stored(running).state()).isEqualTo(JobState.RUNNING);
    assertThat(cli.store.storage().find(pending)).isEmpty();
  }

  @Test
  void deleteJson_printsEachDeletedJobAsItWas() throws Exception {
    JobId id = cli.enqueue("gone", "{\"why\":\"test\"}", "--queue", "delete_json");

    int status = cli.run("jobs", "delete", id.toString(), id.toString(), "--json");

    assertThat(status).as("a repeated id is deleted once").isZero();
    assertThat(cli.lines()).hasSize(1);
    JsonNode job = json(cli.lines().get(0));
    assertThat(job.get("id").asText()).isEqualTo(id.toString());
    assertThat(job.get("state").asText()).isEqualTo("pending");
    assertThat(job.get("payload").toString()).isEqualTo("{\"why\":\"test\"}");
  }

  @Test
  void enqueueJson_printsTheStoredJob() throws Exception {
    int status =
        cli.run(
            "enqueue",
            "report",
            "[1,2]",
            "--queue",
            "enqueue_json",
            "--priority",
            "URGENT",
            "--json");

    assertThat(status).isZero();
    assertThat(cli.lines()).hasSize(1);
    JsonNode job = json(cli.lines().get(0));
    assertThat(job.get("id").asText()).matches(UUID);
    assertThat(job.get("priority").asInt()).isEqualTo(100);
    assertThat(job.get("payload").toString()).isEqualTo("[1,2]");
    Job stored = cli.stored(JobId.parse(job.get("id").asText()));
    assertThat(stored.queue()).isEqualTo("enqueue_json");
  }
}
