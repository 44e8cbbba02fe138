package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.JobQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  private static final TestDatabase DB = TestDatabase.get();

  @Test
  void threeNodesStartingTogether_onAnEmptySchema_applyEachMigrationOnce() throws Exception {
    String schema = DB.freshSchema("race");
    var start = new CountDownLatch(1);
    var pool = Executors.newFixedThreadPool(3);
    try {
      var tasks = new ArrayList<Callable<PostgresStore>>();
      for (int i = 0; i < 3; i++) {
        tasks.add(
            () -> {
              start.await();
              return PostgresStore.start(DB.options(schema).listen(false).poolSize(2).build());
            });
      }
      var started = new ArrayList<Future<PostgresStore>>();
      tasks.forEach(task -> started.add(pool.submit(task)));
      start.countDown();
      for (var store : started) {
        store.get().close();
      }
      try (var c = DB.connect();
          var s = c.createStatement();
          var rs =
              s.executeQuery(
                  "SELECT count(*) FROM \""
                      + schema
                      + "\"."
                      + Migrations.HISTORY_TABLE
                      + " WHERE success AND version IS NOT NULL")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(Migrations.FILES.size());
      }
    } finally {
      pool.shutdownNow();
      DB.dropSchema(schema);
    }
  }

  /**
   * Nodes that race on creating the schema and Flyway's history table make PostgreSQL report (and
   * log) errors such as a duplicate key in {@code pg_namespace}, even though every node comes up.
   * Each node here has a data source of its own that records every SQL error its connections see.
   */
  @Test
  void threeNodesStartingTogether_onAnEmptySchema_runIntoNoSqlError() throws Exception {
    var failures = new ArrayList<RecordingDataSource.Failure>();
    int roundsWithErrors = 0;
    for (int round = 1; round <= RACE_ROUNDS; round++) {
      String schema = DB.freshSchema("racefree");
      var start = new CountDownLatch(1);
      var pool = Executors.newFixedThreadPool(3);
      var sources = new ArrayList<RecordingDataSource>();
      try {
        var started = new ArrayList<Future<PostgresStore>>();
        for (int i = 0; i < 3; i++) {
          var source = new RecordingDataSource(unpooled());
          sources.add(source);
          started.add(
              pool.submit(
                  () -> {
                    start.await();
                    return PostgresStore.start(
                        PostgresOptions.builder()
                            .dataSource(source)
                            .schema(schema)
                            .listen(false)
                            .build());
                  }));
        }
        start.countDown();
        for (var store : started) {
          store.get().close();
        }
        var errors = sources.stream().flatMap(s -> s.failures().stream()).toList();
        System.out.printf(
            "Three nodes starting together, round %d: %d SQL errors %s; at most %s connections"
                + " open per node%n",
            round,
            errors.size(),
            errors,
            sources.stream().map(RecordingDataSource::mostOpen).toList());
        failures.addAll(errors);
        roundsWithErrors += errors.isEmpty() ? 0 : 1;
        assertThat(historyRows(schema)).as("migrations applied").isEqualTo(Migrations.FILES.size());
        assertThat(sources)
            .as("connections a node holds at once while it migrates: no more than Flyway's own")
            .allSatisfy(s -> assertThat(s.mostOpen()).isLessThanOrEqualTo(2));
      } finally {
        pool.shutdownNow();
        DB.dropSchema(schema);
      }
    }
    assertThat(failures)
        .as(
            "SQL errors while three nodes migrate together (%d of %d rounds had some)",
            roundsWithErrors, RACE_ROUNDS)
        .isEmpty();
  }

  private static final int RACE_ROUNDS = 5;

  private static javax.sql.DataSource unpooled() {
    var source = new org.postgresql.ds.PGSimpleDataSource();
    source.setURL(DB.url);
    source.setUser(DB.user);
    if (!DB.password.isEmpty()) {
      source.setPassword(DB.password);
    }
    return source;
  }

  private static int historyRows(String schema) throws java.sql.SQLException {
    try (var c = DB.connect();
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT count(*) FROM \""
                    + schema
                    + "\"."
                    + Migrations.HISTORY_TABLE
                    + " WHERE success AND version IS NOT NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void printedSql_appliedByHand_givesASchemaTheStoreRunsOn_withoutMigrating() {
    String schema = DB.freshSchema("byhand");
    try {
      DB.execute(PostgresStore.migrationSql(schema));
      try (var store =
          PostgresStore.start(DB.options(schema).migrateOnStart(false).listen(false).build())) {
        var client =
            new dev.docket.usecase.JobClient(
                store.storage(),
                dev.docket.usecase.json.JacksonPayloadCodec.create(),
                java.time.InstantSource.system(),
                new java.util.SplittableRandom(1));
        var job = client.submit(JobRequest.ofJson("k", "{}").build());
        assertThat(store.storage().find(job.id())).contains(job);
      }
    } finally {
      DB.dropSchema(schema);
    }
  }

  /** A test's body, on a schema of its own and a connection to the database. */
  private interface OnSchema {
    void run(String schema, Connection connection) throws Exception;
  }

  /** Runs {@code body} on a new schema, dropped afterwards. */
  private static void onFreshSchema(String hint, OnSchema body) throws Exception {
    String schema = DB.freshSchema(hint);
    try (Connection c = DB.connect()) {
      body.run(schema, c);
    } finally {
      DB.dropSchema(schema);
    }
  }

  /** Starts a store on {@code schema} and closes it: what a node start does to the schema. */
  private static void startAStore(String schema) {
    PostgresStore.start(DB.options(schema).listen(false).build()).close();
  }

  @Test
  void aMigratedSchema_isUpToDate_andAStartOnItChangesNothing() throws Exception {
    onFreshSchema(
        "uptodate",
        (schema, c) -> {
          assertThat(Migrations.upToDate(c, schema)).as("no schema yet").isFalse();
          startAStore(schema);
          assertThat(Migrations.upToDate(c, schema)).isTrue();

          startAStore(schema);

          assertThat(historyRows(schema)).isEqualTo(Migrations.FILES.size());
        });
  }

  @Test
  void aSchemaMissingItsLastMigration_isNotUpToDate_andAStartAppliesIt() throws Exception {
    onFreshSchema(
        "behind",
        (schema, c) -> {
          startAStore(schema);
          // The last migration, so that no later one is applied (Flyway would refuse a gap).
          DB.execute(
              ("ALTER TABLE \"%1$s\".jobs DROP COLUMN attempts;"
                      + " DELETE FROM \"%1$s\".%2$s"
                      + " WHERE script = 'V10__attempts.sql'")
                  .formatted(schema, Migrations.HISTORY_TABLE));
          assertThat(Migrations.upToDate(c, schema)).isFalse();

          startAStore(schema);

          assertThat(Migrations.upToDate(c, schema)).isTrue();
          DB.execute("SELECT count(attempts) FROM \"%s\".jobs".formatted(schema));
        });
  }

  @Test
  void aSchemaWithAFailedMigration_isNotUpToDate() throws Exception {
    onFreshSchema(
        "failed",
        (schema, c) -> {
          startAStore(schema);
          DB.execute(
              "UPDATE \"%s\".%s SET success = false WHERE script = 'V3__nodes.sql'"
                  .formatted(schema, Migrations.HISTORY_TABLE));

          assertThat(Migrations.upToDate(c, schema)).isFalse();
        });
  }

  @Test
  void printedSql_namesTheSchema_andNoPlaceholderIsLeft() {
    String sql = PostgresStore.migrationSql("tenant_a");

    assertThat(sql).contains("CREATE SCHEMA IF NOT EXISTS \"tenant_a\"");
    assertThat(sql).contains("CREATE TABLE \"tenant_a\".jobs");
    assertThat(sql).doesNotContain("${");
    assertThatThrownBy(() -> PostgresStore.migrationSql("x\"; DROP SCHEMA public; --"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Schema");
  }

  @Test
  void twoSchemasInOneDatabase_keepTheirJobsApart() {
    try (var a = new PgFixture("tenant_a");
        var b = new PgFixture("tenant_b")) {
      a.client.submit(JobRequest.ofJson("k", "{}").build());

      assertThat(a.store.storage().list(JobQuery.all()).jobs()).hasSize(1);
      assertThat(b.store.storage().list(JobQuery.all()).jobs()).isEmpty();
    }
  }

  @Test
  void everyMigrationFile_isListedInOrder() throws IOException {
    Path dir = Path.of("src/main/resources", Migrations.LOCATION);
    List<String> files;
    try (Stream<Path> listing = Files.list(dir)) {
      // By version, as Flyway orders them: V10 comes after V9.
      files =
          listing
              .map(p -> p.getFileName().toString())
              .sorted(
                  java.util.Comparator.comparingInt(
                      name -> Integer.parseInt(name.substring(1, name.indexOf("__")))))
              .toList();
    }

    assertThat(Migrations.FILES).isEqualTo(files);
  }
}
