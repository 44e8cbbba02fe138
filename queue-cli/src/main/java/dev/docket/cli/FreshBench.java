package dev.docket.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts each run of the fresh-process procedure as a new JVM running {@link BenchProcess}: the
 * same {@code java} as this process, the same class path, and none of this process's JVM options,
 * so the run gets what a user's {@code java -cp app.jar Main} gets, or with the options given to
 * {@code --java-option}, what {@code java <options> -cp app.jar Main} gets. Not thread-safe.
 */
final class FreshBench {
  private final PrintWriter err;
  private final List<String> javaOptions;

  /**
   * Copies the runs' standard error, their log lines, to {@code err}, and starts each run's JVM
   * with {@code javaOptions}, in their order, before its class path.
   */
  FreshBench(PrintWriter err, List<String> javaOptions) {
    this.err = err;
    this.javaOptions = List.copyOf(javaOptions);
  }

  /** The command that starts a run: this {@code java}, the options, this class path, the run. */
  List<String> command() {
    var command = new ArrayList<String>();
    command.add(java());
    command.addAll(javaOptions);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), BenchProcess.class.getName()));
    return command;
  }

  /**
   * Runs {@code plan} in a new process and returns its figures, with {@code process_ms}: the time
   * from starting the process to its exit, as seen from here.
   *
   * @throws IllegalStateException if the process fails or prints no figures
   */
  Map<String, Object> run(BenchProcess.Plan plan) throws IOException, InterruptedException {
    long spawned = System.nanoTime();
    Process process = new ProcessBuilder(command()).start();
    // A bench stopped with SIGTERM takes its run with it, rather than leave it draining alone.
    Thread stopRun = new Thread(process::destroyForcibly, "docket-bench-stop-run");
    Runtime.getRuntime().addShutdownHook(stopRun);
    try {
      Thread errors = copy(process.getErrorStream());
      // The plan goes through a pipe, not the command line, where ps would show the password.
      try (var in = new OutputStreamWriter(process.getOutputStream(), UTF_8)) {
        plan.toProperties().store(in, null);
      }
      String output = new String(process.getInputStream().readAllBytes(), UTF_8);
      int status = process.waitFor();
      long wall = System.nanoTime() - spawned;
      errors.join();
      // The JVM's own output goes to standard output too (-Xlog's default, the AOT cache's
      // training messages): the figures are the one line that is a JSON object.
      List<String> figureLines = new ArrayList<>();
      for (String line : output.strip().split("\n")) {
        if (line.startsWith("{")) {
          figureLines.add(line);
        } else if (!line.isBlank()) {
          synchronized (err) {
            err.println(line);
            err.flush();
          }
        }
      }
      if (status != 0 || figureLines.size() != 1) {
        throw new IllegalStateException(
            "The %s run's process exited with status %d and %s; its standard error is above."
                .formatted(
                    plan.workload(),
                    status,
                    figureLines.isEmpty()
                        ? "no figures"
                        : "this output: " + String.join("\n", figureLines)));
      }
      String line = figureLines.get(0);
      @SuppressWarnings("unchecked")
      Map<String, Object> figures =
          new LinkedHashMap<String, Object>(DocketCommand.CODEC.decode(line, Map.class));
      figures.put("process_ms", Math.round(wall / 1e5) / 10.0);
      return figures;
    } finally {
      process.destroyForcibly();
      try {
        Runtime.getRuntime().removeShutdownHook(stopRun);
      } catch (IllegalStateException e) {
        // The JVM is shutting down, and the hook is running or has run.
      }
    }
  }

  /** The {@code java} launcher of this process. */
  private static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private Thread copy(InputStream stream) {
    return Thread.ofPlatform()
        .daemon()
        .name("docket-bench-stderr")
        .start(
            () -> {
              try (var lines = new BufferedReader(new InputStreamReader(stream, UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                  synchronized (err) {
                    err.println(line);
                    err.flush();
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }
}
