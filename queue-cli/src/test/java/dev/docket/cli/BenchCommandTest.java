package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.store.postgres.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code docket bench --warm} runs every workload in this process, reports real figures labelled as
 * warm, and leaves nothing behind; and the command refuses options it cannot honour. The default,
 * fresh-process procedure has {@link BenchFreshProcessTest}.
 */
class BenchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine line = DocketCommand.commandLine(name -> null);
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  private List<JsonNode> jsonLines() throws Exception {
    var lines = new ArrayList<JsonNode>();
    for (String line : out.toString().split("\n")) {
      if (line.startsWith("{")) {
        lines.add(new ObjectMapper().readTree(line));
      }
    }
    return lines;
  }

  @Test
  @Timeout(120)
  void everyWarmWorkload_onTheMemoryStore_reportsItsFiguresAsJsonLines() throws Exception {
    int status =
        run(
            "bench",
            "--warm",
            "--store",
            "memory",
            "--jobs",
            "3000",
            "--warmup",
            "500",
            "--warmup-seconds",
            "0",
            "--concurrency",
            "16",
            "--workload",
            "drain,latency,backlog,steady",
            "--future",
            "2000",
            "--finished",
            "1500",
            "--duration",
            "PT1S",
            "--interval",
            "PT0.01S",
            "--rate",
            "500",
            "--json",
            "--no-progress");

    assertThat(status).as(err.toString()).isZero();
    List<JsonNode> results = jsonLines();
    assertThat(results)
        .extracting(r -> r.get("workload").asText())
        .containsExactly("drain", "latency", "backlog", "steady");
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.get("procedure").asText()).isEqualTo("warm-in-process");
              assertThat(r.get("warm").asBoolean()).isTrue();
              assertThat(r.get("concurrency").asInt()).isEqualTo(16);
            });
    JsonNode drain = results.get(0);
    assertThat(drain.get("store").asText()).isEqualTo("memory");
    assertThat(drain.get("jobs").asLong()).isEqualTo(3000);
    assertThat(drain.get("drain_jobs_s").asDouble()).isPositive();
    assertThat(drain.get("enqueue_jobs_s").asDouble()).isPositive();
    assertThat(drain.get("claims").asLong()).isBetween(1L, 3000L);
    JsonNode latency = results.get(1);
    assertThat(latency.get("latency_samples").asLong()).isEqualTo(latency.get("jobs").asLong());
    assertThat(latency.get("p50_ms").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(latency.get("p99_ms").asDouble());
    JsonNode backlog = results.get(2);
    assertThat(backlog.get("future_jobs").asLong()).isEqualTo(2000);
    assertThat(backlog.get("finished_jobs").asLong()).isEqualTo(1500);
    assertThat(backlog.get("drain_jobs_s").asDouble()).isPositive();
    JsonNode steady = results.get(3);
    assertThat(steady.get("jobs").asLong()).isPositive();
    assertThat(steady.get("backlog_at_end").asLong()).isNotNegative();
  }

  @Test
  @Timeout(60)
  void warm_withoutJson_printsATableLabelledWarm() {
    int status =
        run(
            "bench",
            "--warm",
            "--store",
            "memory",
            "--jobs",
            "1000",
            "--warmup",
            "0",
            "--warmup-seconds",
            "0",
            "--concurrency",
            "8",
            "--no-progress");

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("workload store")
        .containsPattern("drain +memory +1 +1000 +[0-9.]+ +[0-9.]+")
        .contains("warm: in this process")
        .contains("concurrency 8 x 1 queue(s)");
  }

  @Test
  void outOfRangeOptions_areRefusedWithOneSentence() {
    assertThat(run("bench", "--store", "memory", "--jobs", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--jobs 0 is out of range: use 1 to");
    assertThat(run("bench", "--store", "postgres")).isEqualTo(2);
    assertThat(err.toString()).contains("needs --database-url");
    assertThat(run("bench", "--store", "memory", "--runs", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--runs 0 is out of range: use 1 to 100.");
  }

  @Test
  void optionsOfTheOtherProcedure_areRefused_ratherThanIgnored() {
    assertThat(run("bench", "--store", "memory", "--queues", "2")).isEqualTo(2);
    assertThat(err.toString()).contains("--queues applies to --warm only.");
    assertThat(run("bench", "--store", "memory", "--workload", "steady")).isEqualTo(2);
    assertThat(err.toString()).contains("--workload steady runs with --warm only.");
    assertThat(run("bench", "--warm", "--store", "memory", "--workload", "drain,cpu")).isEqualTo(2);
    assertThat(err.toString()).contains("--workload cpu runs in fresh processes only");
    assertThat(run("bench", "--warm", "--store", "memory", "--awaits", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--awaits runs in fresh processes only");
    assertThat(run("bench", "--warm", "--store", "memory", "--subscriber")).isEqualTo(2);
    assertThat(err.toString()).contains("--subscriber runs in fresh processes only");
    assertThat(run("bench", "--store", "memory", "--awaits", "10001")).isEqualTo(2);
    assertThat(err.toString()).contains("--awaits 10001 is out of range: use 0 to 10000.");
  }

  @Test
  void javaOptions_withWarm_orNotStartingWithADash_areRefused() {
    assertThat(
            run("bench", "--warm", "--store", "memory", "--java-option", "-XX:TieredStopAtLevel=1"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--java-option applies to the fresh processes only")
        .contains("give JVM options to the java that runs docket");
    assertThat(run("bench", "--store", "memory", "--java-option", "XX:TieredStopAtLevel=1"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--java-option 'XX:TieredStopAtLevel=1' is not a JVM option")
        .contains("each starts with '-'");
    assertThat(run("bench", "--store", "memory", "--java-option=-")).isEqualTo(2);
    assertThat(err.toString()).contains("--java-option '-' is not a JVM option");
  }

  @Test
  void javaOptions_thatWouldReplaceTheRunsClassPathOrClass_areRefused() {
    for (String option :
        List.of("-cp", "-classpath", "--class-path=x.jar", "-jar", "-m", "--module=a/b")) {
      assertThat(run("bench", "--store", "memory", "--java-option=" + option))
          .as(option)
          .isEqualTo(2);
      assertThat(err.toString())
          .contains("--java-option '" + option + "' would change what the run's JVM runs");
    }
    // An option that tunes the JVM passes, and the check after it is the one that refuses.
    assertThat(run("bench", "--store", "memory", "--java-option=-Xmx1g", "--workload", "steady"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--workload steady runs with --warm only")
        .doesNotContain("'-Xmx1g'");
  }

  @Test
  void median_ofThreeRuns_takesTheMiddleOfEachNumber_andKeepsWhatEveryRunShares() {
    List<Map<String, Object>> runs =
        List.of(
            Map.of("workload", "drain", "run", 1, "drain_jobs_s", 300.5, "pid", 11, "note", "a"),
            Map.of("workload", "drain", "run", 2, "drain_jobs_s", 100.0, "pid", 12, "note", "b"),
            Map.of("workload", "drain", "run", 3, "drain_jobs_s", 200.25, "pid", 13, "note", "a"));

    Map<String, Object> median = BenchCommand.median(runs);

    assertThat(median)
        .containsEntry("workload", "drain")
        .containsEntry("drain_jobs_s", 200.25)
        .containsEntry("result", "median")
        .doesNotContainKeys("run", "pid", "note");
    assertThat(BenchCommand.median(runs.subList(0, 2))).containsEntry("drain_jobs_s", 200.25);
  }

  @Test
  @Timeout(120)
  void warm_onPostgres_worksInASchemaOfItsOwn_andDropsItAfterwards() throws Exception {
    TestDatabase db = TestDatabase.get();
    var args = new ArrayList<>(List.of("bench", "--warm", "--database-url", db.url));
    if (db.user != null) {
      args.addAll(List.of("--database-user", db.user));
    }
    if (db.password != null && !db.password.isEmpty()) {
      args.addAll(List.of("--database-password", db.password));
    }
    args.addAll(
        List.of(
            "--jobs",
            "2000",
            "--warmup",
            "200",
            "--warmup-seconds",
            "0",
            "--concurrency",
            "50",
            "--workload",
            "drain,latency",
            "--duration",
            "PT1S",
            "--json",
            "--no-progress"));

    int status = run(args.toArray(String[]::new));

    assertThat(status).as(err.toString()).isZero();
    assertThat(jsonLines())
        .extracting(r -> r.get("store").asText() + " " + r.get("workload").asText())
        .containsExactly("postgres drain", "postgres latency");
    assertThat(jsonLines().get(0).get("drain_jobs_s").asDouble()).isPositive();
    String schema = jsonLines().get(0).get("schema").asText();
    assertThat(schema).startsWith("docket_bench_");
    assertThat(schemaExists(db, schema)).as("the bench schema after the run").isFalse();
  }

  /** Whether {@code schema} exists: other builds may run their own benches on the same server. */
  static boolean schemaExists(TestDatabase db, String schema) throws Exception {
    try (var c = db.connect();
        var s =
            c.prepareStatement(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")) {
      s.setString(1, schema);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }
}
