package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.store.memory.MemoryStore;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What must hold when things go wrong around the handlers: found by review, kept by tests. */
class RuntimeRobustnessTest {
  record Task(int n) {}

  static final JobType<Task> TASK = JobType.of("task", Task.class);

  private static DocketRuntime runtime(JobHandler<Task> handler, Duration grace) {
    return Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(
                RuntimeOptions.builder()
                    .queue("a", 2)
                    .queue("b", 2)
                    .virtualThreads(false)
                    .pollInterval(Duration.ofMillis(50))
                    .shutdownGrace(grace)
                    .build()),
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

  /** An exception whose own getMessage throws: recording the attempt must not fail with it. */
  static final class Unprintable extends RuntimeException {
    @Override
    public String getMessage() {
      throw new IllegalStateException("no message for you");
    }
  }

  @Test
  @Timeout(30)
  void handlerThrowingAnUnprintableException_stillEndsItsAttempt() {
    try (var docket =
        runtime(
            (task, context) -> {
              throw new Unprintable();
            },
            Duration.ofSeconds(1))) {
      docket.start();
      Job job =
          docket
              .client()
              .submit(
                  dev.docket.usecase.JobRequest.of(TASK, new Task(1))
                      .queue("a")
                      .maxAttempts(1)
                      .build());

      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> docket.client().get(job.id()).state() == JobState.FAILED);
      assertThat(docket.client().get(job.id()).errors().get(0).message())
          .contains("could not be read");
    }
  }

