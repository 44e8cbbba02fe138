package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.RetryPolicy;
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
    description = "List, show, retry and cancel jobs.",
    subcommands = {
      Jobs.ListJobs.class,
      Jobs.ShowJob.class,
      Jobs.RetryJob.class,
      Jobs.CancelJob.class
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

    @Option(names = "--state", description = "Only jobs in this state: ${COMPLETION-CANDIDATES}.")
    JobState state;

    @Option(names = "--kind", description = "Only jobs of this kind.")
    String kind;

    @Option(names = "--tag", description = "Only jobs carrying this tag.")
    String tag;

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

    @Override
    public Integer call() {
      var query = JobQuery.builder().limit(limit);
      if (queue != null) {
        query.queue(queue);
      }
      if (state != null) {
        query.state(state);
      }
      if (kind != null) {
        query.kind(kind);
      }
      if (tag != null) {
        query.tag(tag);
      }
      if (after != null) {
        query.afterId(after);
      }
      JobQuery built = query.build();
      database.run(
          spec,
          (store, client) -> {
            JobPage page = client.list(built);
            PrintWriter out = spec.commandLine().getOut();
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
            out.flush();
          });
      return 0;
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

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            PrintWriter out = spec.commandLine().getOut();
            print(out, client.get(id));
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

  /** {@code docket jobs retry}: a failed or cancelled job runs again. */
  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Send a failed or cancelled job back to pending, to run again soon.")
  static final class RetryJob implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<id>", description = "The job's id.")
    JobId id;

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            printState(spec, client.retry(id));
            Database.audit(store, "cli jobs retry", "job " + id);
          });
      return 0;
    }
  }

  /** {@code docket jobs cancel}: a pending job stops at once, a running one is asked to. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a job: a pending one at once, a running one when its handler stops.")
  static final class CancelJob implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<id>", description = "The job's id.")
    JobId id;

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            printState(spec, client.cancel(id));
            Database.audit(store, "cli jobs cancel", "job " + id);
          });
      return 0;
    }
  }

  private static void printState(CommandSpec spec, Job job) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        job.id()
            + " "
            + lower(job.state())
            + (job.isCancelRequested() ? ", cancel requested" : ""));
    out.flush();
  }
}
