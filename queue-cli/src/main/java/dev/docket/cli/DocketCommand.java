package dev.docket.cli;

import dev.docket.domain.DocketException;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Names;
import dev.docket.domain.Priority;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.PayloadCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code docket} command: {@code docket serve} runs workers, on the in-memory store unless a
 * database URL is given; {@code docket migrate} applies or prints the PostgreSQL schema; {@code
 * docket enqueue}, {@code docket stats}, {@code docket jobs}, {@code docket queues} and {@code
 * docket schedules} submit, count and manage jobs, queues and schedules in PostgreSQL.
 *
 * <p>A mistyped command line gets one line on stderr and exit status 2 ({@link UsageErrors}); a
 * command that fails on a sound line (no such job, a job in the wrong state, the database down)
 * gets one line starting {@code docket:} and exit status 1. {@code --json} prints JSON Lines
 * ({@link Json}).
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
      Serve.class,
      Migrate.class,
      Enqueue.class,
      Stats.class,
      Jobs.class,
      Queues.class,
      SchedulesCommand.class,
      BenchCommand.class
    })
public final class DocketCommand implements Runnable {
  /** Payloads are checked, and the benchmark's lines written, with Docket's own codec. */
  static final PayloadCodec CODEC = JacksonPayloadCodec.create();

  static final InstantSource CLOCK = InstantSource.system();

  static final System.Logger LOG = System.getLogger(DocketCommand.class.getName());

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
    line.registerConverter(JobState.class, DocketCommand::state);
    line.registerConverter(Integer.class, DocketCommand::wholeNumber);
    line.registerConverter(Integer.TYPE, DocketCommand::wholeNumber);
    line.registerConverter(Priority.class, DocketCommand::priority);
    line.setParameterExceptionHandler(new UsageErrors());
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
  static Exception unwrapInjection(Exception e) {
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

  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  static Duration duration(String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "%s is not an ISO-8601 duration such as PT30S, PT5M or P1D."
              .formatted(Names.quote(text)));
    }
  }

  static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "%s is not an ISO-8601 instant such as 2030-01-31T09:00:00Z."
              .formatted(Names.quote(text)));
    }
  }

  static JobId jobId(String text) {
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  /** The state words a user may type: the states' own, and {@code dead} for the dead letter. */
  static JobState state(String text) {
    String word = text.strip().toLowerCase(Locale.ROOT);
    if (word.equals("dead")) {
      return JobState.FAILED;
    }
    for (JobState state : JobState.values()) {
      if (lower(state).equals(word)) {
        return state;
      }
    }
    throw new CommandLine.TypeConversionException(
        "%s is not a state; use one of %s (or dead, due, scheduled)"
            .formatted(
                Names.quote(text),
                String.join(
                    ", ",
                    java.util.Arrays.stream(JobState.values())
                        .map(DocketCommand::lower)
                        .toList())));
  }

  static Integer wholeNumber(String text) {
    try {
      return Integer.valueOf(text.strip());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "%s is not a whole number".formatted(Names.quote(text)));
    }
  }

  /** A priority as the API takes it: a whole number from 0 to 100, or a level's name. */
  static Priority priority(String text) {
    try {
      return Priority.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(
          "%s is not a priority; use a whole number from %d to %d, or low, normal, high or urgent"
              .formatted(Names.quote(text), Priority.MIN_VALUE, Priority.MAX_VALUE));
    }
  }

  static String lower(JobState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  /** What a command does with an open store. */
  @FunctionalInterface
  interface StoreWork {
    void run(PostgresStore store, JobClient client);
  }
}
