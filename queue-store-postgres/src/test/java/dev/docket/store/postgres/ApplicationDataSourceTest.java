package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.LeaseExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An application's own data source whose connections are not in autocommit (as many frameworks set
 * their pools): the store's single statements must still commit, or the pool rolls them back.
 */
class ApplicationDataSourceTest {
  private static final TestDatabase DB = TestDatabase.get();
  private final MutableClock clock = MutableClock.standard();
  private String schema;
  private HikariDataSource pool;
  private PostgresStore store;
  private PostgresStore reader;

  @BeforeEach
  void start() {
    schema = DB.freshSchema("appds");
    reader = PostgresStore.start(DB.options(schema).listen(false).poolSize(2).build());
    var config = new HikariConfig();
    config.setJdbcUrl(DB.url);
    config.setUsername(DB.user);
    if (!DB.password.isEmpty()) {
      config.setPassword(DB.password);
    }
    config.setAutoCommit(false);
    config.setMaximumPoolSize(3);
    pool = new HikariDataSource(config);
    store =
        PostgresStore.start(
            PostgresOptions.builder()
                .dataSource(pool)
                .schema(schema)
                .migrateOnStart(false)
                .listen(false)
                .build());
  }

  @AfterEach
  void stop() {
    store.close();
    pool.close();
    reader.close();
    DB.dropSchema(schema);
  }

  @Test
  void insertsClaimsReportsAndLeaseExtensions_commit_onAConnectionNotInAutocommit() {
    var jobs = new ArrayList<Job>();
    for (int i = 0; i < 3; i++) {
      jobs.add(
          Job.submit(
              dev.docket.domain.JobId.of(java.util.UUID.randomUUID()),
              new dev.docket.domain.JobSpec(
                  "mail",
                  "email.send",
                  "{}",
                  dev.docket.domain.Priority.NORMAL,
                  3,
                  dev.docket.domain.RetryPolicy.exponential(),
                  clock.instant(),
                  java.util.Optional.empty(),
                  List.of()),
              clock.instant()));
    }

    store.storage().insert(jobs);
    assertThat(reader.storage().find(jobs.get(0).id())).as("the insert committed").isPresent();

    List<Job> claimed =
        store
            .storage()
            .claim(new ClaimRequest("mail", 3, "w", Duration.ofMinutes(1), clock.instant()));
    assertThat(claimed).hasSize(3);
    assertThat(reader.storage().find(claimed.get(0).id()).orElseThrow().state())
        .as("the claim committed")
        .isEqualTo(JobState.RUNNING);

    Job first = claimed.get(0);
    long fence = first.lease().orElseThrow().fence();
    assertThat(
            store
                .storage()
                .extendLeases(
                    List.of(
                        new LeaseExtension(
                            first.id(),
                            fence,
                            clock.instant().plus(Duration.ofMinutes(5)),
                            clock.instant()))))
        .singleElement()
        .satisfies(status -> assertThat(status.held()).isTrue());

    var outcomes = new ArrayList<Outcome>();
    for (Job job : claimed) {
      outcomes.add(
          new Outcome.Completed(job.id(), job.lease().orElseThrow().fence(), clock.instant()));
    }
    assertThat(store.storage().report(outcomes)).as("refused outcomes").isEmpty();

    for (Job job : claimed) {
      assertThat(reader.storage().find(job.id()).orElseThrow().state())
          .as("the report committed")
          .isEqualTo(JobState.COMPLETED);
    }
  }
}