  @Test
  @Timeout(30)
  void closeFromAnInterruptedThread_stopsEveryPool_andKeepsTheInterrupt() {
    DocketRuntime docket = runtime((task, context) -> {}, Duration.ofSeconds(1));
    docket.start();

    Thread.currentThread().interrupt();
    docket.close();
    boolean stillInterrupted = Thread.interrupted();

    assertThat(stillInterrupted).isTrue();
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(Thread::isAlive)
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("docket-a-") || name.startsWith("docket-b-"));
  }

  @Test
  @Timeout(40)
  void handlerThatOutlivesTheShutdown_stillHasItsOutcomeStored() throws Exception {
    var started = new CountDownLatch(1);
    var finish = new CountDownLatch(1);
    DocketRuntime docket =
        runtime(
            (task, context) -> {
              started.countDown();
              // Ignores interrupts, as a handler stuck in blocking I/O does.
              boolean done = false;
              while (!done) {
                try {
                  done = finish.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                  // keeps going
                }
              }
            },
            Duration.ZERO);
    docket.start();
    Job job =
        docket
            .client()
            .submit(dev.docket.usecase.JobRequest.of(TASK, new Task(1)).queue("a").build());
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    docket.close(); // returns after the grace and the 5 s wait for interrupted handlers
    assertThat(docket.client().get(job.id()).state()).isEqualTo(JobState.RUNNING);
    finish.countDown();

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.client().get(job.id()).state() == JobState.COMPLETED);
  }

  /** Binds one shared store, so that two runtimes act as two nodes. */
  static final class SharedStore extends AbstractModule {
    private final DocketStore store;

    SharedStore(DocketStore store) {
      this.store = store;
    }

    @Override
    protected void configure() {
      bind(DocketStore.class).toInstance(store);
    }
  }

  @Test
  @Timeout(60)
  void stalledTimerThread_doesNotStopTheHeartbeat_soNoOtherNodeRescuesARunningJob()
      throws Exception {
    MemoryStore store = MemoryStore.start();
    var started = new CountDownLatch(1);
    var stalled = new java.util.concurrent.atomic.AtomicBoolean();
    var options =
        RuntimeOptions.builder()
            .queue("a", 1)
            .pollInterval(Duration.ofMillis(50))
            .leaseDuration(Duration.ofSeconds(3))
            .shutdownGrace(Duration.ofSeconds(1));
    DocketRuntime nodeA =
        Guice.createInjector(
                new SharedStore(store),
                new DocketModule(options.owner("node-a").build()),
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    DocketModule.handlers(binder())
                        .addBinding()
                        .toInstance(
                            HandlerBinding.of(
                                TASK,
                                (task, context) -> {
                                  started.countDown();
                                  Thread.sleep(7_000); // a long job: the sleep is the work
                                }));
                    DocketModule.schedules(binder())
                        .addBinding()
                        .toInstance(
                            Schedule.every(
                                "tick",
                                Duration.ofSeconds(1),
                                dev.docket.usecase.JobRequest.ofJson("tick", "{}")
                                    .queue("ticks")
                                    .build()));
                    DocketModule.listeners(binder())
                        .addBinding()
                        .toInstance(
                            event -> {
                              // A slow listener on node A's timer thread, once, while the job runs.
                              if (event.kind().equals("tick")
                                  && started.getCount() == 0
                                  && stalled.compareAndSet(false, true)) {
                                try {
                                  Thread.sleep(6_000);
                                } catch (InterruptedException e) {
                                  Thread.currentThread().interrupt();
                                }
                              }
                            });
                  }
                })
            .getInstance(DocketRuntime.class);
    DocketRuntime nodeB =
        Guice.createInjector(
                new SharedStore(store),
                new DocketModule(options.owner("node-b").queue("b", 1).build()))
            .getInstance(DocketRuntime.class);
    try {
      nodeA.start();
      Job job =
          nodeA
              .client()
              .submit(dev.docket.usecase.JobRequest.of(TASK, new Task(1)).queue("a").build());
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      nodeB.start();

      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> nodeA.client().get(job.id()).state() == JobState.COMPLETED);

      Job done = nodeA.client().get(job.id());
      assertThat(stalled).isTrue();
      assertThat(done.attempt()).isEqualTo(1);
      assertThat(done.errors()).isEmpty();
    } finally {
      nodeB.close();
      nodeA.close();
    }
  }

  @Test
  @Timeout(30)
  void aNodeRegistryThatFails_keepsTheNodeWorking_andItsStopQuiet() {
    MemoryStore store = MemoryStore.start();
    var beats = new java.util.concurrent.atomic.AtomicInteger();
    var failing =
        new dev.docket.usecase.port.NodeRegistry() {
          @Override
          public void beat(dev.docket.usecase.port.Node node) {
            beats.incrementAndGet();
            throw new dev.docket.usecase.port.StorageException("the nodes table is locked");
          }

          @Override
          public java.util.List<dev.docket.usecase.port.Node> seenSince(java.time.Instant since) {
            throw new dev.docket.usecase.port.StorageException("the nodes table is locked");
          }

          @Override
          public void remove(String name) {
            throw new dev.docket.usecase.port.StorageException("the nodes table is locked");
          }

          @Override
          public int expire(java.time.Instant cutoff) {
            throw new dev.docket.usecase.port.StorageException("the nodes table is locked");
          }
        };
    DocketStore broken =
        new DocketStore() {
          @Override
          public JobStorage storage() {
            return store.storage();
          }

          @Override
          public WakeUps wakeUps() {
            return store.wakeUps();
          }

          @Override
          public dev.docket.usecase.port.JobChanges changes() {
            return store.changes();
          }

          @Override
          public QueueControl queueControl() {
            return store.queueControl();
          }

          @Override
          public ScheduleStates scheduleStates() {
            return store.scheduleStates();
          }

          @Override
          public LeaderLease leaderLease() {
            return store.leaderLease();
          }

          @Override
          public dev.docket.usecase.port.NodeRegistry nodeRegistry() {
            return failing;
          }

          @Override
          public dev.docket.usecase.port.AuditLog auditLog() {
            return store.auditLog();
          }

          @Override
          public dev.docket.usecase.port.JobHistory jobHistory() {
            return store.jobHistory();
          }

          @Override
          public void checkHealth() {
            store.checkHealth();
          }
        };
    var options =
        RuntimeOptions.builder()
            .queue("a", 1)
            .pollInterval(Duration.ofMillis(50))
            .leaseDuration(Duration.ofSeconds(3));
    DocketRuntime docket =
        Guice.createInjector(
                new SharedStore(broken),
                new DocketModule(options.build()),
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    DocketModule.handlers(binder())
                        .addBinding()
                        .toInstance(HandlerBinding.of(TASK, (task, context) -> {}));
                  }
                })
            .getInstance(DocketRuntime.class);
    try {
      docket.start();
      Job job =
          docket
              .client()
              .submit(dev.docket.usecase.JobRequest.of(TASK, new Task(1)).queue("a").build());

      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  beats.get() >= 2 && docket.client().get(job.id()).state() == JobState.COMPLETED);
      assertThatThrownBy(docket::nodes).hasMessageContaining("nodes table is locked");
    } finally {
      docket.stop(Duration.ofSeconds(1));
    }
    assertThat(docket.isRunning()).isFalse();
  }

  @Test
  void startThatFailsHalfway_canStillBeClosed() {
    MemoryStore store = MemoryStore.start();
    DocketStore broken =
        new DocketStore() {
          @Override
          public JobStorage storage() {
            return store.storage();
          }

          @Override
          public WakeUps wakeUps() {
            return listener -> {
              throw new IllegalStateException("the wake-up channel is down");
            };
          }

          @Override
          public dev.docket.usecase.port.JobChanges changes() {
            return store.changes();
          }

          @Override
          public QueueControl queueControl() {
            return store.queueControl();
          }

          @Override
          public ScheduleStates scheduleStates() {
            return store.scheduleStates();
          }

          @Override
          public LeaderLease leaderLease() {
            return store.leaderLease();
          }

          @Override
          public dev.docket.usecase.port.NodeRegistry nodeRegistry() {
            return store.nodeRegistry();
          }

          @Override
          public dev.docket.usecase.port.AuditLog auditLog() {
            return store.auditLog();
          }

          @Override
          public dev.docket.usecase.port.JobHistory jobHistory() {
            return store.jobHistory();
          }

          @Override
          public void checkHealth() {
            store.checkHealth();
          }
        };
    DocketRuntime docket =
        Guice.createInjector(new DocketModule(RuntimeOptions.defaults()), new SharedStore(broken))
            .getInstance(DocketRuntime.class);

    assertThatThrownBy(docket::start).hasMessageContaining("wake-up channel is down");
    docket.close();
    docket.close();
  }
}
