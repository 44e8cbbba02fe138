package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import dev.docket.runtime.DocketRuntime;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.QueueStats;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code docket queues}: list the queues, pause and resume them for every node.
 *
 * <p>A queue is known when it has jobs, is paused, or a live node serves it; pausing or resuming
 * any other name is refused as the typo it most likely is. Pausing a paused queue, or resuming one
 * that runs, changes nothing and succeeds, as in the API: a script may repeat it.
 */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    description = "List queues, and pause or resume one for every node.",
    subcommands = {Queues.ListQueues.class, Queues.PauseQueue.class, Queues.ResumeQueue.class})
final class Queues implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What the store knows of every queue, read at one instant. */
  record Snapshot(
      Instant now, Map<String, QueueStats> stats, Set<String> paused, Set<String> served) {
    static Snapshot read(PostgresStore store, JobClient client) {
      Instant now = CLOCK.instant();
      var stats = new LinkedHashMap<String, QueueStats>();
      client.stats().forEach(s -> stats.put(s.queue(), s));
      var served = new TreeSet<String>();
      for (Node node : store.nodeRegistry().seenSince(now.minus(DocketRuntime.NODE_SILENCE))) {
        served.addAll(node.queues().keySet());
      }
      return new Snapshot(now, stats, store.queueControl().pausedQueues(), served);
    }

    /** Every known queue, by name. */
    Set<String> names() {
      var names = new TreeSet<String>(stats.keySet());
      names.addAll(paused);
      names.addAll(served);
      return names;
    }

    boolean isPaused(String queue) {
      return paused.contains(queue);
    }

    QueueCounts counts(String queue) {
      return new QueueCounts(stats.get(queue), now);
    }

    Map<String, Object> json(String queue) {
      return Json.queue(queue, isPaused(queue), counts(queue));
    }

    /**
     * Checks that {@code queue} is known.
     *
     * @throws IllegalArgumentException naming the known queues, if it is not
     */
    void require(String queue) {
      if (!names().contains(queue)) {
        throw new IllegalArgumentException(
            "There is no queue %s: it has no jobs, no node serves it and it is not paused. The queues are: %s."
                .formatted(
                    Names.quote(queue), names().isEmpty() ? "none" : String.join(", ", names())));
      }
    }
  }

  /** {@code docket queues list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the queues: whether each is paused, its jobs by state with the pending ones split"
            + " into due (run-at now or past) and scheduled (run-at in the future), and how long"
            + " the oldest due job has waited.",
        "A queue is listed when it has jobs, is paused, or a live node serves it."
      })
  static final class ListQueues implements Callable<Integer> {
    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Option(names = "--json", description = "Print one JSON object per queue and line.")
    boolean json;

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            Snapshot snapshot = Snapshot.read(store, client);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
              snapshot.names().forEach(queue -> Json.print(out, snapshot.json(queue)));
            } else if (snapshot.names().isEmpty()) {
              out.printf(
                  "No queues in schema %s: none has jobs, is paused or is served by a live node.%n",
                  Names.quote(database.schema));
            } else {
              var table =
                  new Table("QUEUE")
                      .left("PAUSED")
                      .right("DUE")
                      .right("SCHEDULED")
                      .right("RUNNING")
                      .right("COMPLETED")
                      .right("FAILED")
                      .right("CANCELLED")
                      .left("OLDEST-DUE");
              for (String queue : snapshot.names()) {
                QueueCounts counts = snapshot.counts(queue);
                table.row(
                    List.of(
                        queue,
                        snapshot.isPaused(queue) ? "yes" : "no",
                        Long.toString(counts.due()),
                        Long.toString(counts.scheduled()),
                        Long.toString(counts.count(JobState.RUNNING)),
                        Long.toString(counts.count(JobState.COMPLETED)),
                        Long.toString(counts.count(JobState.FAILED)),
                        Long.toString(counts.count(JobState.CANCELLED)),
                        counts.oldestDueAge().map(Stats::age).orElse("-")));
              }
              table.print(out);
            }
            out.flush();
          });
      return 0;
    }
  }

  /** {@code docket queues pause}. */
  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = {
        "Pause a queue on every node: no node claims its jobs until it is resumed. Running jobs"
            + " finish, and new jobs can still be enqueued; they wait.",
        "Pausing a paused queue changes nothing."
      })
  static final class PauseQueue extends SetPaused {
    PauseQueue() {
      super(true);
    }
  }

  /** {@code docket queues resume}. */
  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = {
        "Resume a paused queue on every node: its jobs run again.",
        "Resuming a queue that is not paused changes nothing."
      })
  static final class ResumeQueue extends SetPaused {
    ResumeQueue() {
      super(false);
    }
  }

  /** What pause and resume share: both are safe to repeat, and say when nothing changed. */
  abstract static class SetPaused implements Callable<Integer> {
    private final boolean pause;

    @Spec CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Parameters(index = "0", paramLabel = "<queue>", description = "The queue.")
    String queue;

    @Option(names = "--json", description = "Print the queue after the change as one JSON object.")
    boolean json;

    SetPaused(boolean pause) {
      this.pause = pause;
    }

    @Override
    public Integer call() {
      database.run(
          spec,
          (store, client) -> {
            Snapshot before = Snapshot.read(store, client);
            before.require(queue);
            boolean already = before.isPaused(queue) == pause;
            if (!already) {
              if (pause) {
                store.queueControl().pause(queue, CLOCK.instant());
              } else {
                store.queueControl().resume(queue);
              }
              Database.audit(store, "cli queues " + (pause ? "pause" : "resume"), "queue " + queue);
            }
            String said =
                pause
                    ? (already ? "was paused already" : "paused")
                    : (already ? "was not paused" : "resumed");
            print(spec, store, client, queue, json, said);
          });
      return 0;
    }
  }

  private static void print(
      CommandSpec spec,
      PostgresStore store,
      JobClient client,
      String queue,
      boolean json,
      String what) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, Snapshot.read(store, client).json(queue));
    } else {
      out.println(queue + " " + what);
    }
    out.flush();
  }
}
