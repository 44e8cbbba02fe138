package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.store.postgres.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code docket bench} runs every workload, reports real figures, and leaves nothing behind. */
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
  void everyWorkload_onTheMemoryStore_reportsItsFiguresAsJsonLines() throws Exception {
    int status =
        run(
            "bench",
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
  void withoutJson_itPrintsATable() {
    int status =
        run(
            "bench",
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
        .containsPattern("drain +memory +1000 +[0-9.]+ +[0-9.]+")
        .contains("concurrency 8 x 1 queue(s)");
  }

  @Test
  void outOfRangeOptions_areRefusedWithOneSentence() {
    assertThat(run("bench", "--store", "memory", "--jobs", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--jobs 0 is out of range: use 1 to");
    assertThat(run("bench", "--store", "postgres")).isEqualTo(2);
    assertThat(err.toString()).contains("needs --database-url");
  }

  @Test
  @Timeout(120)
  void onPostgres_itWorksInASchemaOfItsOwn_andDropsItAfterwards() throws Exception {
    TestDatabase db = TestDatabase.get();
    var args = new ArrayList<>(List.of("bench", "--database-url", db.url));
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

    List<String> before = benchSchemas(db);

    int status = run(args.toArray(String[]::new));

    assertThat(status).as(err.toString()).isZero();
    assertThat(jsonLines())
        .extracting(r -> r.get("store").asText() + " " + r.get("workload").asText())
        .containsExactly("postgres drain", "postgres latency");
    assertThat(jsonLines().get(0).get("drain_jobs_s").asDouble()).isPositive();
    assertThat(benchSchemas(db)).as("bench schemas after the run").isEqualTo(before);
  }

  private static List<String> benchSchemas(TestDatabase db) throws Exception {
    var properties = new Properties();
    if (db.user != null) {
      properties.setProperty("user", db.user);
    }
    if (db.password != null) {
      properties.setProperty("password", db.password);
    }
    var names = new ArrayList<String>();
    try (var c = DriverManager.getConnection(db.url, properties);
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT schema_name FROM information_schema.schemata"
                        + " WHERE schema_name LIKE 'docket\\_bench\\_%' ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
