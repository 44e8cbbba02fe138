package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docket jobs retry}, {@code cancel} and {@code delete} on many jobs, on PostgreSQL: by a
 * filter after a count and a confirmation, by several ids, and the refusals. Each test uses queues
 * of its own in this class's schema.
 */
class BulkCommandPostgresTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static CliSchema cli;

  @BeforeAll
  static void migrate() {
    cli = new CliSchema("cli_bulk");
  }

  @AfterAll
  static void drop() {
    cli.close();
  }

  @AfterEach
  void noStackTraceIsEverPrinted() {
    assertThat(cli.err.toString()).doesNotContain("\tat ");
  }

  /** {@code count} jobs of {@code kind} in {@code queue}, each failed for good. */
  private static List<JobId> dead(String queue, String kind, int count) {
    var ids = new ArrayList<JobId>();
    for (int i = 0; i < count; i++) {
      cli.enqueue(kind, "{}", "--queue", queue, "--max-attempts", "1");
      ids.add(cli.finish(queue, true).id());
    }
    return ids;
  }

  @Test
  void retryByFilter_withoutYes_andNoTerminal_changesNothing_andSaysHowManyMatch() {
    List<JobId> ids = dead("bulk_ask", "mail.send", 3);

    int status = cli.run("jobs", "retry", "--queue", "bulk_ask", "--state", "dead");

    assertThat(status).isEqualTo(2);
    assertThat(cli.out.toString()).isEmpty();
    assertThat(cli.err.toString())
        .isEqualToIgnoringNewLines(
            "docket jobs retry: 3 jobs match state dead, queue bulk_ask; nothing was changed"
                + " (add --yes to retry them).");
    assertThat(ids).allSatisfy(id -> assertThat(cli.stored(id).state()).isEqualTo(JobState.FAILED));
  }

  @Test
  void retryByFilter_withYes_retriesEveryMatch_andNoOtherJob() {
    List<JobId> mail = dead("bulk_retry", "mail.send", 4);
    List<JobId> other = dead("bulk_retry", "pdf.render", 1);

    int status =
        cli.run(
            "jobs",
            "retry",
            "--queue",
            "bulk_retry",
            "--state",
            "dead",
            "--kind",
            "mail.send",
            "--yes");

    assertThat(status).isZero();
    assertThat(cli.out.toString()).isEqualToIgnoringNewLines("Retried 4 jobs.");
    assertThat(mail)
        .allSatisfy(id -> assertThat(cli.stored(id).state()).isEqualTo(JobState.PENDING));
    assertThat(cli.stored(other.getFirst()).state()).isEqualTo(JobState.FAILED);

    int again =
        cli.run(
            "jobs",
            "retry",
            "--queue",
            "bulk_retry",
            "--state",
            "dead",
            "--kind",
            "mail.send",
            "--yes");

    assertThat(again).as("nothing is dead any more").isZero();
    assertThat(cli.out.toString())
        .isEqualToIgnoringNewLines("No jobs match state dead, queue bulk_retry, kind mail.send.");
  }

  @Test
  void cancelByFilter_onDueJobs_leavesScheduledOnes_andPrintsJson() throws Exception {
    cli.enqueue("tick", "{}", "--queue", "bulk_due");
    cli.enqueue("tick", "{}", "--queue", "bulk_due");
    JobId later = cli.enqueue("tick", "{}", "--queue", "bulk_due", "--delay", "PT1H");

    int status =
        cli.run("jobs", "cancel", "--queue", "bulk_due", "--state", "due", "--yes", "--json");

    assertThat(status).isZero();
    JsonNode summary = JSON.readTree(cli.lines().getFirst());
    assertThat(summary.get("action").asText()).isEqualTo("cancel");
    assertThat(summary.get("changed").asInt()).isEqualTo(2);
    assertThat(summary.get("skipped").asInt()).isZero();
    assertThat(cli.stored(later).state()).isEqualTo(JobState.PENDING);
    assertThat(cli.run("jobs", "list", "--queue", "bulk_due", "--state", "scheduled", "--json"))
        .isZero();
    assertThat(cli.lines())
        .singleElement()
        .satisfies(l -> assertThat(l).contains(later.toString()));
  }

  @Test
  void retryOfSeveralIds_retriesWhatItCan_andSaysWhyItLeftTheRest_withStatusOne() {
    JobId failed = dead("bulk_ids", "mail.send", 1).getFirst();
    JobId pending = cli.enqueue("mail.send", "{}", "--queue", "bulk_ids_waiting");
    String unknown = "00000000-0000-7000-8000-00000000abcd";

    int status = cli.run("jobs", "retry", failed.toString(), pending.toString(), unknown);

    assertThat(status).isEqualTo(1);
    assertThat(cli.lines()).containsExactly(failed + " pending");
    assertThat(cli.err.toString())
        .contains("docket: Job " + pending + " is pending")
        .contains("docket: There is no job " + unknown);
    assertThat(cli.stored(failed).state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void deleteByFilter_withYes_deletesTheMatches() {
    List<JobId> ids = dead("bulk_delete", "mail.send", 3);
    JobId kept = cli.enqueue("mail.send", "{}", "--queue", "bulk_delete");

    int status = cli.run("jobs", "delete", "--queue", "bulk_delete", "--state", "failed", "--yes");

    assertThat(status).isZero();
    assertThat(cli.out.toString()).isEqualToIgnoringNewLines("Deleted 3 jobs.");
    assertThat(cli.run("jobs", "list", "--queue", "bulk_delete", "--json")).isZero();
    assertThat(cli.lines()).singleElement().satisfies(l -> assertThat(l).contains(kept.toString()));
    assertThat(ids).hasSize(3);
  }

  @Test
  void cancelByPayload_withYes_cancelsTheJobsWhosePayloadContainsIt() {
    JobId gold =
        cli.enqueue("mail.send", "{\"customer\": {\"tier\": \"gold\"}}", "--queue", "bulk_payload");
    JobId other =
        cli.enqueue(
            "mail.send", "{\"customer\": {\"tier\": \"silver\"}}", "--queue", "bulk_payload");

    int status =
        cli.run(
            "jobs",
            "cancel",
            "--queue",
            "bulk_payload",
            "--payload",
            "{\"customer\": {\"tier\": \"gold\"}}",
            "--yes");

    assertThat(status).isZero();
    assertThat(cli.out.toString()).isEqualToIgnoringNewLines("Cancelled 1 job.");
    assertThat(cli.run("jobs", "list", "--queue", "bulk_payload", "--state", "cancelled", "--json"))
        .isZero();
    assertThat(cli.lines()).singleElement().satisfies(l -> assertThat(l).contains(gold.toString()));
    assertThat(other).isNotEqualTo(gold);
  }
}
