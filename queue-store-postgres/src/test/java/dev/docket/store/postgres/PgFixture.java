package dev.docket.store.postgres;

import dev.docket.domain.Job;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.json.JacksonPayloadCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/** A store in a schema of its own, with the use cases wired on it, for one test class. */
final class PgFixture implements AutoCloseable {
  static final TestDatabase DB = TestDatabase.get();

  final String schema;
  final MutableClock clock = MutableClock.standard();
  final SplittableRandom random = new SplittableRandom(7);
  final JacksonPayloadCodec codec = JacksonPayloadCodec.create();
  final HandlerRegistry handlers = new HandlerRegistry();
  private final List<PostgresStore> stores = new ArrayList<>();
  final PostgresStore store;
  final JobClient client;

  PgFixture(String hint, UnaryOperator<PostgresOptions.Builder> options) {
    this.schema = DB.freshSchema(hint);
    this.store = open(options);
    this.client = new JobClient(store.storage(), codec, clock, random);
  }

  PgFixture(String hint) {
    this(hint, o -> o.listen(false));
  }

  /** Another store on the same schema, with a pool of its own: a second node. */
  PostgresStore open(UnaryOperator<PostgresOptions.Builder> options) {
    var opened = PostgresStore.start(options.apply(DB.options(schema)).build());
    stores.add(opened);
    return opened;
  }

  /** Ends the server session of {@code on}'s listening connection, as an outage would. */
  void killListener(PostgresStore on) {
    DB.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE application_name = '"
            + NotificationListener.APPLICATION_NAME
            + "' AND query IN ('"
            + String.join("', '", on.listenStatements())
            + "')");
  }

  JobProcessor processor(PostgresStore on, String owner) {
    return new JobProcessor(
        on.storage(),
        handlers,
        codec,
        clock,
        random,
        new ProcessorOptions(owner, Duration.ofSeconds(30)));
  }

  List<Job> prepare(int count, String queue) {
    var requests = new ArrayList<JobRequest>(count);
    for (int i = 0; i < count; i++) {
      requests.add(JobRequest.ofJson("test.job", "{\"n\":" + i + "}").queue(queue).build());
    }
    return client.prepare(requests);
  }

  long count(String where) {
    try (var c = DB.connect();
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM \"" + schema + "\".jobs WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stores.forEach(PostgresStore::close);
    DB.dropSchema(schema);
  }
}
