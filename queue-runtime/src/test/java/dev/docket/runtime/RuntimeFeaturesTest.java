package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Timeouts, cancellation, pausing and maintenance, through the runtime on the memory store. */
class RuntimeFeaturesTest {
  record Task(int n) {}

  static final JobType<Task> TASK = JobType.of("task", Task.class);

  private static DocketRuntime runtime(
      JobHandler<Task> handler, UnaryOperator<RuntimeOptions.Builder> options) {
    var builder =
        RuntimeOptions.builder()
            .queue("default", 2)
            .queue("other", 1)
            .pollInterval(Duration.ofMillis(50))
            .leaseDuration(Duration.ofSeconds(3))
            .shutdownGrace(Duration.ofSeconds(1));
    return Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(options.apply(builder).build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(HandlerBinding.of(TASK, handler));
              }
            })
        .getInstance(DocketRuntime.class);
  }

  private static void awaitState(DocketRuntime docket, Job job, JobState state) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> docket.client().get(job.id()).state() == state);
  }

  @Test
  @Timeout(30)
  void handlers_runOnPlatformThreads_whenVirtualThreadsAreOff() {
    var virtual = new java.util.concurrent.atomic.AtomicReference<Boolean>();
    try (var docket =
        runtime(
            (task, context) -> virtual.set(Thread.currentThread().isVirtual()),
            o -> o.virtualThreads(false))) {
      docket.start();
      Job job = docket.client().submit(TASK, new Task(1));

      awaitState(docket, job, JobState.COMPLETED);

      assertThat(virtual.get()).isFalse();
    }
  }

  @Test
  @Timeout(30)
  void handlers_runOnVirtualThreads_byDefault() {
    var virtual = new java.util.concurrent.atomic.AtomicReference<Boolean>();
    try (var docket =
        runtime((task, context) -> virtual.set(Thread.currentThread().isVirtual()), o -> o)) {
      docket.start();
      Job job = docket.client().submit(TASK, new Task(1));

      awaitState(docket, job, JobState.COMPLETED);

      assertThat(virtual.get()).isTrue();
    }
  }

  @Test
  @Timeout(30)
  void handlerPastItsTimeout_isInterrupted_andTheAttemptFailsWithATimeoutError() {
    var never = new CountDownLatch(1);
    try (var docket =
        runtime((task, context) -> never.await(), o -> o.timeout("task", Duration.ofMillis(200)))) {
      docket.start();
      Job job = docket.client().submit(JobRequest.of(TASK, new Task(1)).maxAttempts(1).build());

      awaitState(docket, job, JobState.FAILED);

      assertThat(docket.client().get(job.id()).errors())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.type()).isEqualTo("Timeout");
                assertThat(e.message()).contains("PT0.2S");
              });
    }
  }

  @Test
  @Timeout(30)
  void cancelOfARunningJob_reachesItsHandler_andTheJobEndsCancelled() throws Exception {
    var started = new CountDownLatch(1);
    try (var docket =
        runtime(
            (task, context) -> {
              started.countDown();
              while (true) {
                context.throwIfCancellationRequested();
                Thread.onSpinWait();
              }
            },
            o -> o)) {
      docket.start();
      Job job = docket.client().submit(TASK, new Task(1));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      docket.client().cancel(job.id());

      awaitState(docket, job, JobState.CANCELLED);
    }
  }

  @Test
  @Timeout(30)
  void pausedQueue_holdsItsJobs_whileOtherQueuesRun_untilResumed() {
    try (var docket = runtime((task, context) -> {}, o -> o)) {
      docket.start();
      docket.pause("default");
      Job held = docket.client().submit(TASK, new Task(1));
      Job other = docket.client().submit(JobRequest.of(TASK, new Task(2)).queue("other").build());

      awaitState(docket, other, JobState.COMPLETED);
      assertThat(docket.client().get(held.id()).state()).isEqualTo(JobState.PENDING);
      assertThat(docket.pausedQueues()).containsExactly("default");

      docket.resume("default");
      awaitState(docket, held, JobState.COMPLETED);
    }
  }

  @Test
  @Timeout(30)
  void maintenance_purgesPastRetention_andAgesJobsThatWaitTooLong() {
    try (var docket =
        runtime(
            (task, context) -> {},
            o ->
                o.retention(JobState.COMPLETED, Duration.ZERO)
                    .priorityAging(Duration.ofSeconds(1)))) {
      docket.start();
      docket.pause("other");
      Job done = docket.client().submit(TASK, new Task(1));
      Job waiting =
          docket
              .client()
              .submit(
                  JobRequest.of(TASK, new Task(2)).queue("other").priority(Priority.LOW).build());

      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> docket.client().find(done.id()).isEmpty());
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> docket.client().get(waiting.id()).priority().compareTo(Priority.LOW) > 0);
      assertThat(docket.client().get(waiting.id()).state()).isEqualTo(JobState.PENDING);
    }
  }

  @Test
  @Timeout(30)
  void maintenance_purgesAuditEntriesPastTheirRetention_only() {
    try (var docket = runtime((task, context) -> {}, o -> o.auditRetention(Duration.ofDays(1)))) {
      var log = docket.store().auditLog();
      var now = java.time.Instant.now();
      log.record(
          dev.docket.usecase.port.AuditEntry.of(
              now.minus(Duration.ofDays(2)), "admin token", "POST /api/x", "old", 200));
      log.record(
          dev.docket.usecase.port.AuditEntry.of(
              now.minus(Duration.ofHours(23)), "admin token", "POST /api/x", "recent", 200));

      docket.start();

      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> log.list(10, Long.MAX_VALUE).size() == 1);
      assertThat(log.list(10, Long.MAX_VALUE))
          .extracting(dev.docket.usecase.port.AuditEntry::target)
          .containsExactly("recent");
    }
  }

  @Test
  void auditRetention_defaultsTo90Days_andRefusesLessThanADay() {
    assertThat(RuntimeOptions.defaults().auditRetention()).isEqualTo(Duration.ofDays(90));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RuntimeOptions.builder().auditRetention(Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Audit retention");
  }
}
