package dev.docket.cli;

import static dev.docket.cli.DocketCommand.jobId;
import static dev.docket.cli.DocketCommand.oneLine;

import dev.docket.domain.JobId;
import dev.docket.usecase.BulkResult;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.port.JobQuery;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Which jobs {@code jobs retry}, {@code cancel} and {@code delete} act on: ids, or every job a
 * filter matches. A filter's matches are counted and confirmed first (a question on a terminal,
 * {@code --yes} in a script), then acted on a thousand at a time through {@link JobClient#act},
 * which skips with its reason each job the action does not apply to.
 */
final class JobSelection {
  /** The most jobs one filter is counted up to before it is confirmed. */
  static final long COUNT_CAP = 1_000_000;

  @Option(
      names = "--state",
      paramLabel = "<state>",
      description =
          "Every job in this state: pending, due, scheduled, running, completed, failed (or dead)"
              + " or cancelled.")
  String state;

  @Option(names = "--queue", description = "Every job of this queue.")
  String queue;

  @Option(names = "--kind", description = "Every job of this kind.")
  String kind;

  @Option(names = "--tag", description = "Every job carrying this tag.")
  String tag;

  @Option(
      names = "--error",
      paramLabel = "<type>",
      description = "Every job whose last error is of this type, such as java.io.IOException.")
  String error;

  @Option(
      names = "--payload",
      paramLabel = "<json>",
      description =
          "Every job whose payload contains this JSON object or array, such as"
              + " '{\"customer\": {\"id\": 42}}'.")
  String payload;

  @Option(
      names = "--id",
      paramLabel = "<suffix>",
      description = "Every job whose id ends with these 4 to 32 hex digits (a short id).")
  String idSuffix;

  @Option(
      names = {"-y", "--yes"},
      description = "Act on a filter's matches without asking first (for scripts).")
  boolean yes;

  /** Whether any filter was given. */
  boolean filters() {
    return state != null
        || queue != null
        || kind != null
        || tag != null
        || error != null
        || payload != null
        || idSuffix != null;
  }

  /** The filter as a query, or a usage error naming what is wrong. */
  JobQuery query(CommandSpec spec, Instant now) {
    try {
      var query = JobQuery.builder().limit(JobQuery.MAX_LIMIT);
      if (state != null) {
        state(spec, state, query, now);
      }
      if (queue != null) {
        query.queue(queue);
      }
      if (kind != null) {
        query.kind(kind);
      }
      if (tag != null) {
        query.tag(tag);
      }
      if (error != null) {
        query.errorType(error);
      }
      if (payload != null) {
        query.payloadContains(payload);
      }
      if (idSuffix != null) {
        query.idSuffix(idSuffix);
      }
      return query.build();
    } catch (CommandLine.TypeConversionException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--state: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Puts a state filter on {@code query}: a state's name, {@code dead}, or {@code due} or {@code
   * scheduled} at {@code now}; another word is a usage error.
   */
  static void state(CommandSpec spec, String text, JobQuery.Builder query, Instant now) {
    switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "due" -> query.due(now);
      case "scheduled" -> query.scheduled(now);
      default -> {
        try {
          query.state(DocketCommand.state(text));
        } catch (CommandLine.TypeConversionException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--state: " + e.getMessage());
        }
      }
    }
  }

  /** The filter in words, as the question and the summary say it. */
  String described() {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("state", state);
    parts.put("queue", queue);
    parts.put("kind", kind);
    parts.put("tag", tag);
    parts.put("error", error);
    parts.put("payload", payload);
    parts.put("id", idSuffix);
    var words = new ArrayList<String>();
    parts.forEach(
        (name, value) -> {
          if (value != null) {
            words.add(name + " " + value);
          }
        });
    return String.join(", ", words);
  }

  /** Parses ids, a bad one being a usage error about that argument. */
  static List<JobId> ids(CommandSpec spec, List<String> texts) {
    var parsed = new LinkedHashSet<JobId>();
    for (String text : texts) {
      try {
        parsed.add(jobId(text));
      } catch (CommandLine.TypeConversionException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), e.getMessage(), e, spec.positionalParameters().get(0), text);
      }
    }
    return List.copyOf(parsed);
  }

  /**
   * Applies {@code action} to every match of the filter, after counting and asking.
   *
   * @return the exit status: 0 when done (or nothing matched), 1 when some jobs were skipped, 2
   *     when not confirmed
   */
  int actOnMatches(
      CommandSpec spec,
      dev.docket.store.postgres.PostgresStore store,
      JobClient client,
      BulkResult.Action action,
      Instant now,
      boolean json) {
    JobQuery query = query(spec, now);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long matching = client.count(query, COUNT_CAP);
    String verb = action.name().toLowerCase(Locale.ROOT);
    if (matching == 0) {
      if (json) {
        Json.print(out, summary(action, 0, 0, List.of()));
      } else {
        out.println("No jobs match " + described() + ".");
      }
      out.flush();
      return 0;
    }
    String count = number(matching) + (matching >= COUNT_CAP ? "+" : "");
    if (!yes
        && !confirmed(
            err,
            "%s %s %s matching %s? [y/N] "
                .formatted(
                    capitalized(verb), count, matching == 1 ? "job" : "jobs", described()))) {
      err.println(
          "docket jobs %s: %s %s match %s; nothing was changed (add --yes to %s them)."
              .formatted(verb, count, matching == 1 ? "job" : "jobs", described(), verb));
      err.flush();
      return 2;
    }
    int changed = 0;
    var skipped = new ArrayList<BulkResult.Skipped>();
    JobQuery page = query;
    while (true) {
      BulkResult result = client.act(action, page);
      changed += result.changed().size();
      skipped.addAll(result.skipped());
      if (result.nextAfterId().isEmpty()) {
        break;
      }
      page = page.after(result.nextAfterId().get());
    }
    Database.audit(
        store,
        "cli jobs " + verb,
        "jobs matching %s: %d changed, %d left as they were"
            .formatted(described(), changed, skipped.size()));
    report(spec, action, changed, skipped, json);
    return skipped.isEmpty() ? 0 : 1;
  }

  private static void report(
      CommandSpec spec,
      BulkResult.Action action,
      int changed,
      List<BulkResult.Skipped> skipped,
      boolean json) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (json) {
      Json.print(out, summary(action, changed, skipped.size(), skipped));
      out.flush();
      return;
    }
    String past =
        switch (action) {
          case RETRY -> "Retried";
          case CANCEL -> "Cancelled";
          case DELETE -> "Deleted";
        };
    out.println(
        "%s %s %s%s."
            .formatted(
                past,
                number(changed),
                changed == 1 ? "job" : "jobs",
                skipped.isEmpty()
                    ? ""
                    : "; " + number(skipped.size()) + " left as they were (below)"));
    out.flush();
    skipped.forEach(s -> err.println("docket: " + oneLine(s.reason())));
    err.flush();
  }

  private static Map<String, Object> summary(
      BulkResult.Action action, int changed, int skippedCount, List<BulkResult.Skipped> skipped) {
    var summary = new LinkedHashMap<String, Object>();
    summary.put("action", action.name().toLowerCase(Locale.ROOT));
    summary.put("changed", changed);
    summary.put("skipped", skippedCount);
    summary.put(
        "skippedJobs",
        skipped.stream().map(s -> Map.of("id", s.id().toString(), "reason", s.reason())).toList());
    return summary;
  }

  /** Asks on the terminal; without one (a script, a pipe) the answer is no. */
  private static boolean confirmed(PrintWriter err, String question) {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    err.print(question);
    err.flush();
    try {
      String answer = new BufferedReader(console.reader()).readLine();
      return answer != null && answer.strip().toLowerCase(Locale.ROOT).matches("y|yes");
    } catch (IOException e) {
      return false;
    }
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String capitalized(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }
}
