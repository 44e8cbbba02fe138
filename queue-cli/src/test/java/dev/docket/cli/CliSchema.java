package dev.docket.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.Outcome;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.port.ClaimRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * A schema of its own that the CLI's {@code migrate} created, the commands run on it through the
 * environment as an operator sets it, and a store on it for the test to arrange and check. Close it
 * to drop the schema. Not thread-safe: one test at a time.
 */
final class CliSchema implements AutoCloseable {
  static final TestDatabase DB = TestDatabase.get();
  static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  final String schema;
  final PostgresStore store;
  private final Map<String, String> env = new HashMap<>();

  /** What the last command printed. */
  StringWriter out = new StringWriter();

  StringWriter err = new StringWriter();

  CliSchema(String hint) {
    schema = DB.freshSchema(hint);
    env.put("DOCKET_DATABASE_URL", DB.url);
    env.put("DOCKET_DATABASE_USER", DB.user);
    env.put("DOCKET_DATABASE_PASSWORD", DB.password);
    env.put("DOCKET_SCHEMA", schema);
    assertThat(run("migrate")).as("migrate: %s", err).isZero();
    store = PostgresStore.start(DB.options(schema).migrateOnStart(false).listen(false).build());
  }

  /**
   * Runs {@code docket args...} and returns its exit status; {@link #out} and {@link #err} hold
   * what it printed.
   */
  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine line = DocketCommand.commandLine(env::get);
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    return line.execute(args);
  }

  /** The lines the last command printed on stdout. */
  List<String> lines() {
    return out.toString().lines().toList();
  }

  /** {@code docket enqueue args...}, which must succeed: the new job's id. */
  JobId enqueue(String... args) {
    int status = run(Stream.concat(Stream.of("enqueue"), Stream.of(args)).toArray(String[]::new));
    assertThat(status).as("enqueue %s: %s", List.of(args), err).isZero();
    return JobId.parse(out.toString().split(" ")[0]);
  }

  Job stored(JobId id) {
    return store.storage().find(id).orElseThrow();
  }

  /** Claims the one due job of {@code queue}: it is running. */
  Job claim(String queue) {
    return store
        .storage()
        .claim(new ClaimRequest(queue, 1, "cli-test", Duration.ofMinutes(1), Instant.now()))
        .get(0);
  }

  /** Claims the one due job of {@code queue} and completes it, or fails it for good. */
  Job finish(String queue, boolean failed) {
    Job claimed = claim(queue);
    Instant now = Instant.now();
    long fence = claimed.lease().orElseThrow().fence();
    Outcome outcome =
        failed
            ? new Outcome.Failed(
                claimed.id(),
                fence,
                now,
                AttemptError.of(1, now, new IllegalStateException("The mail server said no.")))
            : new Outcome.Completed(claimed.id(), fence, now);
    store.storage().report(List.of(outcome));
    return stored(claimed.id());
  }

  @Override
  public void close() {
    store.close();
    DB.dropSchema(schema);
  }
}
