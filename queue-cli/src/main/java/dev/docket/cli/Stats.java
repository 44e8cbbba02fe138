package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import dev.docket.usecase.port.QueueStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code docket stats}: jobs per queue and state. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description =
        "Print the jobs of each queue by state, how many pending ones are due (run-at now or"
            + " past) and how long the oldest due one has waited.")
final class Stats implements Callable<Integer> {
  @Spec CommandSpec spec;

  @CommandLine.Mixin Database database = new Database();

  @Option(names = "--json", description = "Print one JSON object per queue and line.")
  boolean json;

  @Override
  public Integer call() {
    database.run(
        spec,
        (store, client) -> {
          List<QueueStats> stats = client.stats();
          Instant now = CLOCK.instant();
          PrintWriter out = spec.commandLine().getOut();
          if (json) {
            stats.forEach(queue -> Json.print(out, jsonOf(queue, now)));
          } else if (stats.isEmpty()) {
            out.printf("No jobs in schema %s.%n", Names.quote(database.schema));
          } else {
            var table = new Table("QUEUE");
            for (JobState state : JobState.values()) {
              table.right(state.name());
            }
            table.right("DUE").left("OLDEST-DUE");
            for (QueueStats queue : stats) {
              var counts = new QueueCounts(queue, now);
              List<String> row = new ArrayList<>();
              row.add(queue.queue());
              for (JobState state : JobState.values()) {
                row.add(Long.toString(counts.count(state)));
              }
              row.add(Long.toString(counts.due()));
              row.add(counts.oldestDueAge().map(Stats::age).orElse("-"));
              table.row(row);
            }
            table.print(out);
          }
          out.flush();
        });
    return 0;
  }

  private static Map<String, Object> jsonOf(QueueStats queue, Instant now) {
    var object = new LinkedHashMap<String, Object>();
    object.put("queue", queue.queue());
    Json.counts(object, new QueueCounts(queue, now));
    return object;
  }

  /** A short age: {@code 42s}, {@code 3m07s}, {@code 5h02m}, {@code 2d04h}. */
  static String age(Duration age) {
    long s = age.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3_600) {
      return "%dm%02ds".formatted(s / 60, s % 60);
    }
    if (s < 86_400) {
      return "%dh%02dm".formatted(s / 3_600, s % 3_600 / 60);
    }
    return "%dd%02dh".formatted(s / 86_400, s % 86_400 / 3_600);
  }
}
