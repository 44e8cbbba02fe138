package dev.docket.cli;

import static dev.docket.cli.DocketCommand.*;

import dev.docket.domain.Names;
import dev.docket.store.postgres.PostgresOptions;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.usecase.AuditTrail;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.port.StorageException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where the database is, shared by the subcommands. */
final class Database {
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
   * schema must not become a new one), no LISTEN connection, no warm-up of the worker path, a small
   * pool.
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
    var options = options().migrateOnStart(false).listen(false).warmUp(false).poolSize(2).build();
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

  /**
   * Writes the audit entry of a change this command made, as {@code cli:<os user>}: one entry after
   * the change succeeded, with status 200. Every command that changes jobs, queues or schedules
   * calls it; a store that fails to write it is logged, and the change stands.
   *
   * @param action the command, such as {@code cli jobs retry}
   * @param target what it changed, such as {@code job <id>}
   */
  static void audit(PostgresStore store, String action, String target) {
    new AuditTrail(store.auditLog(), CLOCK)
        .record(AuditTrail.cliActor(System.getProperty("user.name")), action, target, 200);
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
