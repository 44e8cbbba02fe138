package dev.docket.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Module;
import dev.docket.domain.AttemptError;
import dev.docket.domain.DocketException;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import dev.docket.domain.RetryPolicy;
import dev.docket.http.DocketServer;
import dev.docket.http.HttpModule;
import dev.docket.http.HttpOptions;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.OutageLog;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.PayloadCodec;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.StorageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code docket} command: {@code docket serve} runs workers, on the in-memory store unless a
 * database URL is given; {@code docket migrate} applies or prints the PostgreSQL schema; {@code
 * docket enqueue}, {@code docket stats} and {@code docket jobs} submit, count and manage jobs in
 * PostgreSQL.
 *
 * <p>An option's value comes from, in this order: the command line; the environment, for the
 * database options ({@code DOCKET_DATABASE_URL}, {@code DOCKET_DATABASE_USER}, {@code
 * DOCKET_DATABASE_PASSWORD}, {@code DOCKET_SCHEMA}); the properties file given with {@code
 * --config}, keyed by the long option name without its dashes ({@code database-url=...}), or by
 * that name after the command's path ({@code jobs.list.limit=20}); the built-in default.
 */
@Command(
    name = "docket",
    mixinStandardHelpOptions = true,
    versionProvider = DocketCommand.Version.class,
    description = "Durable background jobs.",
    footer = {
      "",
      "An option's value comes from the command line, else the environment (database options),"
          + " else the --config file, else its default.",
    },
    subcommands = {
      DocketCommand.Serve.class,
      DocketCommand.Migrate.class,
      DocketCommand.Enqueue.class,
      DocketCommand.Stats.class,
      DocketCommand.Jobs.class,
      BenchCommand.class
    })
public final class DocketCommand implements Runnable {
  /** Payloads are checked, and {@code stats --json} lines written, with Docket's own codec. */
  private static final PayloadCodec CODEC = JacksonPayloadCodec.create();

  private static final InstantSource CLOCK = InstantSource.system();

  private static final System.Logger LOG = System.getLogger(DocketCommand.class.getName());

  @Spec CommandSpec spec;

  private final ConfigDefaults defaults;

  private DocketCommand(ConfigDefaults defaults) {
    this.defaults = defaults;
  }

  /** Runs the command and exits with its status. */
  public static void main(String[] args) {
    // Guice makes classes at run time through sun.misc.Unsafe, which JDK 24+ warns about at every
    // start; Docket uses no method interception, so plain reflection does.
    if (System.getProperty("guice_bytecode_gen_option") == null) {
      System.setProperty("guice_bytecode_gen_option", "DISABLED");
    }
    System.exit(run(args));
  }

