package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.JobState;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.WakeUps;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class WakeUpsTest {
  record Ping(int n) {}

  static final JobType<Ping> PING = JobType.of("ping", Ping.class);

  @Test
  void listenerConnectionKilledByTheServer_reconnects_wakesEveryQueue_andStillWakesAfter()
      throws Exception {
    try (var pg = new PgFixture("wakeups", o -> o.listen(true))) {
      var wakes = new LinkedBlockingQueue<String>();
      var wakeAll = new CountDownLatch(1);
      pg.store.wakeUps().subscribe(recording(wakes, wakeAll));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(pg.store::isListening);

      pg.killListener(pg.store);

      assertThat(wakeAll.await(15, TimeUnit.SECONDS))
          .as("after a reconnect every queue is woken, since notifications may have been missed")
          .isTrue();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(pg.store::isListening);
      pg.client.submit(PING, new Ping(1));
      assertThat(wakes.poll(10, TimeUnit.SECONDS)).isEqualTo("default");
    }
  }

  @Test
  void aJobInsertedForAClaim_notifiesOnlyWhenItStaysPending() throws Exception {
    try (var pg = new PgFixture("wakeups", o -> o.listen(true))) {
      var wakes = new LinkedBlockingQueue<String>();
      pg.store.wakeUps().subscribe(recording(wakes, new CountDownLatch(1)));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(pg.store::isListening);
      var storage = pg.store.storage();
      java.util.function.Function<String, ClaimRequest> claimOf =
          queue -> new ClaimRequest(queue, 1, "w", Duration.ofSeconds(30), pg.clock.instant());

      storage.insert(pg.client.prepare(List.of(ping("busy"))));
      assertThat(wakes.poll(10, TimeUnit.SECONDS))
          .as("the plain insert's wake-up")
          .isEqualTo("busy");

      var claimed = storage.insertClaimed(prepared("idle", pg), claimOf.apply("idle"));
      var pending = storage.insertClaimed(prepared("busy", pg), claimOf.apply("busy"));

      assertThat(claimed.state()).isEqualTo(JobState.RUNNING);
      assertThat(pending.state()).as("a job behind a waiting one").isEqualTo(JobState.PENDING);
      assertThat(wakes.poll(10, TimeUnit.SECONDS))
          .as("the wake-up of the job left pending")
          .isEqualTo("busy");
      // A notification for the claimed jobs would have come before that one, on the same channel.
      assertThat(wakes).as("wake-ups for jobs stored claimed").isEmpty();
    }
  }

  @Test
  void close_endsTheListeningThreadWithoutReportingAnOutage() throws Exception {
    var logger = java.util.logging.Logger.getLogger(NotificationListener.class.getName());
    var warnings = new LinkedBlockingQueue<String>();
    var handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
              warnings.add(record.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try (var pg = new PgFixture("wakeups", o -> o.listen(true))) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(pg.store::isListening);
      String name = "docket-listener-" + pg.store.listenStatements().get(0).split("\"")[1];

      pg.store.close();

      assertThat(Thread.getAllStackTraces().keySet())
          .as("the listening thread, once close has returned")
          .noneMatch(t -> t.getName().equals(name) && t.isAlive());
      assertThat(pg.store.isListening()).isFalse();
      assertThat(warnings).as("a close is not an outage").isEmpty();
    } finally {
      logger.removeHandler(handler);
    }
  }

  /** A listener that adds each queue woken to {@code wakes} and counts down on a wake of all. */
  private static WakeUps.Listener recording(
      LinkedBlockingQueue<String> wakes, CountDownLatch wakeAll) {
    return new WakeUps.Listener() {
      @Override
      public void wake(String queue) {
        wakes.add(queue);
      }

      @Override
      public void wakeAll() {
        wakeAll.countDown();
      }
    };
  }

  private static dev.docket.domain.Job prepared(String queue, PgFixture pg) {
    return pg.client.prepare(List.of(ping(queue))).get(0);
  }

  private static dev.docket.usecase.JobRequest ping(String queue) {
    return dev.docket.usecase.JobRequest.of(PING, new Ping(1)).queue(queue).build();
  }

  @Test
  void withoutNotifications_aPollingWorkerStillPicksTheJobUp() throws Exception {
    try (var pg = new PgFixture("polling", o -> o.listen(false))) {
      var done = new CountDownLatch(1);
      pg.handlers.register(PING, (ping, context) -> done.countDown());
      JobProcessor worker = pg.processor(pg.store, "poller");
      var stop = new AtomicBoolean();
      var loop = Executors.newSingleThreadScheduledExecutor();
      loop.scheduleWithFixedDelay(
          () -> {
            if (!stop.get()) {
              worker.processBatch("default", 10);
            }
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
      try {
        var job = pg.client.submit(PING, new Ping(2));

        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> pg.client.get(job.id()).state() == JobState.COMPLETED);
      } finally {
        stop.set(true);
        loop.shutdownNow();
        loop.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
