package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.port.ClaimRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The job commands against PostgreSQL, in a schema of this class that the CLI's own {@code migrate}
 * creates. The database comes in through the environment seam, as an operator would set it.
 */
class DocketCommandPostgresTest {
  private static final TestDatabase DB = TestDatabase.get();
  private static final String SCHEMA = DB.freshSchema("cli");
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final String UNKNOWN_ID = "00000000-0000-7000-8000-000000000000";

  private static PostgresStore store;

  private final Map<String, String> env = new HashMap<>(database(SCHEMA));
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  @BeforeAll
  static void migrate() {
    var migrate = new DocketCommandPostgresTest();
    assertThat(migrate.run("migrate")).isZero();
    assertThat(migrate.out.toString()).contains("Schema " + SCHEMA + " is up to date.");
    store = PostgresStore.start(DB.options(SCHEMA).migrateOnStart(false).listen(false).build());
  }

  @AfterAll
  static void dropSchema() {
    if (store != null) {
      store.close();
    }
    DB.dropSchema(SCHEMA);
  }

  @AfterEach
  void noStackTraceIsEverPrinted() {
    assertThat(err.toString()).doesNotContain("\tat ");
  }

  private static Map<String, String> database(String schema) {
    var env = new HashMap<String, String>();
    env.put("DOCKET_DATABASE_URL", DB.url);
    env.put("DOCKET_DATABASE_USER", DB.user);
    env.put("DOCKET_DATABASE_PASSWORD", DB.password);
    env.put("DOCKET_SCHEMA", schema);
    return env;
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine line = DocketCommand.commandLine(env::get);
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  private JobId enqueue(String... args) {
    int status = run(Stream.concat(Stream.of("enqueue"), Stream.of(args)).toArray(String[]::new));
    assertThat(status).as("enqueue %s: %s", List.of(args), err).isZero();
    return JobId.parse(out.toString().split(" ")[0]);
  }

  private static Job stored(JobId id) {
    return store.storage().find(id).orElseThrow();
  }

  /** Claims the one runnable job of {@code queue} and reports {@code outcome} for it. */
  private static Job finish(String queue, boolean failed) {
    Instant now = Instant.now();
    Job claimed =
        store
            .storage()
            .claim(new ClaimRequest(queue, 1, "cli-test", Duration.ofMinutes(1), now))
            .get(0);
    long fence = claimed.lease().orElseThrow().fence();
    Outcome outcome =
        failed
            ? new Outcome.Failed(
                claimed.id(),
                fence,
                now,
                AttemptError.of(1, now, new IllegalStateException("The mail server said no.")))
            : new Outcome.Completed(claimed.id(), fence, now);
    store.storage().report(List.of(outcome));
    return stored(claimed.id());
  }

  @Test
  void enqueue_printsTheIdAndState_andStoresEveryOption() {
    Instant before = Instant.now();

    int status =
        run(
            "enqueue",
            "send-email",
            "{\"to\":\"ada@example.com\"}",
            "--queue",
            "mail",
            "--priority",
            "80",
            "--delay",
            "PT1H",
            "--max-attempts",
            "3",
            "--unique-key",
            "welcome-ada",
            "--tag",
            "welcome",
            "--tag",
            "ada");

    assertThat(status).isZero();
    assertThat(out.toString()).matches(UUID + " pending\\R");
    Job job = stored(JobId.parse(out.toString().split(" ")[0]));
    assertThat(job.kind()).isEqualTo("send-email");
    assertThat(job.payload()).isEqualTo("{\"to\":\"ada@example.com\"}");
    assertThat(job.queue()).isEqualTo("mail");
    assertThat(job.priority().value()).isEqualTo(80);
    assertThat(job.runAt()).isAfterOrEqualTo(before.plus(Duration.ofHours(1)).minusSeconds(1));
    assertThat(job.maxAttempts()).isEqualTo(3);
    assertThat(job.uniqueKey()).contains("welcome-ada");
    assertThat(job.tags()).containsExactlyInAnyOrder("welcome", "ada");
  }

  @Test
  void enqueue_withATakenUniqueKey_printsTheJobThatHoldsIt() {
    JobId first = enqueue("report", "{}", "--unique-key", "daily-2030-01-31");

    int status = run("enqueue", "report", "{\"again\":true}", "--unique-key", "daily-2030-01-31");

    assertThat(status).isZero();
    assertThat(out.toString())
        .isEqualToIgnoringNewLines(
            first + " pending (enqueued before with unique key 'daily-2030-01-31')");
  }

  @Test
  void enqueue_withRunAt_schedulesTheJobThen() {
    JobId id = enqueue("report", "[1,2]", "--run-at", "2030-01-31T09:00:00Z");

    assertThat(stored(id).runAt()).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
  }

  @Test
  void enqueue_withInvalidJson_saysSoOnOneLine_andStoresNothing() {
    int status = run("enqueue", "bad-json", "{\"to\":", "--queue", "bad_json");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).startsWith("docket: The payload is not valid JSON").hasLineCount(1);
    assertThat(run("jobs", "list", "--queue", "bad_json")).isZero();
    assertThat(out.toString()).isEqualToIgnoringNewLines("No jobs match.");
  }