  /** The version from the jar's manifest, as the build wrote it. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = DocketCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "docket " + (version == null ? "(a development build, not from a jar)" : version),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
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
    return commandLine(System::getenv);
  }

  /** The command, reading environment variables through {@code env}: tests pass their own. */
  static CommandLine commandLine(Function<String, String> env) {
    var defaults = new ConfigDefaults(env);
    var line = new CommandLine(new DocketCommand(defaults));
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.registerConverter(Duration.class, DocketCommand::duration);
    line.registerConverter(Instant.class, DocketCommand::instant);
    line.registerConverter(JobId.class, DocketCommand::jobId);
    line.setDefaultValueProvider(defaults);
    line.setExecutionStrategy(
        parsed -> {
          Optional<String> problem = defaults.problem(line.getCommandSpec());
          if (problem.isPresent()) {
            line.getErr().println("docket: " + problem.get());
            line.getErr().flush();
            return 2;
          }
          return new CommandLine.RunLast().execute(parsed);
        });
    line.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          Exception shown = unwrapInjection(e);
          if (shown instanceof IllegalArgumentException
              || shown instanceof IllegalStateException
              || shown instanceof DocketException) {
            command.getErr().println("docket: " + oneLine(shown.getMessage()));
            command.getErr().flush();
            return 1;
          }
          throw e;
        });
    return line;
  }

  /**
   * What failed when {@code serve}'s injector made a store: Guice wraps it (a database that cannot
   * be reached at start, say) in a report of several paragraphs, where one sentence says it all.
   */
  private static Exception unwrapInjection(Exception e) {
    if (e instanceof com.google.inject.ProvisionException
        && e.getCause() instanceof RuntimeException cause) {
      return cause;
    }
    return e;
  }

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "<file>",
      description =
          "A properties file of option values, keyed by long option name without dashes"
              + " (database-url=...), or by command and name (jobs.list.limit=20).")
  void config(Path file) {
    defaults.load(file);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static Duration duration(String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "%s is not an ISO-8601 duration such as PT30S, PT5M or P1D."
              .formatted(Names.quote(text)));
    }
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "%s is not an ISO-8601 instant such as 2030-01-31T09:00:00Z."
              .formatted(Names.quote(text)));
    }
  }

  private static JobId jobId(String text) {
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  private static String lower(JobState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Default values from the environment and the {@code --config} file.
   *
   * <p>Picocli asks a default provider only about options the command line did not set, and asks it
   * after parsing, so a {@code --config} anywhere on the line is loaded by then. A provider's
   * answer wins over an annotation's {@code defaultValue}, which is why the annotations hold only
   * built-in defaults and the environment is read here, before the file. Picocli expands {@code
   * ${...}} in what a provider returns, so every {@code $} is doubled to keep a password intact.
   * Not thread-safe: one instance serves one parse.
   */
  static final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    /** The options that can come from the environment, and their variables. */
    static final Map<String, String> ENVIRONMENT =
        Map.of(
            "database-url", "DOCKET_DATABASE_URL",
            "database-user", "DOCKET_DATABASE_USER",
            "database-password", "DOCKET_DATABASE_PASSWORD",
            "schema", "DOCKET_SCHEMA",
            "api-token", "DOCKET_API_TOKEN");

    private final Function<String, String> env;
    private Path file;
    private Properties properties = new Properties();
    private String unreadable;

    ConfigDefaults(Function<String, String> env) {
      this.env = env;
    }

    void load(Path file) {
      this.file = file;
      this.properties = new Properties();
      this.unreadable = null;
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (NoSuchFileException e) {
        unreadable = "it does not exist";
      } catch (AccessDeniedException e) {
        unreadable = "permission denied";
      } catch (CharacterCodingException e) {
        unreadable = "it is not UTF-8 text";
      } catch (IOException | IllegalArgumentException e) {
        unreadable = oneLine(e.getMessage());
      }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
      if (!(arg instanceof OptionSpec option) || !configurable(option)) {
        return null;
      }
      String name = key(option);
      String variable = ENVIRONMENT.get(name);
      String value = variable == null ? null : env.apply(variable);
      if (value == null || value.isEmpty()) {
        value = properties.getProperty(qualified(option.command(), name));
      }
      if (value == null) {
        value = properties.getProperty(name);
      }
      return value == null ? null : value.replace("$", "$$");
    }

    /** What is wrong with the config file, if anything: unreadable, or a key no option has. */
    Optional<String> problem(CommandSpec root) {
      if (file == null) {
        return Optional.empty();
      }
      if (unreadable != null) {
        return Optional.of(
            "Config file %s cannot be read: %s."
                .formatted(Names.quote(file.toString()), unreadable));
      }
      Set<String> known = new TreeSet<>();
      collectKeys(root, known);
      for (String key : new TreeSet<>(properties.stringPropertyNames())) {
        if (!known.contains(key)) {
          return Optional.of(
              ("Config file %s has the key %s, which names no option: use an option's long name"
                      + " without dashes, such as database-url, or prefix it with a command,"
                      + " such as jobs.list.limit.")
                  .formatted(Names.quote(file.toString()), Names.quote(key)));
        }
      }
      return Optional.empty();
    }

    private static void collectKeys(CommandSpec command, Set<String> known) {
      for (OptionSpec option : command.options()) {
        if (configurable(option)) {
          known.add(key(option));
          known.add(qualified(command, key(option)));
        }
      }
      command.subcommands().values().forEach(sub -> collectKeys(sub.getCommandSpec(), known));
    }

    private static boolean configurable(OptionSpec option) {
      return !option.usageHelp() && !option.versionHelp() && !key(option).equals("config");
    }

    private static String key(OptionSpec option) {
      return option.longestName().replaceFirst("^-+", "");
    }

    /** {@code jobs.list.limit} for {@code --limit} of {@code docket jobs list}. */
    private static String qualified(CommandSpec command, String key) {
      String path = command.qualifiedName(".");
      int root = path.indexOf('.');
      return root < 0 ? key : path.substring(root + 1) + "." + key;
    }
  }

  /** Where the database is, shared by the subcommands. */
  static final class Database {
    @Option(
        names = "--database-url",
        description =
            "PostgreSQL JDBC URL (env DOCKET_DATABASE_URL); serve uses the in-memory store"
                + " without one.")
    String url;

    @Option(names = "--database-user", description = "Database user (env DOCKET_DATABASE_USER).")
    String user;

    @Option(
        names = "--database-password",
        description = "Database password (env DOCKET_DATABASE_PASSWORD).")
    String password;

    @Option(
        names = "--schema",
        defaultValue = PostgresOptions.DEFAULT_SCHEMA,
        description = "Schema of Docket's tables (env DOCKET_SCHEMA, default ${DEFAULT-VALUE}).")
    String schema;

    @Option(
        names = "--database-connection-timeout",
        paramLabel = "<duration>",
        description =
            "How long a call waits for a database connection before it fails, PT0.25S to PT5M"
                + " (default PT5S): while the database is down, an enqueue fails after this long.")
    Duration connectionTimeout;

    boolean isGiven() {
      return url != null && !url.isBlank();
    }

    PostgresOptions.Builder options() {
      var builder = PostgresOptions.builder().url(url).schema(schema);
      if (user != null && !user.isBlank()) {
        builder.user(user);
      }
      if (password != null && !password.isEmpty()) {
        builder.password(password);
      }
      if (connectionTimeout != null) {
        builder.connectionTimeout(connectionTimeout);
      }
      return builder;
    }

    /**
     * Opens the store for one command and closes it after {@code work}: no migrations (a mistyped
     * schema must not become a new one), no LISTEN connection, a small pool.
     *
     * @throws CommandLine.ParameterException if no database URL was given
     * @throws StorageException if PostgreSQL fails; a missing table says to run migrate
     */
    void run(CommandSpec command, StoreWork work) {
      if (!isGiven()) {
        throw new CommandLine.ParameterException(
            command.commandLine(),
            ("docket %s needs --database-url, DOCKET_DATABASE_URL or database-url in --config:"
                    + " jobs live in PostgreSQL.")
                .formatted(command.qualifiedName(" ").substring("docket ".length())));
      }
      var options = options().migrateOnStart(false).listen(false).poolSize(2).build();
      try (var store = PostgresStore.start(options)) {
        var client = new JobClient(store.storage(), CODEC, CLOCK, ThreadLocalRandom.current());
        work.run(store, client);
      } catch (StorageException e) {
        if (isMissingTable(e)) {
          throw new StorageException(
              ("Schema %s has no Docket tables: run docket migrate with the same --database-url"
                      + " and --schema first.")
                  .formatted(Names.quote(options.schema())),
              e);
        }
        throw e;
      }
    }

    /** PostgreSQL's undefined_table (42P01) or invalid_schema_name (3F000). */
    private static boolean isMissingTable(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SQLException sql
            && ("42P01".equals(sql.getSQLState()) || "3F000".equals(sql.getSQLState()))) {
          return true;
        }
      }
      return false;
    }
  }

  /** What a command does with an open store. */
  @FunctionalInterface
  interface StoreWork {
    void run(PostgresStore store, JobClient client);
  }

  /**
   * {@code docket serve}: runs workers until stopped, or for {@code --run-for}.
   *
   * <p>Nothing the command reads from the store while it runs can end it: a database outage takes
   * the node out of rotation ({@code /health/ready} answers 503) until the database is back, and a
   * failed read of the statistics it prints is logged once per outage. It prints statistics only
   * when asked ({@code --print-stats}) or with {@code --demo}: a node's stdout is a container's
   * log.
   */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Run workers, with the HTTP API, dashboard, metrics and health probes.",
        "It keeps running while the database is unreachable: /health/ready answers 503 until the"
            + " database is back, and work resumes by itself."
      })
  static final class Serve implements Callable<Integer> {
    /** The statistics interval of {@code --demo} when {@code --print-stats} is not given. */
    static final String DEMO_STATS_INTERVAL = "PT5S";

    @Spec CommandSpec spec;

    /** A read of the statistics to print failed: one warning per outage, and one when it ends. */
    private final OutageLog statsLog = new OutageLog(LOG, "Reading the statistics to print");

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
        names = "--print-stats",
        paramLabel = "<interval>",
        description =
            "Print each queue's jobs by state to stdout this often, and once more on stop"
                + " (ISO-8601, e.g. PT1M). Off by default, every "
                + DEMO_STATS_INTERVAL
                + " with --demo; PT0S turns it off.")
    Duration printStats;

    @Option(
        names = "--shutdown-grace",
        defaultValue = "PT30S",
        description = "How long running jobs may finish on shutdown (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(
        names = "--http-host",
        defaultValue = HttpOptions.DEFAULT_HOST,
        description =
            "Address of the HTTP API and dashboard (default ${DEFAULT-VALUE}, this machine only).")
    String httpHost;

    @Option(
        names = "--http-port",
        defaultValue = "7070",
        description =
            "Port of the HTTP API and dashboard; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
        names = "--no-http",
        description = "Run workers only: no API, dashboard, metrics or health endpoints.")
    boolean noHttp;

    @Option(
        names = "--api-token",
        description =
            "Bearer token for the API and the dashboard, 16+ characters (env DOCKET_API_TOKEN);"
                + " one is made and logged when none is given.")
    String apiToken;

    @Option(
        names = "--dashboard-open-on-localhost",
        description = "Open the dashboard without the token to browsers on this machine.")
    boolean openOnLocalhost;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      Optional<Duration> statsInterval = statsInterval();
      var options = RuntimeOptions.builder().shutdownGrace(grace);
      if (queues.isEmpty() && demo) {
        Demo.QUEUES.forEach(options::queue);
      }
      queues.forEach(options::queue);
      List<Module> modules = new ArrayList<>();
      modules.add(
          database.isGiven()
              ? new PostgresStoreModule(database.options().build())
              : new MemoryStoreModule());
      modules.add(new DocketModule(options.build()));
      if (!noHttp) {
        var http =
            HttpOptions.builder().host(httpHost).port(httpPort).openOnLocalhost(openOnLocalhost);
        if (apiToken != null && !apiToken.isEmpty()) {
          http.token(apiToken);
        }
        modules.add(new HttpModule(http.build()));
      }
      if (demo) {
        modules.add(
            new AbstractModule() {
              @Override
              protected void configure() {
                Demo.handlers()
                    .forEach(h -> DocketModule.handlers(binder()).addBinding().toInstance(h));
                DocketModule.schedules(binder()).addBinding().toInstance(Demo.schedule());
              }
            });
      }
      var injector = Guice.createInjector(modules);
      DocketRuntime docket = injector.getInstance(DocketRuntime.class);
      DocketServer server = noHttp ? null : injector.getInstance(DocketServer.class);
      var stopped = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                if (server != null) {
                  server.close();
                }
                docket.close();
                stopped.countDown();
              },
              "docket-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      docket.start();
      if (server != null) {
        try {
          server.start();
        } catch (RuntimeException e) {
          Runtime.getRuntime().removeShutdownHook(hook);
          docket.close();
          throw e;
        }
      }
      out.printf(
          "Docket serves %s on the %s store. Stop with Ctrl-C (SIGTERM): running jobs finish, or go back to pending.%n",
          options.build().queues(), database.isGiven() ? "PostgreSQL" : "in-memory");
      if (server != null) {
        out.printf(
            "Dashboard and API at %s (health %s/health/ready, metrics %s/metrics).%n",
            server.url(), server.url(), server.url());
      }
      printSchedules(out, docket);
      out.flush();
      Demo load = demo ? Demo.start(docket.client()) : null;
      awaitStop(stopped, out, docket, statsInterval);
      if (load != null) {
        load.close();
      }
      if (stopped.getCount() > 0) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // The JVM is shutting down meanwhile: the hook closes the same things, and closing
          // twice does nothing.
        }
        // The last statistics are read while the store is open: closing the runtime closes it.
        if (statsInterval.isPresent()) {
          printStats(out, docket);
        }
        if (server != null) {
          server.close();
        }
        docket.close();
      }
      return 0;
    }

    /** The interval of {@code --print-stats}, if statistics are printed at all. */
    private Optional<Duration> statsInterval() {
      if (printStats == null) {
        return demo ? Optional.of(Duration.parse(DEMO_STATS_INTERVAL)) : Optional.empty();
      }
      if (printStats.isNegative()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "Statistics interval %s is negative: use PT0S to turn them off, or one such as PT1M."
                .formatted(printStats));
      }
      return printStats.isZero() ? Optional.empty() : Optional.of(printStats);
    }

    /**
     * Waits until the shutdown hook ran or {@code --run-for} passed, printing statistics every
     * {@code statsInterval} meanwhile. Times are nanoseconds since the start, so neither an endless
     * run nor an absent interval can overflow.
     */
    private void awaitStop(
        CountDownLatch stopped,
        PrintWriter out,
        DocketRuntime docket,
        Optional<Duration> statsInterval)
        throws InterruptedException {
      long start = System.nanoTime();
      long end = runFor == null ? Long.MAX_VALUE : nanos(runFor);
      long every = statsInterval.map(Serve::nanos).orElse(Long.MAX_VALUE);
      long nextStats = every;
      while (true) {
        long elapsed = System.nanoTime() - start;
        if (elapsed >= end
            || stopped.await(Math.min(end, nextStats) - elapsed, TimeUnit.NANOSECONDS)) {
          return;
        }
        if (System.nanoTime() - start >= nextStats) {
          printStats(out, docket);
          // From the end of this print: one delayed by a slow store is not followed by a burst.
          long printed = System.nanoTime() - start;
          nextStats = every > Long.MAX_VALUE - printed ? Long.MAX_VALUE : printed + every;
        }
      }
    }

    private static long nanos(Duration duration) {
      try {
        return Math.max(0, duration.toNanos());
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE; // centuries
      }
    }

    /** The schedules and their next slots; a store that does not answer ends nothing. */
    private static void printSchedules(PrintWriter out, DocketRuntime docket) {
      List<DocketRuntime.ScheduleView> views;
      try {
        views = docket.schedules();
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "The schedules could not be read ({0}); they fire once the store answers.",
            e.getMessage());
        return;
      }
      for (DocketRuntime.ScheduleView view : views) {
        out.printf(
            "Schedule %s: %s, next slot %s%n",
            view.schedule().name(),
            view.enabled() ? "enabled" : "disabled",
            view.nextSlot().map(Object::toString).orElse("none"));
      }
    }

    /**
     * One line per queue, from the statistics the dashboard and metrics share. A store that does
     * not answer is logged once per outage and skipped: it must never end the command.
     */
    private void printStats(PrintWriter out, DocketRuntime docket) {
      List<QueueStats> stats;
      try {
        stats = docket.stats();
        statsLog.succeeded();
      } catch (RuntimeException e) {
        statsLog.failed(e);
        return;
      }
      for (QueueStats queue : stats) {
        var line = new StringBuilder("%-10s".formatted(queue.queue()));
        for (JobState state : JobState.values()) {
          line.append(' ').append(lower(state)).append('=').append(queue.count(state));
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
    @Spec CommandSpec spec;

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
      if (!database.isGiven()) {
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

  /** {@code docket enqueue}: submits one job with a JSON payload. */
  @Command(
      name = "enqueue",
      mixinStandardHelpOptions = true,
      description = "Enqueue one job and print its id and state.")
  static final class Enqueue implements Callable<Integer> {
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

    @Option(names = "--priority", description = "0 to 100, higher runs first (default 50).")
    Integer priority;

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

  /** {@code docket stats}: jobs per queue and state. */
  @Command(
      name = "stats",
      mixinStandardHelpOptions = true,
      description =
          "Print the jobs of each queue by state, the runnable ones and how long the oldest has"
              + " waited.")
  static final class Stats implements Callable<Integer> {
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
              stats.forEach(queue -> out.println(CODEC.encode(jsonOf(queue, now))));
            } else if (stats.isEmpty()) {
              out.printf("No jobs in schema %s.%n", Names.quote(database.schema));
            } else {
              var table = new Table("QUEUE");
              for (JobState state : JobState.values()) {
                table.right(state.name());
              }
              table.right("RUNNABLE").left("OLDEST-RUNNABLE");
              for (QueueStats queue : stats) {
                List<String> row = new ArrayList<>();
                row.add(queue.queue());
                for (JobState state : JobState.values()) {
                  row.add(Long.toString(queue.count(state)));
                }
                row.add(Long.toString(queue.runnable()));
                row.add(queue.oldestRunnableAge(now).map(Stats::age).orElse("-"));
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
      for (JobState state : JobState.values()) {
        object.put(lower(state), queue.count(state));
      }
      object.put("runnable", queue.runnable());
      object.put("oldestRunnableAt", queue.oldestRunnableAt().map(Instant::toString).orElse(null));
      object.put(
          "oldestRunnableAgeSeconds",
          queue.oldestRunnableAge(now).map(age -> age.toMillis() / 1000.0).orElse(null));
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

  /** {@code docket jobs}: the commands on single jobs. */
  @Command(
      name = "jobs",
      mixinStandardHelpOptions = true,
      description = "List, show, retry and cancel jobs.",
      subcommands = {ListJobs.class, ShowJob.class, RetryJob.class, CancelJob.class})
  static final class Jobs implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
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
      fields.put("payload", job.payload());
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
      database.run(spec, (store, client) -> printState(spec, client.retry(id)));
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
      database.run(spec, (store, client) -> printState(spec, client.cancel(id)));
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

  /** A text table: columns two spaces apart, numbers aligned right. */
  private static final class Table {
    private final List<String> header = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    Table(String first) {
      left(first);
    }

    Table left(String column) {
      header.add(column);
      rightAligned.add(false);
      return this;
    }

    Table right(String column) {
      header.add(column);
      rightAligned.add(true);
      return this;
    }

    void row(List<String> row) {
      rows.add(row);
    }

    void print(PrintWriter out) {
      int[] widths = new int[header.size()];
      for (List<String> row : concat()) {
        for (int i = 0; i < row.size(); i++) {
          widths[i] = Math.max(widths[i], row.get(i).length());
        }
      }
      for (List<String> row : concat()) {
        var line = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
          if (i > 0) {
            line.append("  ");
          }
          String format = "%" + (rightAligned.get(i) ? "" : "-") + widths[i] + "s";
          line.append(format.formatted(row.get(i)));
        }
        out.println(line.toString().stripTrailing());
      }
    }

    private List<List<String>> concat() {
      List<List<String>> all = new ArrayList<>();
      all.add(header);
      all.addAll(rows);
      return all;
    }
  }
}
