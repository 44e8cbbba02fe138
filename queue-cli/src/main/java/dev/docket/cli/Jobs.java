package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.BulkResult;
import dev.docket.usecase.JobNotFoundException;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code docket jobs}: the commands on single jobs. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "List, show, retry, re-run, cancel and delete jobs.",
    subcommands = {
      Jobs.ListJobs.class,
      Jobs.ShowJob.class,
      Jobs.RetryJob.class,
      Jobs.RerunJob.class,
      Jobs.CancelJob.class,
      Jobs.DeleteJobs.class
    })
final class Jobs implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code docket jobs list}: a page of jobs, newest first. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List jobs, newest first, a page at a time.")
  static final class ListJobs implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Option(names = "--queue", description = "Only jobs of this queue.")
    String queue;

    @Option(
        names = "--state",
        paramLabel = "<state>",
        description =
            "Only jobs in this state: pending (due or scheduled), running, completed, failed (the"
                + " dead letter; dead is taken too) or cancelled.")
    String state;

    @Option(
        names = "--error",
        paramLabel = "<type>",
        description = "Only jobs whose last error is of this type, such as java.io.IOException.")
    String error;

    @Option(names = "--kind", description = "Only jobs of this kind.")
    String kind;

    @Option(names = "--tag", description = "Only jobs carrying this tag.")
    String tag;

    @Option(
        names = "--payload",
        paramLabel = "<json>",
        description =
            "Only jobs whose payload contains this JSON object or array, as PostgreSQL's jsonb @>"
                + " decides, such as '{\"customer\": {\"id\": 42}}'.")
    String payload;

    @Option(
        names = "--id",
        paramLabel = "<suffix>",
        description =
            "Only jobs whose id ends with these 4 to 32 hex digits: the short id the dashboard"
                + " shows (dashes and a leading \u2026 are ignored).")
    String idSuffix;

    @Option(
        names = "--limit",
        defaultValue = "" + JobQuery.DEFAULT_LIMIT,
        description = "Jobs per page, 1 to 1000 (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(
        names = "--after",
        paramLabel = "<id>",
        description = "Continue after this job id: the cursor the page before printed.")
    JobId after;

    @Option(
        names = "--before",
        paramLabel = "<id>",
        description = "The page before this job id, of newer jobs: the cursor a page printed.")
    JobId before;

    @Option(
        names = "--json",
        description =
            "Print one JSON object per job and line, without payload, result or stack traces;"
                + " the next page's cursor goes to stderr.")
    boolean json;

    @Override
    public Integer call() {
      JobQuery built = query();
      database.run(
          spec,
          (store, client) -> {
            JobPage page = client.list(built);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              page.jobs().forEach(job -> Json.print(out, Json.job(job, false)));
              out.flush();
              // Stdout is the jobs alone; the cursor is the last one's id, said for people.
              page.nextAfterId()
                  .ifPresent(id -> spec.commandLine().getErr().println("Next page: --after " + id));
              page.previousBeforeId()
                  .ifPresent(
                      id -> spec.commandLine().getErr().println("Previous page: --before " + id));
              spec.commandLine().getErr().flush();
              return;
            }
            if (page.jobs().isEmpty()) {
              out.println("No jobs match.");
            } else {
              var table = new Table("ID").left("QUEUE").left("KIND").left("STATE").right("ATTEMPT");
              table.left("RUN-AT");
              for (Job job : page.jobs()) {
                table.row(
                    List.of(
                        job.id().toString(),
                        job.queue(),
                        job.kind(),
                        lower(job.state()),
                        job.attempt() + "/" + job.maxAttempts(),
                        job.runAt().truncatedTo(ChronoUnit.SECONDS).toString()));
              }
              table.print(out);
            }
            page.nextAfterId().ifPresent(id -> out.println("Next page: --after " + id));
            page.previousBeforeId().ifPresent(id -> out.println("Previous page: --before " + id));
            out.flush();
          });
      return 0;
    }

    /** The query of the options; a value it refuses is a usage error, told before connecting. */
    private JobQuery query() {
      try {
        var query = JobQuery.builder().limit(limit);
        if (queue != null) {
          query.queue(queue);
        }
        if (state != null) {
          JobSelection.state(spec, state, query, Instant.now());
        }
        if (error != null) {
          query.errorType(error);
        }
        if (kind != null) {
          query.kind(kind);
        }
        if (tag != null) {
          query.tag(tag);
        }
        if (payload != null) {
          query.payloadContains(payload);
        }
        if (idSuffix != null) {
          query.idSuffix(idSuffix);
        }
        if (after != null) {
          query.afterId(after);
        }
        if (before != null) {
          query.beforeId(before);
        }
        return query.build();
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }

  /** {@code docket jobs show}: one job, every field. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show every field of a job, and each error with its stack trace.")
  static final class ShowJob implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<id>", description = "The job's id.")
    JobId id;

    @Option(names = "--json", description = "Print the job as one JSON object, every field.")
    boolean json;

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            PrintWriter out = spec.commandLine().getOut();
            Job job = client.get(id);
            if (json) {
              Json.print(out, Json.job(job, true));
            } else {
              print(out, job);
            }
            out.flush();
          });
      return 0;
    }

    static void print(PrintWriter out, Job job) {
      var fields = new LinkedHashMap<String, String>();
      fields.put("id", job.id().toString());
      fields.put("queue", job.queue());
      fields.put("kind", job.kind());
      fields.put(
          "state", lower(job.state()) + (job.isCancelRequested() ? ", cancel requested" : ""));
      fields.put("priority", Integer.toString(job.priority().value()));
      fields.put("attempt", job.attempt() + " of " + job.maxAttempts());
      fields.put("retry policy", policy(job.retryPolicy()));
      fields.put("run at", job.runAt().toString());
      fields.put("created at", job.createdAt().toString());
      fields.put("updated at", job.updatedAt().toString());
      fields.put("finished at", job.finishedAt().map(Instant::toString).orElse("-"));
      fields.put(
          "lease",
          job.lease()
              .map(
                  l ->
                      "held by %s, fence %d, expires %s"
                          .formatted(l.owner(), l.fence(), l.expiresAt()))
              .orElse("-"));
      fields.put("unique key", job.uniqueKey().orElse("-"));
      fields.put("tags", job.tags().isEmpty() ? "-" : String.join(", ", job.tags()));
      fields.put("version", Long.toString(job.version()));
      fields.put(
          "progress",
          job.progress()
              .map(
                  p ->
                      p.percent()
                          + "%"
                          + (p.message().isEmpty() ? "" : " " + p.message())
                          + " (at "
                          + p.at()
                          + ")")
              .orElse("-"));
      fields.put("payload", job.payload());
      fields.put("result", job.result().orElse("-"));
      fields.forEach((name, value) -> out.printf("%-13s %s%n", name + ":", value));
      out.printf("attempts:     %s%n", job.attempts().isEmpty() ? "-" : job.attempts().size());
      for (var attempt : job.attempts()) {
        out.printf(
            "  %d on %s: started %s, waited %s, ran %s, %s%n",
            attempt.attempt(),
            attempt.node(),
            attempt.startedAt(),
            attempt.waited(),
            attempt.duration(),
            attempt.ending().wireName());
      }
      out.printf("errors:       %s%n", job.errors().isEmpty() ? "-" : job.errors().size());
      for (AttemptError error : job.errors()) {
        out.printf(
            "%nAttempt %d failed at %s: %s%s%n",
            error.attempt(),
            error.at(),
            error.type(),
            error.message().isEmpty() ? "" : ": " + error.message());
        if (!error.stackTrace().isEmpty()) {
          error.stackTrace().lines().forEach(line -> out.println("    " + line));
        }
      }
    }

    private static String policy(RetryPolicy policy) {
      return switch (policy) {
        case RetryPolicy.Exponential p ->
            "exponential, base %s, cap %s".formatted(p.base(), p.cap());
        case RetryPolicy.Fixed p -> "fixed, %s".formatted(p.delay());
        case RetryPolicy.None p -> "none";
      };
    }
  }

  /** {@code docket jobs retry}: failed or cancelled jobs run again, by id or by a filter. */
  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = {
        "Retry failed or cancelled jobs: each becomes pending and runs again soon.",
        "Name jobs by id, or every job a filter matches (docket jobs retry --state dead --kind"
            + " email.send): the matches are counted and you are asked first; --yes does not ask."
            + " A job in another state is left as it was, and said so; the status is then 1."
      })
  static final class RetryJob extends Bulk {
    RetryJob() {
      super(BulkResult.Action.RETRY);
    }
  }

  /** {@code docket jobs rerun}: a finished job runs again, as a new job. */
  @Command(
      name = "rerun",
      mixinStandardHelpOptions = true,
      description = {
        "Run a finished job (completed, failed or cancelled) again, as a new job.",
        "The new job has the finished one's queue, kind, payload, priority, tags, max attempts and"
            + " retry policy, runs now and has no unique key; the finished job stays as it is."
            + " Prints the new job's id."
      })
  static final class RerunJob implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<id>", description = "The finished job's id.")
    JobId id;

    @Option(names = "--json", description = "Print the new job as one JSON object, every field.")
    boolean json;

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            Job rerun = client.rerun(id);
            Database.audit(store, "cli jobs rerun", "job %s: new job %s".formatted(id, rerun.id()));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              Json.print(out, Json.job(rerun, true));
            } else {
              out.println(rerun.id() + " " + lower(rerun.state()) + ", a re-run of " + id);
            }
            out.flush();
          });
      return 0;
    }
  }

  /** {@code docket jobs cancel}: a pending job stops at once, a running one is asked to. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = {
        "Cancel jobs: a pending one at once, a running one when its handler stops.",
        "Name jobs by id, or every job a filter matches (--state pending --queue mail): the"
            + " matches are counted and you are asked first; --yes does not ask."
      })
  static final class CancelJob extends Bulk {
    CancelJob() {
      super(BulkResult.Action.CANCEL);
    }
  }

  /** {@code docket jobs delete}: jobs that are not running go, whatever their state. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = {
        "Delete jobs that are not running, in whatever state: pending, finished or failed.",
        "A running job is refused: cancel it first, and delete it once it stops. Name jobs by id,"
            + " or every job a filter matches (--state completed --queue reports): the matches are"
            + " counted and you are asked first; --yes does not ask. The status is 1 if any job"
            + " was refused."
      })
  static final class DeleteJobs extends Bulk {
    DeleteJobs() {
      super(BulkResult.Action.DELETE);
    }
  }

  /**
   * What retry, cancel and delete share: one id prints the job after the change, as before; several
   * ids or a filter act in bulk and print a summary.
   */
  abstract static class Bulk implements Callable<Integer> {
    private final BulkResult.Action action;

    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @CommandLine.Mixin JobSelection selection = new JobSelection();

    // Text, converted in call(): picocli would take a bad id after a good one for an unexpected
    // argument, and say so instead of what is wrong with it.
    @Parameters(
        index = "0..*",
        arity = "0..*",
        paramLabel = "<id>",
        description = "The ids of the jobs; or none, and a filter.")
    List<String> ids = List.of();

    @Option(
        names = "--json",
        description =
            "Print one JSON object: the job after the change for one id, else a summary of how"
                + " many changed and which were left as they were, and why.")
    boolean json;

    Bulk(BulkResult.Action action) {
      this.action = action;
    }

    @Override
    public Integer call() {
      String verb = action.name().toLowerCase(java.util.Locale.ROOT);
      if (!ids.isEmpty() && selection.filters()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Name the jobs by ids or by a filter, not both.");
      }
      if (ids.isEmpty() && !selection.filters()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            ("Name the jobs to %s: ids, or a filter (--state, --queue, --kind, --tag, --error,"
                    + " --payload, --id).")
                .formatted(verb));
      }
      if (ids.isEmpty()) {
        Instant now = Instant.now();
        selection.query(spec, now); // a bad filter is a usage error, told before connecting
        int[] status = new int[1];
        database.run(
            spec,
            (store, client) ->
                status[0] = selection.actOnMatches(spec, store, client, action, now, json));
        return status[0];
      }
      List<JobId> parsed = JobSelection.ids(spec, ids);
      int[] status = new int[1];
      database.run(
          spec,
          (store, client) -> {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            for (JobId id : parsed) {
              try {
                switch (action) {
                  case RETRY -> printState(spec, client.retry(id), json);
                  case CANCEL -> printState(spec, client.cancel(id), json);
                  case DELETE -> {
                    Job deleted = client.delete(id);
                    if (json) {
                      Json.print(out, Json.job(deleted, true));
                    } else {
                      out.println(deleted.id() + " deleted");
                    }
                  }
                }
                Database.audit(store, "cli jobs " + verb, "job " + id);
              } catch (JobNotFoundException
                  | dev.docket.domain.IllegalTransitionException
                  | IllegalStateException e) {
                // The others are still acted on: one refused id is no reason to stop.
                out.flush();
                err.println("docket: " + oneLine(e.getMessage()));
                err.flush();
                status[0] = 1;
              }
              out.flush();
            }
          });
      return status[0];
    }
  }

  private static void printState(CommandSpec spec, Job job, boolean json) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, Json.job(job, true));
      out.flush();
      return;
    }
    out.println(
        job.id()
            + " "
            + lower(job.state())
            + (job.isCancelRequested() ? ", cancel requested" : ""));
    out.flush();
  }
}
