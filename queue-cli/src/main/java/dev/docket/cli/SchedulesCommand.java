package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.Job;
import dev.docket.domain.Names;
import dev.docket.runtime.Schedules;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.JobClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code docket schedules}: the recurring schedules as the store keeps them. Schedules are defined
 * in the application's code; each node writes its schedules' definitions to the store when it first
 * fires them ({@link Schedules#stored}), which is what this command reads: it lists and runs the
 * schedules of nodes that have run, without the application's code.
 */
@Command(
    name = "schedules",
    mixinStandardHelpOptions = true,
    description = "List schedules, run one now, enable or disable one for every node.",
    subcommands = {
      SchedulesCommand.ListSchedules.class,
      SchedulesCommand.RunSchedule.class,
      SchedulesCommand.EnableSchedule.class,
      SchedulesCommand.DisableSchedule.class
    })
final class SchedulesCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Schedules schedules(PostgresStore store, JobClient client) {
    return Schedules.stored(store.scheduleStates(), client, CLOCK);
  }

  /** {@code docket schedules list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the schedules: trigger, the kind and queue of the job each slot makes, whether it"
            + " is enabled, the last slot fired and the next one.",
        "A schedule shows once a node has run it; one whose nodes are older than this docket"
            + " shows with its name and state only."
      })
  static final class ListSchedules implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Option(names = "--json", description = "Print one JSON object per schedule and line.")
    boolean json;

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            List<Schedules.Entry> entries = schedules(store, client).list();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              entries.forEach(entry -> Json.print(out, Json.schedule(entry)));
            } else if (entries.isEmpty()) {
              out.printf(
                  "No schedules in schema %s: no node has run one.%n",
                  Names.quote(database.schema));
            } else {
              var table =
                  new Table("SCHEDULE")
                      .left("TRIGGER")
                      .left("KIND")
                      .left("QUEUE")
                      .left("ENABLED")
                      .left("LAST-SLOT")
                      .left("NEXT-SLOT");
              for (Schedules.Entry entry : entries) {
                table.row(
                    List.of(
                        entry.name(),
                        entry.schedule().map(s -> Json.trigger(s.trigger())).orElse("-"),
                        entry.schedule().map(s -> s.job().kind()).orElse("-"),
                        entry.schedule().map(s -> s.job().queue()).orElse("-"),
                        entry.enabled() ? "yes" : "no",
                        slot(entry.lastSlot()),
                        slot(entry.nextSlot())));
              }
              table.print(out);
            }
            out.flush();
          });
      return 0;
    }

    private static String slot(Optional<Instant> slot) {
      return slot.map(at -> at.truncatedTo(ChronoUnit.SECONDS).toString()).orElse("-");
    }
  }

  /** {@code docket schedules run}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Enqueue the schedule's job now, outside its slots, and print its id and state; the"
              + " slots fire as before.")
  static final class RunSchedule implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<name>", description = "The schedule's name.")
    String name;

    @Option(names = "--json", description = "Print the job it enqueued as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            Job job = schedules(store, client).runNow(name);
            Database.audit(store, "cli schedules run", "schedule " + name + ", job " + job.id());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              Json.print(out, Json.job(job, true));
            } else {
              out.println(job.id() + " " + lower(job.state()));
            }
            out.flush();
          });
      return 0;
    }
  }

  /** {@code docket schedules enable}. */
  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = {
        "Enable a schedule on every node. The slots that passed while it was disabled are not"
            + " caught up.",
        "Enabling an enabled schedule changes nothing."
      })
  static final class EnableSchedule implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<name>", description = "The schedule's name.")
    String name;

    @Option(
        names = "--json",
        description = "Print the schedule after the change as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      database.run(spec, (store, client) -> setEnabled(spec, store, client, name, true, json));
      return 0;
    }
  }

  /** {@code docket schedules disable}. */
  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = {
        "Disable a schedule on every node: it fires no slot until it is enabled.",
        "Disabling a disabled schedule changes nothing."
      })
  static final class DisableSchedule implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<name>", description = "The schedule's name.")
    String name;

    @Option(
        names = "--json",
        description = "Print the schedule after the change as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
      database.run(spec, (store, client) -> setEnabled(spec, store, client, name, false, json));
      return 0;
    }
  }

  private static void setEnabled(
      CommandSpec spec,
      PostgresStore store,
      JobClient client,
      String name,
      boolean enabled,
      boolean json) {
    Schedules schedules = schedules(store, client);
    boolean changed = schedules.setEnabled(name, enabled);
    if (changed) {
      Database.audit(
          store, "cli schedules " + (enabled ? "enable" : "disable"), "schedule " + name);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, Json.schedule(schedules.find(name).orElseThrow()));
    } else {
      String word = enabled ? "enabled" : "disabled";
      out.println(name + " " + (changed ? word : "was " + word + " already"));
    }
    out.flush();
  }
}
