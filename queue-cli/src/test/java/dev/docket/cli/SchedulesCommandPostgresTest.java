package dev.docket.cli;

import static dev.docket.cli.CliSchema.UUID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.Priority;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.runtime.Schedule;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.ScheduleState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code docket schedules} on PostgreSQL: the schedules a node ran, as the store keeps them,
 * listed, run, enabled and disabled without the application's code. Each test has a schema of its
 * own where a node ran {@link #NIGHTLY} and {@link #HOURLY}.
 */
class SchedulesCommandPostgresTest {
  static final Schedule NIGHTLY =
      Schedule.cron(
          "nightly-report",
          "0 3 * * *",
          ZoneId.of("Europe/Berlin"),
          JobRequest.ofJson("report.daily", "{\"day\":\"yesterday\"}")
              .queue("reports")
              .priority(Priority.HIGH)
              .tags("finance")
              .build());

  static final Schedule HOURLY =
      Schedule.every("hourly-ping", Duration.ofHours(1), JobRequest.ofJson("ping", "{}").build());

  private final CliSchema cli = new CliSchema("cli_schedules");

  /** A node ran the schedules once, long enough to define them in the store, and stopped. */
  @BeforeEach
  void aNodeRanTheSchedules() {
    try (var node =
        DocketRuntime.builder(cli.store)
            .options(RuntimeOptions.builder().queue("schedules_node", 1).build())
            .schedule(NIGHTLY)
            .schedule(HOURLY)
            .build()) {
      node.start();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  cli.store.scheduleStates().list().stream()
                          .filter(state -> state.definition().isPresent())
                          .count()
                      == 2);
    }
  }

  @AfterEach
  void dropSchema() {
    assertThat(cli.err.toString()).doesNotContain("\tat ");
    cli.close();
  }

  private ScheduleState state(String name) {
    return cli.store.scheduleStates().find(name).orElseThrow();
  }

  /** The cells of a table line: columns are two or more spaces apart. */
  private static List<String> cells(String line) {
    return Arrays.asList(line.split(" {2,}"));
  }

  private static String slot(Optional<Instant> slot) {
    return slot.map(at -> at.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-");
  }

  /** The slot the trigger fires next after {@code before}, as the list shows it. */
  private static String next(Schedule schedule, Instant before) {
    return slot(schedule.trigger().next(before));
  }

  @Test
  void list_showsEachSchedulesTriggerKindQueueStateAndSlots() {
    Instant before = Instant.now();

    int status = cli.run("schedules", "list");

    assertThat(status).isZero();
    List<String> lines = cli.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .matches("SCHEDULE +TRIGGER +KIND +QUEUE +ENABLED +LAST-SLOT +NEXT-SLOT");
    assertThat(cells(lines.get(1)))
        .containsExactly(
            "hourly-ping",
            "every PT1H",
            "ping",
            "default",
            "yes",
            slot(state("hourly-ping").lastSlot()),
            next(HOURLY, before));
    assertThat(cells(lines.get(2)))
        .containsExactly(
            "nightly-report",
            "cron 0 3 * * * Europe/Berlin",
            "report.daily",
            "reports",
            "yes",
            slot(state("nightly-report").lastSlot()),
            next(NIGHTLY, before));
    assertThat(cli.err.toString()).isEmpty();
  }

  @Test
  void listJson_printsOneObjectPerSchedule() {
    Instant before = Instant.now();

    int status = cli.run("schedules", "list", "--json");

    assertThat(status).isZero();
    assertThat(cli.lines())
        .containsExactly(
            ("{\"name\":\"hourly-ping\",\"trigger\":\"every PT1H\",\"kind\":\"ping\","
                    + "\"queue\":\"default\",\"enabled\":true,\"lastSlot\":%s,\"nextSlot\":\"%s\"}")
                .formatted(
                    state("hourly-ping").lastSlot().map(at -> "\"" + at + "\"").orElse("null"),
                    HOURLY.trigger().next(before).orElseThrow()),
            ("{\"name\":\"nightly-report\",\"trigger\":\"cron 0 3 * * * Europe/Berlin\","
                    + "\"kind\":\"report.daily\",\"queue\":\"reports\",\"enabled\":true,"
                    + "\"lastSlot\":%s,\"nextSlot\":\"%s\"}")
                .formatted(
                    state("nightly-report").lastSlot().map(at -> "\"" + at + "\"").orElse("null"),
                    NIGHTLY.trigger().next(before).orElseThrow()));
  }

  @Test
  void run_enqueuesTheSchedulesJobNow_andPrintsItsIdAndState() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MICROS);

    int status = cli.run("schedules", "run", "nightly-report");

    assertThat(status).isZero();
    assertThat(cli.out.toString()).matches(UUID + " pending\\R");
    Job job = cli.stored(JobId.parse(cli.out.toString().split(" ")[0]));
    assertThat(job.kind()).isEqualTo("report.daily");
    assertThat(job.queue()).isEqualTo("reports");
    assertThat(job.payload()).isEqualTo("{\"day\":\"yesterday\"}");
    assertThat(job.priority()).isEqualTo(Priority.HIGH);
    assertThat(job.tags()).containsExactly("finance");
    assertThat(job.runAt()).isAfterOrEqualTo(before);
    assertThat(job.uniqueKey())
        .as("outside the slots: the key of a run by hand, which the schedule's history reads")
        .hasValueSatisfying(
            key -> assertThat(key).startsWith("docket:schedule:nightly-report, run now at "));
  }

  @Test
  void runJson_printsTheJobItEnqueued() throws Exception {
    int status = cli.run("schedules", "run", "hourly-ping", "--json");

    assertThat(status).isZero();
    assertThat(cli.lines()).hasSize(1);
    JsonNode job = new ObjectMapper().readTree(cli.lines().get(0));
    assertThat(job.get("kind").asText()).isEqualTo("ping");
    assertThat(job.get("state").asText()).isEqualTo("pending");
    assertThat(cli.store.storage().find(JobId.parse(job.get("id").asText()))).isPresent();
  }

  @Test
  void disableAndEnable_changeTheScheduleForEveryNode_andRepeatingChangesNothing() {
    int disabled = cli.run("schedules", "disable", "nightly-report");
    String disabledOut = cli.out.toString();
    int disabledAgain = cli.run("schedules", "disable", "nightly-report");
    String disabledAgainOut = cli.out.toString();
    boolean enabledMeanwhile = state("nightly-report").enabled();
    cli.run("schedules", "list");
    List<String> listed = cells(cli.lines().get(2));
    String lastSlotWhileDisabled = slot(state("nightly-report").lastSlot());
    int enabled = cli.run("schedules", "enable", "nightly-report");
    String enabledOut = cli.out.toString();
    int enabledAgain = cli.run("schedules", "enable", "nightly-report");

    assertThat(List.of(disabled, disabledAgain, enabled, enabledAgain)).containsOnly(0);
    assertThat(disabledOut).isEqualToIgnoringNewLines("nightly-report disabled");
    assertThat(disabledAgainOut).isEqualToIgnoringNewLines("nightly-report was disabled already");
    assertThat(enabledMeanwhile).isFalse();
    assertThat(listed.subList(4, 7)).containsExactly("no", lastSlotWhileDisabled, "-");
    assertThat(enabledOut).isEqualToIgnoringNewLines("nightly-report enabled");
    assertThat(cli.out.toString()).isEqualToIgnoringNewLines("nightly-report was enabled already");
    assertThat(state("nightly-report").enabled()).isTrue();
    assertThat(state("hourly-ping").enabled()).as("the other schedule").isTrue();
  }

  @Test
  void disableJson_printsTheScheduleAfterTheChange() {
    int status = cli.run("schedules", "disable", "hourly-ping", "--json");

    assertThat(status).isZero();
    assertThat(cli.out.toString())
        .isEqualToIgnoringNewLines(
            ("{\"name\":\"hourly-ping\",\"trigger\":\"every PT1H\",\"kind\":\"ping\","
                    + "\"queue\":\"default\",\"enabled\":false,\"lastSlot\":%s,\"nextSlot\":null}")
                .formatted(
                    state("hourly-ping").lastSlot().map(at -> "\"" + at + "\"").orElse("null")));
  }

  @Test
  void anUnknownSchedule_isRefusedByEveryCommand_inOneLine() {
    for (String command : List.of("run", "enable", "disable")) {
      int status = cli.run("schedules", command, "nightly-reprot");

      assertThat(status).as(command).isEqualTo(1);
      assertThat(cli.out.toString()).as(command).isEmpty();
      assertThat(cli.err.toString())
          .as(command)
          .isEqualToIgnoringNewLines("docket: There is no schedule 'nightly-reprot'.");
    }
    assertThat(
            cli.store
                .storage()
                .list(dev.docket.usecase.port.JobQuery.builder().queue("reports").build())
                .jobs())
        .as("nothing enqueued")
        .isEmpty();
  }

  @Test
  void aScheduleTheStoreKnowsByNameOnly_isListed_andItsRunSaysWhyItCannot() {
    cli.store.scheduleStates().register("legacy");

    assertThat(cli.run("schedules", "list")).isZero();
    List<String> legacy = cells(cli.lines().get(2));
    int run = cli.run("schedules", "run", "legacy");

    assertThat(legacy).containsExactly("legacy", "-", "-", "-", "yes", "-", "-");
    assertThat(run).isEqualTo(1);
    assertThat(cli.err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Schedule 'legacy' has no definition in the store that this version can read,"
                + " so its job is unknown here: the nodes that run it are older than this version."
                + " Run it from a node's dashboard or API, or restart a node on this version.");
  }

  @Test
  void list_ofASchemaWithoutSchedules_saysSo_andItsJsonIsEmpty() {
    try (var empty = new CliSchema("cli_no_schedules")) {
      assertThat(empty.run("schedules", "list")).isZero();
      assertThat(empty.out.toString())
          .isEqualToIgnoringNewLines(
              "No schedules in schema '%s': no node has run one.".formatted(empty.schema));
      assertThat(empty.run("schedules", "list", "--json")).isZero();
      assertThat(empty.out.toString()).isEmpty();
    }
  }
}
