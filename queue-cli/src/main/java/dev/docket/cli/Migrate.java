package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.store.postgres.PostgresStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code docket migrate}: applies the PostgreSQL schema, or prints it. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Apply Docket's PostgreSQL migrations, or print their SQL with --print.")
final class Migrate implements Callable<Integer> {
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
        PostgresStore.start(
            database.options().migrateOnStart(true).listen(false).warmUp(false).build())) {
      out.printf("Schema %s is up to date.%n", store.schema());
    }
    out.flush();
    return 0;
  }
}
