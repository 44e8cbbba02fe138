package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Where option values come from: flag, then environment, then the {@code --config} file, then the
 * built-in default. The environment is the command's seam, a map here, since a test cannot set the
 * variables of its own process.
 */
class DocketCommandConfigTest {
  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private Path file(String... lines) throws IOException {
    return Files.write(
        dir.resolve("docket.properties"),
        String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
  }

  /** The database options {@code docket stats} would use, without running it. */
  private Database stats(String... args) {
    Stats stats = parse(prepend("stats", args)).getCommand();
    return stats.database;
  }

  private CommandLine parse(String... args) {
    CommandLine.ParseResult parsed = DocketCommand.commandLine(env::get).parseArgs(args);
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return parsed.commandSpec().commandLine();
  }

  private int run(String... args) {
    CommandLine line = DocketCommand.commandLine(env::get);
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  private static String[] prepend(String first, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void withNothingGiven_theBuiltInDefaultsHold() {
    var database = stats();

    assertThat(database.url).isNull();
    assertThat(database.schema).isEqualTo("docket");
  }

  @Test
  void theConnectionTimeout_reachesTheStoreOptions_fromTheFlagOrTheFile() throws IOException {
    Path config =
        file("database-url=jdbc:postgresql://file/db", "database-connection-timeout=PT3S");

    var fromFile = stats("--config", config.toString()).options().build();
    var fromFlag =
        stats("--config", config.toString(), "--database-connection-timeout", "PT0.5S")
            .options()
            .build();
    var byDefault = stats("--database-url", "jdbc:postgresql://x/db").options().build();

    assertThat(fromFile.connectionTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(fromFlag.connectionTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(byDefault.connectionTimeout())
        .isEqualTo(dev.docket.store.postgres.PostgresOptions.DEFAULT_CONNECTION_TIMEOUT);
  }

  @Test
  void aConnectionTimeoutOutOfRange_isNamed_beforeConnecting() {
    int status =
        run(
            "stats",
            "--database-url",
            "jdbc:postgresql://127.0.0.1:1/none",
            "--database-connection-timeout",
            "PT0.1S");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Connection timeout PT0.1S is out of range: use PT0.25S to PT5M.");
  }

  @Test
  void theConfigFile_beatsTheBuiltInDefault() throws IOException {
    Path config = file("database-url=jdbc:postgresql://file/db", "schema=from_file");

    var database = stats("--config", config.toString());

    assertThat(database.url).isEqualTo("jdbc:postgresql://file/db");
    assertThat(database.schema).isEqualTo("from_file");
  }

  @Test
  void theEnvironment_beatsTheConfigFile() throws IOException {
    Path config = file("database-url=jdbc:postgresql://file/db", "schema=from_file");
    env.put("DOCKET_SCHEMA", "from_env");

    var database = stats("--config", config.toString());

    assertThat(database.schema).isEqualTo("from_env");
    assertThat(database.url).isEqualTo("jdbc:postgresql://file/db");
  }

  @Test
  void theFlag_beatsTheEnvironmentAndTheConfigFile() throws IOException {
    Path config = file("schema=from_file");
    env.put("DOCKET_SCHEMA", "from_env");

    var database = stats("--config", config.toString(), "--schema", "from_flag");

    assertThat(database.schema).isEqualTo("from_flag");
  }

  @Test
  void anEmptyEnvironmentVariable_countsAsUnset() throws IOException {
    Path config = file("schema=from_file");
    env.put("DOCKET_SCHEMA", "");

    assertThat(stats("--config", config.toString()).schema).isEqualTo("from_file");
  }

  @Test
  void configBeforeTheCommand_worksAsWellAsAfterIt() throws IOException {
    Path config = file("schema=from_file");

    var before = parse("--config", config.toString(), "stats");
    var after = parse("stats", "--config", config.toString());

    assertThat(((Stats) before.getCommand()).database.schema).isEqualTo("from_file");
    assertThat(((Stats) after.getCommand()).database.schema).isEqualTo("from_file");
  }

  @Test
  void aKeyQualifiedByItsCommand_beatsThePlainKey_forThatCommandOnly() throws IOException {
    Path config = file("limit=7", "jobs.list.limit=20", "queue=mail", "enqueue.queue=reports");

    var list = (Jobs.ListJobs) parse("jobs", "list", "--config", config.toString()).getCommand();
    var enqueue = (Enqueue) parse("enqueue", "k", "{}", "--config", config.toString()).getCommand();

    assertThat(list.limit).isEqualTo(20);
    assertThat(list.queue).isEqualTo("mail");
    assertThat(enqueue.queue).isEqualTo("reports");
  }

  @Test
  void aQualifiedKey_worksForTheSharedDatabaseOptionsToo() throws IOException {
    Path config = file("schema=everywhere", "stats.schema=stats_only");

    assertThat(stats("--config", config.toString()).schema).isEqualTo("stats_only");
    Migrate migrate = parse("migrate", "--config", config.toString()).getCommand();
    assertThat(migrate.database.schema).isEqualTo("everywhere");
  }

  @Test
  void dollarSignsInValues_reachTheOptionUnchanged() throws IOException {
    Path config = file("database-password=pa$${sys:user.name}$$word");
    env.put("DOCKET_DATABASE_USER", "${env:HOME}$");

    var database = stats("--config", config.toString());

    assertThat(database.password).isEqualTo("pa$${sys:user.name}$$word");
    assertThat(database.user).isEqualTo("${env:HOME}$");
  }

  @Test
  void theFileIsReadAsUtf8() throws IOException {
    Path config = dir.resolve("utf8.properties");
    Files.writeString(config, "database-password=pässwörd\n", StandardCharsets.UTF_8);

    assertThat(stats("--config", config.toString()).password).isEqualTo("pässwörd");
  }

  @Test
  void aMissingConfigFile_isReportedOnOneLine_withStatusTwo() {
    Path missing = dir.resolve("nowhere.properties");

    int status = run("--config", missing.toString(), "migrate", "--print");

    assertThat(status).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Config file '%s' cannot be read: it does not exist.".formatted(missing));
  }

  @Test
  void aDirectoryAsConfigFile_isReportedAsUnreadable() {
    int status = run("migrate", "--print", "--config", dir.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("docket: Config file '%s' cannot be read: ".formatted(dir))
        .hasLineCount(1);
  }

  @Test
  void aKeyThatNamesNoOption_isReported_soATypoIsNotSilentlyIgnored() throws IOException {
    Path config = file("databse-url=jdbc:postgresql://file/db");

    int status = run("migrate", "--print", "--config", config.toString());

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "Config file '%s' has the key 'databse-url', which names no option".formatted(config));
  }

  @Test
  void theConfigFile_reachesARunningCommand() throws IOException {
    Path config = file("schema=tenant_from_file");

    int status = run("migrate", "--print", "--config", config.toString());

    assertThat(status).isZero();
    assertThat(out.toString()).contains("CREATE TABLE \"tenant_from_file\".jobs");
  }

  @Test
  void aBadUrlFromTheFile_isNamedInTheError() throws IOException {
    Path config = file("database-url=mysql://file");

    int status = run("--config", config.toString(), "jobs", "list");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualToIgnoringNewLines(
            "docket: Database URL 'mysql://file' is not a PostgreSQL JDBC URL: it must start with"
                + " 'jdbc:postgresql:'.");
  }
}
