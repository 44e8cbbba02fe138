package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.store.postgres.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Index;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code docket bench} by default: each run in a new JVM on the library API, at the runtime's
 * default concurrency, start-up counted, and every figure labelled with how it was measured.
 */
class BenchFreshProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine line = DocketCommand.commandLine(name -> null);
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  private static List<JsonNode> parse(String output) throws Exception {
    var lines = new ArrayList<JsonNode>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  @Timeout(120)
  void everyFreshWorkload_onTheMemoryStore_runsInAnotherJvm_atTheRuntimesDefaultConcurrency()
      throws Exception {
    int status =
        run(
            "bench",
            "--store",
            "memory",
            "--workload",
            "drain,latency,backlog,blocking,cpu",
            "--jobs",
            "200",
            "--duration",
            "PT0.2S",
            "--interval",
            "PT0.01S",
            "--future",
            "1000",
            "--json");

    assertThat(status).as(err.toString()).isZero();
    List<JsonNode> results = parse(out.toString());
    assertThat(results)
        .extracting(r -> r.get("workload").asText())
        .containsExactly("drain", "latency", "backlog", "blocking", "cpu");
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.get("procedure").asText()).isEqualTo("fresh-process");
              assertThat(r.get("warm").asBoolean()).isFalse();
              assertThat(r.get("concurrency").asInt()).isEqualTo(10);
              assertThat(r.get("concurrency_is_default").asBoolean()).isTrue();
              assertThat(r.get("java_options").isArray()).isTrue();
              assertThat(r.get("java_options")).isEmpty();
              assertThat(r.get("pid").asLong()).isNotEqualTo(ProcessHandle.current().pid());
              assertThat(r.get("startup_ms").asDouble()).isPositive();
              assertThat(r.get("first_job_ms").asDouble()).isPositive();
            });
    assertThat(results).extracting(r -> r.get("pid").asLong()).doesNotHaveDuplicates();
    assertThat(err.toString()).as("the runs' log lines").contains("serves queues {default=10}");

    JsonNode drain = results.get(0);
    assertThat(drain.get("jobs").asInt()).isEqualTo(200);
    assertThat(drain.get("drain_jobs_s").asDouble()).isPositive();
    assertThat(drain.get("first_job_ms").asDouble())
        .isLessThan(drain.get("drain_s").asDouble() * 1000);
    assertThat(drain.get("completion_seen_by").asText()).contains("queue statistics");

    JsonNode latency = results.get(1);
    assertThat(latency.get("jobs").asInt()).isEqualTo(20);
    assertThat(latency.get("latency_samples").asInt()).isEqualTo(20);
    assertThat(latency.get("p50_ms").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(latency.get("p90_ms").asDouble());
    assertThat(latency.get("p99_ms").asDouble())
        .isLessThanOrEqualTo(latency.get("max_ms").asDouble());

    JsonNode backlog = results.get(2);
    assertThat(backlog.get("future_jobs").asInt()).isEqualTo(1000);
    assertThat(backlog.get("backlog_fill").asText()).contains("by the measured process");
    assertThat(backlog.get("drain_jobs_s").asDouble()).isPositive();

    // Each job holds a slot for at least 5 ms, so ten slots cannot beat 2,000 jobs/s.
    JsonNode blocking = results.get(3);
    assertThat(blocking.get("ideal_jobs_s").asDouble()).isEqualTo(2000.0);
    assertThat(blocking.get("of_ideal").asDouble()).isPositive().isLessThanOrEqualTo(1.0);

    JsonNode cpu = results.get(4);
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(cpu.get("ideal_jobs_s").asDouble()).isEqualTo(Math.min(10, cores) * 1000.0);
    assertThat(cpu.get("of_ideal").asDouble()).isPositive().isLessThanOrEqualTo(1.0);
    // The system counts CPU time in ticks of 10 ms: a short run's share may read a little high.
    assertThat(cpu.get("process_cpu").asDouble()).isPositive().isLessThan(1.2);
  }

  @Test
  void javaOptions_goOnEachRunsJavaCommandLine_inTheirOrder_beforeTheClassPath() {
    List<String> command =
        new FreshBench(
                new PrintWriter(err), List.of("-XX:TieredStopAtLevel=1", "-Dbench.option=a b"))
            .command();

    assertThat(command)
        .containsSubsequence("-XX:TieredStopAtLevel=1", "-Dbench.option=a b", "-cp")
        .endsWith(System.getProperty("java.class.path"), BenchProcess.class.getName());
    assertThat(command.get(0)).endsWith("java");
    assertThat(new FreshBench(new PrintWriter(err), List.of()).command())
        .as("without options, what java -cp app.jar Main gets")
        .hasSize(4)
        .contains("-cp", Index.atIndex(1));
  }

  @Test
  @Timeout(120)
  void javaOptions_reachTheRuns_andEveryResultLineNamesThem() throws Exception {
    int status =
        run(
            "bench",
            "--store",
            "memory",
            "--jobs",
            "100",
            "--runs",
            "2",
            "--java-option",
            "-XX:TieredStopAtLevel=1",
            "--java-option=-Xshare:auto",
            "--json");

    assertThat(status).as(err.toString()).isZero();
    assertThat(parse(out.toString()))
        .extracting(r -> r.get("result").asText())
        .containsExactly("run", "run", "median");
    assertThat(parse(out.toString()))
        .allSatisfy(
            r ->
                assertThat(r.get("java_options"))
                    .extracting(JsonNode::asText)
                    .containsExactly("-XX:TieredStopAtLevel=1", "-Xshare:auto"));
  }

  @Test
  @Timeout(60)
  void theJvmsOwnOutputOnStandardOutput_goesToStandardError_andTheFiguresStillCount()
      throws Exception {
    // -Xlog writes to standard output unless told otherwise, as an AOT cache's training run does.
    int status =
        run("bench", "--store", "memory", "--jobs", "50", "--java-option", "-Xlog:gc", "--json");

    assertThat(status).as(err.toString()).isZero();
    assertThat(parse(out.toString()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("drain_jobs_s").asDouble()).isPositive();
            });
    assertThat(err.toString()).contains("[info][gc]");
  }

  @Test
  @Timeout(60)
  void aJavaOptionTheJvmRefuses_failsTheRun_withTheJvmsOwnMessage() {
    int status =
        run("bench", "--store", "memory", "--jobs", "10", "--java-option", "-XX:+NoSuchBenchFlag");

    assertThat(status).isNotZero();
    assertThat(err.toString())
        .contains("NoSuchBenchFlag")
        .contains("exited with status 1 and no figures");
  }

  @Test
  @Timeout(120)
  void aDrainWithASubscriberAndAwaits_saysWhatTheyHeard() throws Exception {
    Docket fresh =
        Docket.start(
            "bench",
            "--store",
            "memory",
            "--jobs",
            "300",
            "--subscriber",
            "--awaits",
            "25",
            "--json");

    assertThat(fresh.process().waitFor(100, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(fresh.stderr());
    assertThat(fresh.process().exitValue()).as(stderr).isZero();
    var figures = JSON.readTree(Files.readString(fresh.stdout()).strip());
    assertThat(figures.path("subscriber_terminal_events").asLong()).isEqualTo(300);
    assertThat(figures.path("subscriber_dropped").isNull()).isTrue();
    assertThat(figures.path("awaits").asInt()).isEqualTo(25);
    assertThat(figures.path("awaits_finished").asLong()).isEqualTo(25);
  }

  @Test
  @Timeout(120)
  void json_printsNothingButJsonLinesOnStandardOutput_andTheLogLinesOnStandardError()
      throws Exception {
    // Processes of their own: in this JVM the log lines would go to the test's console, not to
    // the standard output under test.
    Docket fresh = Docket.start("bench", "--store", "memory", "--jobs", "100", "--json");
    Docket warm =
        Docket.start(
            "bench",
            "--warm",
            "--store",
            "memory",
            "--jobs",
            "100",
            "--warmup",
            "0",
            "--warmup-seconds",
            "0",
            "--json");

    for (Docket docket : List.of(fresh, warm)) {
      assertThat(docket.process().waitFor(100, TimeUnit.SECONDS)).isTrue();
      String stdout = Files.readString(docket.stdout());
      String stderr = Files.readString(docket.stderr());
      assertThat(docket.process().exitValue()).as(stderr).isZero();
      assertThat(stdout.split("\n"))
          .as("standard output")
          .hasSize(1)
          .allSatisfy(line -> assertThat(JSON.readTree(line).isObject()).as(line).isTrue());
      assertThat(stderr).as("standard error").contains(" INFO ").contains("Docket runtime");
    }
  }

  @Test
  @Timeout(120)
  void backlogRuns_onPostgres_countCompletionInTheDatabase_keepTheBacklog_andDropTheSchema()
      throws Exception {
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
            "--workload", "backlog", "--jobs", "300", "--future", "2000", "--runs", "2", "--json"));

    int status = run(args.toArray(String[]::new));

    assertThat(status).as(err.toString()).isZero();
    List<JsonNode> results = parse(out.toString());
    assertThat(results)
        .extracting(r -> r.get("result").asText())
        .containsExactly("run", "run", "median");
    assertThat(results.subList(0, 2))
        .allSatisfy(
            r -> {
              assertThat(r.get("store").asText()).isEqualTo("postgres");
              assertThat(r.get("future_jobs").asInt()).isEqualTo(2000);
              assertThat(r.get("backlog_fill").asText()).contains("before the measured process");
              assertThat(r.get("completion_seen_by").asText()).contains("separate connection");
              assertThat(r.get("drain_jobs_s").asDouble()).isPositive();
            })
        .extracting(r -> r.get("pid").asLong())
        .doesNotHaveDuplicates();
    double first = results.get(0).get("drain_jobs_s").asDouble();
    double second = results.get(1).get("drain_jobs_s").asDouble();
    JsonNode median = results.get(2);
    assertThat(median.get("drain_jobs_s").asDouble())
        .isBetween(Math.min(first, second), Math.max(first, second));
    assertThat(BenchCommandTest.schemaExists(db, median.get("schema").asText()))
        .as("the bench schema after the runs")
        .isFalse();
  }

  /** The docket command in a process of its own, its output and errors in files. */
  private record Docket(Process process, Path stdout, Path stderr) {
    static Docket start(String... args) throws Exception {
      var command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  DocketCommand.class.getName()));
      command.addAll(List.of(args));
      Path stdout = Files.createTempFile("docket-bench-", ".out");
      Path stderr = Files.createTempFile("docket-bench-", ".err");
      stdout.toFile().deleteOnExit();
      stderr.toFile().deleteOnExit();
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      return new Docket(process, stdout, stderr);
    }
  }
}
