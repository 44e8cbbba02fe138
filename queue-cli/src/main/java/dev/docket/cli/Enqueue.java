package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.Job;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Names;
import dev.docket.domain.Priority;
import dev.docket.usecase.JobRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code docket enqueue}: submits one job with a JSON payload. */
@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    description = "Enqueue one job and print its id and state.")
final class Enqueue implements Callable<Integer> {
  @Spec CommandSpec spec;

  @CommandLine.Mixin Database database = new Database();

  @Parameters(index = "0", paramLabel = "<kind>", description = "The job's kind.")
  String kind;

  @Parameters(
      index = "1",
      paramLabel = "<json>",
      description = "The payload, one JSON value such as '{\"to\":\"ada@example.com\"}'.")
  String json;

  @Option(
      names = "--queue",
      defaultValue = JobSpec.DEFAULT_QUEUE,
      description = "The queue (default ${DEFAULT-VALUE}).")
  String queue;

  @Option(
      names = "--priority",
      description =
          "0 to 100, or low (0), normal (50), high (75) or urgent (100); higher runs first"
              + " (default normal).")
  Priority priority;

  @Option(
      names = "--delay",
      description = "Run no earlier than this long from now (ISO-8601, e.g. PT5M).")
  Duration delay;

  @Option(
      names = "--run-at",
      description = "Run no earlier than this instant (ISO-8601, e.g. 2030-01-31T09:00:00Z).")
  Instant runAt;

  @Option(names = "--max-attempts", description = "Attempts in all, 1 to 1000 (default 25).")
  Integer maxAttempts;

  @Option(
      names = "--unique-key",
      description = "Enqueue nothing if a job with this key exists; print that job instead.")
  String uniqueKey;

  @Option(names = "--tag", description = "A tag to find the job by; repeatable.")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--json",
      description =
          "Print the job as one JSON object: the one enqueued, or the one holding its key.")
  boolean printJson;

  @Override
  public Integer call() {
    // Every value is checked before connecting, so a typo is reported as such even when the
    // database is down.
    JobRequest request = request();
    CODEC.validate(json);
    database.run(
        spec,
        (store, client) -> {
          Job prepared = client.prepare(List.of(request)).get(0);
          Job stored = store.storage().insert(List.of(prepared)).get(0);
          PrintWriter out = spec.commandLine().getOut();
          if (printJson) {
            Json.print(out, Json.job(stored, true));
            out.flush();
            return;
          }
          out.print(stored.id() + " " + lower(stored.state()));
          if (!stored.id().equals(prepared.id())) {
            out.print(
                " (enqueued before with unique key %s)"
                    .formatted(Names.quote(stored.uniqueKey().orElse(""))));
          }
          out.println();
          out.flush();
        });
    return 0;
  }

  private JobRequest request() {
    var request = JobRequest.ofJson(kind, json).queue(queue).tags(tags);
    if (priority != null) {
      request.priority(priority);
    }
    if (delay != null) {
      request.delay(delay);
    }
    if (runAt != null) {
      request.runAt(runAt);
    }
    if (maxAttempts != null) {
      request.maxAttempts(maxAttempts);
    }
    if (uniqueKey != null) {
      request.uniqueKey(uniqueKey);
    }
    return request.build();
  }
}