  @Test
  void enqueue_withPriority101_namesTheValueAndTheRange() {
    int status = run("enqueue", "report", "{}", "--priority", "101");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .isEqualToIgnoringNewLines(
            "docket enqueue: --priority: '101' is not a priority; use a whole number from 0 to 100,"
                + " or low, normal, high or urgent");
  }

  @Test
  void enqueue_takesAPrioritysName_inAnyCase_asTheApiDoes() {
    JobId high = enqueue("report", "{}", "--priority", "HIGH");
    JobId urgent = enqueue("report", "{}", "--priority", "urgent");
    JobId low = enqueue("report", "{}", "--priority", "Low");
    JobId number = enqueue("report", "{}", "--priority", "80");

    assertThat(List.of(high, urgent, low, number))
        .extracting(id -> stored(id).priority().value())
        .containsExactly(75, 100, 0, 80);
  }

  @Test
  void enqueue_withANegativeDelay_namesTheValue() {
    int status = run("enqueue", "report", "{}", "--delay", "-PT1S");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualToIgnoringNewLines("docket: Delay PT-1S is negative: use zero or more.");
  }

  @Test
  void enqueue_withBothDelayAndRunAt_asksToChooseOne() {
    int status =
        run("enqueue", "report", "{}", "--delay", "PT5M", "--run-at", "2030-01-31T09:00:00Z");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).contains("Both run-at 2030-01-31T09:00:00Z and delay PT5M");
  }

  @Test
  void enqueue_withADurationThatIsNotIso_isAUsageError() {
    int status = run("enqueue", "report", "{}", "--delay", "5m");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .isEqualToIgnoringNewLines(
            "docket enqueue: --delay: '5m' is not an ISO-8601 duration such as PT30S, PT5M or P1D");
  }

  @Test
  void stats_printsATableOfQueuesByState() {
    enqueue("render", "{}", "--queue", "stats_table");
    enqueue("render", "{}", "--queue", "stats_table");
    enqueue("render", "{}", "--queue", "stats_table");
    finish("stats_table", false);

    int status = run("stats");

    assertThat(status).isZero();
    assertThat(out.toString())
        .containsPattern(
            "(?m)^QUEUE +PENDING +RUNNING +COMPLETED +FAILED +CANCELLED +DUE +OLDEST-DUE$")
        .containsPattern("(?m)^stats_table +2 +0 +1 +0 +0 +2 +\\d+s$");
  }

  @Test
  void statsJson_printsOneObjectPerQueueAndLine() {
    enqueue("render", "{}", "--queue", "stats_json");
    enqueue("render", "{}", "--queue", "stats_json", "--delay", "PT1H");

    int status = run("stats", "--json");

    assertThat(status).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).allSatisfy(line -> assertThat(line).startsWith("{\"queue\":").endsWith("}"));
    assertThat(lines)
        .filteredOn(line -> line.contains("\"stats_json\""))
        .singleElement()
        .asString()
        .startsWith(
            "{\"queue\":\"stats_json\",\"pending\":2,\"running\":0,\"completed\":0,\"failed\":0,"
                + "\"cancelled\":0,\"due\":1,\"scheduled\":1,\"oldestDueAt\":\"")
        .containsPattern("\"oldestDueAgeSeconds\":\\d+(\\.\\d+)?}$");
  }

  @Test
  void jobsList_pagesNewestFirst_andPrintsTheCursorOfTheNextPage() {
    JobId oldest = enqueue("page", "{}", "--queue", "pages");
    JobId middle = enqueue("page", "{}", "--queue", "pages");
    JobId newest = enqueue("page", "{}", "--queue", "pages");

    assertThat(run("jobs", "list", "--queue", "pages", "--limit", "2")).isZero();
    List<String> first = out.toString().lines().toList();
    assertThat(
            run("jobs", "list", "--queue", "pages", "--limit", "2", "--after", middle.toString()))
        .isZero();
    List<String> second = out.toString().lines().toList();

    assertThat(first.get(0)).matches("ID +QUEUE +KIND +STATE +ATTEMPT +RUN-AT");
    assertThat(first.get(1)).matches(newest + " +pages +page +pending +0/25 +\\d{4}-.*Z");
    assertThat(first.get(2)).startsWith(middle.toString());
    assertThat(first.get(3)).isEqualTo("Next page: --after " + middle);
    assertThat(first).hasSize(4);
    assertThat(second).hasSize(3);
    assertThat(second.get(1)).startsWith(oldest.toString());
    assertThat(second.get(2)).isEqualTo("Previous page: --before " + oldest);
  }

  @Test
  void jobsList_filtersByStateKindAndTag() {
    enqueue("filter-me", "{}", "--queue", "filters", "--tag", "blue");
    JobId wanted = enqueue("filter-me", "{}", "--queue", "filters", "--tag", "red");
    enqueue("other", "{}", "--queue", "filters", "--tag", "red");
    JobId failed = finish("filters", true).id();

    assertThat(run("jobs", "list", "--kind", "filter-me", "--tag", "red", "--state", "pending"))
        .isZero();
    String filtered = out.toString();
    assertThat(run("jobs", "list", "--queue", "filters", "--state", "FAILED")).isZero();

    assertThat(filtered.lines().skip(1).map(line -> line.split(" ")[0]))
        .containsExactly(wanted.toString());
    assertThat(out.toString().lines().skip(1).map(line -> line.split(" ")[0]))
        .containsExactly(failed.toString());
  }

  @Test
  void jobsShow_printsEveryField_andEachErrorWithItsStackTrace() {
    JobId id =
        enqueue(
            "send-email",
            "{\"to\":\"bob@example.com\"}",
            "--queue",
            "show",
            "--max-attempts",
            "1",
            "--tag",
            "vip");
    finish("show", true);

    int status = run("jobs", "show", id.toString());

    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("id:           " + id)
        .contains("queue:        show")
        .contains("kind:         send-email")
        .contains("state:        failed")
        .contains("priority:     50")
        .contains("attempt:      1 of 1")
        .contains("retry policy: exponential, base PT1S, cap PT1H")
        .containsPattern("finished at: +\\d{4}-")
        .contains("lease:        -")
        .contains("unique key:   -")
        .contains("tags:         vip")
        .contains("payload:      {\"to\":\"bob@example.com\"}")
        .contains("errors:       1")
        .containsPattern(
            "Attempt 1 failed at \\S+: java.lang.IllegalStateException: The mail server said no.")
        .contains("    java.lang.IllegalStateException: The mail server said no.")
        .contains("\tat dev.docket.cli.DocketCommandPostgresTest.finish");
  }

  @Test
  void jobsRetry_sendsAFailedJobBackToPending() {
    JobId id = enqueue("flaky", "{}", "--queue", "retry", "--max-attempts", "1");
    finish("retry", true);

    int status = run("jobs", "retry", id.toString());

    assertThat(status).isZero();
    assertThat(out.toString()).isEqualToIgnoringNewLines(id + " pending");
    assertThat(stored(id).state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void jobsRetryAndCancel_eachLeaveOneAuditEntry_asTheOsUser() {
    JobId failed = enqueue("flaky", "{}", "--queue", "audit_cli", "--max-attempts", "1");
    finish("audit_cli", true);
    JobId pending = enqueue("slow", "{}", "--queue", "audit_cli_wait");
    long before =
        store.auditLog().list(1, Long.MAX_VALUE).stream().mapToLong(e -> e.id()).max().orElse(0);

    assertThat(run("jobs", "retry", failed.toString())).isZero();
    assertThat(run("jobs", "cancel", pending.toString())).isZero();
    assertThat(run("jobs", "cancel", pending.toString()))
        .as("refused: already cancelled")
        .isEqualTo(1);

    var entries =
        store.auditLog().list(100, Long.MAX_VALUE).stream().filter(e -> e.id() > before).toList();
    String actor = "cli:" + System.getProperty("user.name");
    assertThat(entries)
        .extracting(e -> e.actor() + " " + e.action() + " " + e.target() + " " + e.status())
        .containsExactly(
            actor + " cli jobs cancel job " + pending + " 200",
            actor + " cli jobs retry job " + failed + " 200");
  }

  @Test
  void jobsRetry_ofAPendingJob_saysOnlyFailedOrCancelledJobsCanBeRetried() {
    JobId id = enqueue("flaky", "{}");

    int status = run("jobs", "retry", id.toString());

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Job %s is pending: only failed or cancelled jobs can be retried."
                .formatted(id));
  }

  @Test
  void jobsCancel_cancelsAPendingJob() {
    JobId id = enqueue("slow", "{}");

    int status = run("jobs", "cancel", id.toString());

    assertThat(status).isZero();
    assertThat(out.toString()).isEqualToIgnoringNewLines(id + " cancelled");
    assertThat(stored(id).state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void jobsCancel_ofACompletedJob_saysItHasCompleted() {
    JobId id = enqueue("quick", "{}", "--queue", "cancel_done");
    finish("cancel_done", false);

    int status = run("jobs", "cancel", id.toString());

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Job %s has completed: only pending or running jobs can be cancelled."
                .formatted(id));
    assertThat(stored(id).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void jobsShowRetryAndCancel_ofAnUnknownId_sayThereIsNoSuchJob() {
    for (String command : List.of("show", "retry", "cancel", "delete")) {
      int status = run("jobs", command, UNKNOWN_ID);

      assertThat(status).as(command).isEqualTo(1);
      assertThat(err.toString())
          .as(command)
          .isEqualToIgnoringNewLines(
              "docket: There is no job " + UNKNOWN_ID + ": it never existed, or it was purged.");
    }
  }

  @Test
  void jobsShow_ofTextThatIsNoId_isAUsageError() {
    int status = run("jobs", "show", "42");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).contains("Job id '42' is not a UUID");
  }

  @Test
  @Timeout(60)
  void serveRunFor_onPostgres_stopsCleanly_withStatusZero_andPrintsNoStatisticsUnlessAsked() {
    enqueue("unserved", "{}", "--queue", "serve_quiet");

    int status = serve("PT1S");

    assertThat(status).as("exit status; stderr: %s", err).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString()).contains("on the PostgreSQL store").doesNotContain("serve_quiet");
  }

  @Test
  @Timeout(60)
  void servePrintStats_printsEachQueueThatOften_andOnceMoreOnStop() {
    enqueue("unserved", "{}", "--queue", "serve_loud");

    int status = serve("PT1.5S", "--print-stats", "PT0.5S");

    assertThat(status).as("exit status; stderr: %s", err).isZero();
    assertThat(out.toString().lines().filter(line -> line.startsWith("serve_loud ")))
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "serve_loud +pending=1 running=0 completed=0 failed=0 cancelled=0"
                            + " due=1"));
  }

  /** {@code docket serve} for {@code runFor} on a queue of its own, none of the tests' jobs. */
  private int serve(String runFor, String... more) {
    var args =
        new java.util.ArrayList<>(
            List.of(
                "serve",
                "--queue",
                "serve_run_for=1",
                "--run-for",
                runFor,
                "--shutdown-grace",
                "PT1S",
                "--http-port",
                "0"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void commands_withoutADatabaseUrl_refuse_sinceAnInMemoryStoreWouldBeEmpty() {
    env.remove("DOCKET_DATABASE_URL");
    Map<String, List<String>> commands =
        Map.ofEntries(
            Map.entry("enqueue", List.of("enqueue", "report", "{}")),
            Map.entry("stats", List.of("stats", "--json")),
            Map.entry("jobs list", List.of("jobs", "list")),
            Map.entry("jobs show", List.of("jobs", "show", UNKNOWN_ID)),
            Map.entry("jobs retry", List.of("jobs", "retry", UNKNOWN_ID)),
            Map.entry("jobs cancel", List.of("jobs", "cancel", UNKNOWN_ID)),
            Map.entry("jobs delete", List.of("jobs", "delete", UNKNOWN_ID)),
            Map.entry("queues list", List.of("queues", "list")),
            Map.entry("queues pause", List.of("queues", "pause", "mail")),
            Map.entry("schedules list", List.of("schedules", "list")),
            Map.entry("schedules run", List.of("schedules", "run", "nightly")));

    commands.forEach(
        (name, args) -> {
          int status = run(args.toArray(String[]::new));

          assertThat(status).as(name).isEqualTo(2);
          assertThat(err.toString())
              .as(name)
              .contains(
                  "docket %s needs --database-url, DOCKET_DATABASE_URL or database-url in --config"
                      .formatted(name));
        });
  }

  @Test
  void commands_onASchemaWithoutTables_sayToRunMigrate_andCreateNothing() {
    String unmigrated = DB.freshSchema("cli_unmigrated");
    env.putAll(database(unmigrated));

    int enqueue = run("enqueue", "report", "{}");
    String enqueueErr = err.toString();
    int stats = run("stats");

    assertThat(enqueue).isEqualTo(1);
    assertThat(stats).isEqualTo(1);
    assertThat(enqueueErr + err)
        .contains(
            "docket: Schema '%s' has no Docket tables: run docket migrate with the same --database-url and --schema first."
                .formatted(unmigrated));
    DB.execute(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '%s')"
                .formatted(unmigrated)
            + " THEN RAISE EXCEPTION 'schema was created'; END IF; END $$");
  }
}
