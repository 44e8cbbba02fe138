package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.usecase.port.WakeUps;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TransactionalEnqueueTest {
  private static PgFixture pg;
  private static final LinkedBlockingQueue<String> woken = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() {
    pg = new PgFixture("txenqueue", o -> o.listen(true));
    pg.store
        .wakeUps()
        .subscribe(
            new WakeUps.Listener() {
              @Override
              public void wake(String queue) {
                woken.add(queue);
              }

              @Override
              public void wakeAll() {}
            });
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(pg.store::isListening);
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void enqueueInARolledBackHandleTransaction_leavesNoJob_andWakesNobody() throws Exception {
    Jdbi app = Jdbi.create(PgFixture.DB.url, PgFixture.DB.user, PgFixture.DB.password);
    List<Job> jobs = pg.prepare(3, "tx-rollback");

    try (var handle = app.open()) {
      handle.begin();
      assertThat(pg.store.enqueue(handle, jobs)).containsExactlyElementsOf(jobs);
      handle.rollback();
    }

    assertThat(pg.count("queue = 'tx-rollback'")).isZero();
    assertThat(wakeUpsWithin(Duration.ofMillis(300))).doesNotContain("tx-rollback");
  }

  @Test
  void enqueueInACommittedHandleTransaction_storesTheJobs_andWakesTheQueueOnce() throws Exception {
    Jdbi app = Jdbi.create(PgFixture.DB.url, PgFixture.DB.user, PgFixture.DB.password);
    List<Job> jobs = pg.prepare(5, "tx-commit");
    woken.clear();

    app.useTransaction(
        handle -> {
          handle.execute("SELECT 1"); // the application's own work in the same transaction
          pg.store.enqueue(handle, jobs);
          assertThat(woken).isEmpty();
        });

    assertThat(pg.count("queue = 'tx-commit'")).isEqualTo(5);
    assertThat(woken.poll(5, TimeUnit.SECONDS)).isEqualTo("tx-commit");
    assertThat(wakeUpsWithin(Duration.ofMillis(300)))
        .as("one NOTIFY per transaction and queue")
        .doesNotContain("tx-commit");
  }

  @Test
  void enqueueOnAPlainJdbcConnection_followsItsTransaction_andLeavesItOpen() throws Exception {
    List<Job> rolledBack = pg.prepare(2, "jdbc");
    List<Job> committed = pg.prepare(2, "jdbc");

    try (Connection connection = PgFixture.DB.connect()) {
      connection.setAutoCommit(false);
      pg.store.enqueue(connection, rolledBack);
      connection.rollback();
      pg.store.enqueue(connection, committed);
      connection.commit();
      assertThat(connection.isClosed()).isFalse();
    }

    assertThat(pg.count("queue = 'jdbc'")).isEqualTo(2);
    for (Job job : committed) {
      assertThat(pg.store.storage().find(job.id())).contains(job);
    }
    for (Job job : rolledBack) {
      assertThat(pg.store.storage().find(job.id())).isEmpty();
    }
  }

  @Test
  void committedEnqueue_wakesAWaitingWorker_withinMilliseconds() throws Exception {
    var latch = new CountDownLatch(1);
    var wokenAt = new long[1];
    try (var subscription =
        pg.store
            .wakeUps()
            .subscribe(
                new WakeUps.Listener() {
                  @Override
                  public void wake(String queue) {
                    if (queue.equals("latency")) {
                      wokenAt[0] = System.nanoTime();
                      latch.countDown();
                    }
                  }

                  @Override
                  public void wakeAll() {}
                })) {
      List<Job> jobs = pg.prepare(1, "latency");
      long committedAt;
      try (Connection connection = PgFixture.DB.connect()) {
        connection.setAutoCommit(false);
        pg.store.enqueue(connection, jobs);
        connection.commit();
        committedAt = System.nanoTime();
      }

      assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
      double millis = (wokenAt[0] - committedAt) / 1e6;
      System.out.printf("Wake-up %.2f ms after commit%n", millis);
    }
  }

  /** The wake-ups that arrive within {@code window}: checks that one does not come. */
  private static List<String> wakeUpsWithin(Duration window) throws InterruptedException {
    var seen = new java.util.ArrayList<String>();
    long deadline = System.nanoTime() + window.toNanos();
    for (long left = window.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      String queue = woken.poll(left, TimeUnit.NANOSECONDS);
      if (queue != null) {
        seen.add(queue);
      }
    }
    return seen;
  }
}
