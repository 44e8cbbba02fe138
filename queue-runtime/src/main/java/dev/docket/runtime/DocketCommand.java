package dev.docket.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Module;
import dev.docket.domain.DocketException;
import dev.docket.domain.JobState;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.port.QueueStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code docket} command: {@code docket serve} runs workers, on the in-memory store unless a
 * database URL is given; {@code docket migrate} applies or prints the PostgreSQL schema.
 *
 * <p>Every option can also come from the environment ({@code DOCKET_DATABASE_URL} and the others
 * named in {@code --help}).
 */
@Command(
    name = "docket",
    mixinStandardHelpOptions = true,
    version = "docket 0.1.0",
    description = "Durable background jobs.",
    subcommands = {DocketCommand.Serve.class, DocketCommand.Migrate.class})
public final class DocketCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command with {@code args} and returns its exit status, without exiting. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command, set up to report a bad value found while running (an unreachable database, an
   * invalid URL) as one plain sentence and exit status 1, rather than as a stack trace.
   */
  static CommandLine commandLine() {
    var line = new CommandLine(new DocketCommand());
    line.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof IllegalArgumentException || e instanceof DocketException) {
            command.getErr().println("docket: " + e.getMessage());
            command.getErr().flush();
            return 1;
          }
          throw e;
        });
    return line;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the database is, shared by the subcommands. */
  static final class Database {
    @Option(
        names = "--database-url",
        defaultValue = "${env:DOCKET_DATABASE_URL}",
        description =
            "PostgreSQL JDBC URL; the in-memory store when absent (env DOCKET_DATABASE_URL).")
    String url;

    @Option(
        names = "--database-user",
        defaultValue = "${env:DOCKET_DATABASE_USER}",
        description = "Database user (env DOCKET_DATABASE_USER).")
    String user;

    @Option(
        names = "--database-password",
        defaultValue = "${env:DOCKET_DATABASE_PASSWORD}",
        description = "Database password (env DOCKET_DATABASE_PASSWORD).")
    String password;

    @Option(
        names = "--schema",
        defaultValue = "${env:DOCKET_SCHEMA:-docket}",
        description = "Schema of Docket's tables (env DOCKET_SCHEMA, default ${DEFAULT-VALUE}).")
    String schema;

    PostgresOptions.Builder options() {
      var builder = PostgresOptions.builder().url(url).schema(schema);
      if (user != null && !user.isBlank()) {
        builder.user(user);
      }
      if (password != null && !password.isEmpty()) {
        builder.password(password);
      }
      return builder;
    }
  }

  /** {@code docket serve}: runs workers until stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run workers.")
  static final class Serve implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Option(
        names = "--queue",
        description =
            "A queue and its concurrency, as name=concurrency; repeatable (default default=10).")
    Map<String, Integer> queues = new LinkedHashMap<>();

    @Option(
        names = "--demo",
        description = "Register demo handlers and enqueue a steady mix of jobs.")
    boolean demo;

    @Option(
        names = "--run-for",
        description = "Stop after this long (ISO-8601, e.g. PT30S); runs until stopped otherwise.")
    Duration runFor;

    @Option(
        names = "--shutdown-grace",
        defaultValue = "PT30S",
        description = "How long running jobs may finish on shutdown (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      var options = RuntimeOptions.builder().shutdownGrace(grace);
      if (queues.isEmpty() && demo) {
        Demo.QUEUES.forEach(options::queue);
      }
      queues.forEach(options::queue);
      List<Module> modules = new ArrayList<>();
      modules.add(
          database.url == null || database.url.isBlank()
              ? new MemoryStoreModule()
              : new PostgresStoreModule(database.options().build()));
      modules.add(new DocketModule(options.build()));
      if (demo) {
        modules.add(
            new AbstractModule() {
              @Override
              protected void configure() {
                Demo.handlers()
                    .forEach(h -> DocketModule.handlers(binder()).addBinding().toInstance(h));
              }
            });
      }
      DocketRuntime docket = Guice.createInjector(modules).getInstance(DocketRuntime.class);
      var stopped = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                docket.close();
                stopped.countDown();
              },
              "docket-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      docket.start();
      out.printf(
          "Docket serves %s on the %s store. Stop with Ctrl-C (SIGTERM): running jobs finish, or go back to pending.%n",
          options.build().queues(),
          database.url == null || database.url.isBlank() ? "in-memory" : "PostgreSQL");
      out.flush();
      Demo load = demo ? Demo.start(docket.client()) : null;
      long until = runFor == null ? Long.MAX_VALUE : System.nanoTime() + runFor.toNanos();
      while (!stopped.await(
          Math.min(5_000, Math.max(1, (until - System.nanoTime()) / 1_000_000)),
          TimeUnit.MILLISECONDS)) {
        printStats(out, docket.client().stats());
        if (System.nanoTime() >= until) {
          break;
        }
      }
      if (load != null) {
        load.close();
      }
      if (stopped.getCount() > 0) {
        Runtime.getRuntime().removeShutdownHook(hook);
        docket.close();
        printStats(out, docket.client().stats());
      }
      return 0;
    }

    private static void printStats(PrintWriter out, List<QueueStats> stats) {
      for (QueueStats queue : stats) {
        var line = new StringBuilder("%-10s".formatted(queue.queue()));
        for (JobState state : JobState.values()) {
          line.append(' ')
              .append(state.name().toLowerCase(java.util.Locale.ROOT))
              .append('=')
              .append(queue.count(state));
        }
        out.println(line.append(" runnable=").append(queue.runnable()));
      }
      out.flush();
    }
  }

  /** {@code docket migrate}: applies the PostgreSQL schema, or prints it. */
  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = "Apply Docket's PostgreSQL migrations, or print their SQL with --print.")
  static final class Migrate implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin Database database = new Database();

    @Option(names = "--print", description = "Print the SQL instead of applying it.")
    boolean print;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (print) {
        out.print(PostgresStore.migrationSql(database.schema));
        out.flush();
        return 0;
      }
      if (database.url == null || database.url.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "docket migrate needs --database-url or DOCKET_DATABASE_URL (or --print).");
      }
      try (var store =
          PostgresStore.start(database.options().migrateOnStart(true).listen(false).build())) {
        out.printf("Schema %s is up to date.%n", store.schema());
      }
      out.flush();
      return 0;
    }
  }
}
