package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.testkit.ChangeFeedContract;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ChangeFeedContract} on a real PostgreSQL: changes arrive through NOTIFY. */
class PostgresChangeFeedContractTest extends ChangeFeedContract {
  private static final TestDatabase DB = TestDatabase.get();
  private static String schema;
  private static PostgresStore store;

  @BeforeAll
  static void startListening() throws InterruptedException {
    schema = DB.freshSchema("feed");
    store = PostgresStore.start(DB.options(schema).poolSize(4).build());
    // The listener connects on its own thread: a probe job heard back says it is listening.
    var heard = new CountDownLatch(1);
    try (JobChanges.Subscription probe =
        store
            .changes()
            .subscribe(
                new JobChanges.Sink() {
                  @Override
                  public void changed(List<JobChange> changes) {
                    heard.countDown();
                  }

                  @Override
                  public void missed() {}
                })) {
      for (int i = 0; i < 100 && heard.getCount() > 0; i++) {
        store.storage().insert(List.of(probe()));
        heard.await(100, TimeUnit.MILLISECONDS);
      }
    }
    assertThat(heard.getCount()).as("the listener heard the probe").isZero();
  }

  private static Job probe() {
    Instant now = Instant.now();
    return Job.submit(
        new JobId(UUID.randomUUID()),
        new JobSpec(
            "probe",
            "probe",
            "{}",
            Priority.NORMAL,
            1,
            RetryPolicy.none(),
            now,
            Optional.empty(),
            List.of()),
        now);
  }

  @AfterAll
  static void stop() {
    store.close();
    DB.dropSchema(schema);
  }

  @Override
  protected DocketStore createStore() {
    DB.execute("TRUNCATE \"" + schema + "\".jobs");
    return store;
  }
}
