package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandlerThreadsTest {
  private static ThreadFactory threads(boolean virtual) {
    return virtual
        ? Thread.ofVirtual().name("test-", 0).factory()
        : Thread.ofPlatform().name("test-", 0).daemon().factory();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void burstsOfShortTasks_allRun_noneIsLeftInTheQueue(boolean virtual) throws Exception {
    var pool = new HandlerThreads(64, threads(virtual));
    var ran = new AtomicInteger();
    // Bursts separated by idle moments are where a lost wake-up would strand a task: the threads
    // park between bursts, and each burst must wake one.
    for (int round = 0; round < 300; round++) {
      int size = 1 + round % 97;
      var done = new CountDownLatch(size);
      for (int i = 0; i < size; i++) {
        pool.execute(
            () -> {
              ran.incrementAndGet();
              done.countDown();
            });
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).as("round %d finished", round).isTrue();
    }
    assertThat(ran).hasValue(sumOfSizes());
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static int sumOfSizes() {
    int sum = 0;
    for (int round = 0; round < 300; round++) {
      sum += 1 + round % 97;
    }
    return sum;
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void tasksFromManySubmitters_allRun(boolean virtual) throws Exception {
    var pool = new HandlerThreads(16, threads(virtual));
    int perSubmitter = 20_000;
    var done = new CountDownLatch(4 * perSubmitter);
    var submitters = new Thread[4];
    for (int s = 0; s < submitters.length; s++) {
      submitters[s] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < perSubmitter; i++) {
                      pool.execute(done::countDown);
                    }
                  });
    }
    for (Thread submitter : submitters) {
      submitter.join();
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void blockingTasks_runAllAtOnce_upToTheLimit(boolean virtual) throws Exception {
    int max = 50;
    var pool = new HandlerThreads(max, threads(virtual));
    // Each task waits for all the others: they finish only if all 50 run at the same time.
    var together = new CountDownLatch(max);
    var finished = new CountDownLatch(max);
    for (int i = 0; i < max; i++) {
      pool.execute(
          () -> {
            together.countDown();
            try {
              if (together.await(10, TimeUnit.SECONDS)) {
                finished.countDown();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    assertThat(finished.await(15, TimeUnit.SECONDS)).isTrue();
    pool.shutdown();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void neverRunsMoreTasksAtOnceThanItsLimit(boolean virtual) throws Exception {
    var pool = new HandlerThreads(4, threads(virtual));
    var gate = new CountDownLatch(1);
    var active = new AtomicInteger();
    var peak = new AtomicInteger();
    var done = new CountDownLatch(20);
    for (int i = 0; i < 20; i++) {
      pool.execute(
          () -> {
            peak.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
              gate.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            active.decrementAndGet();
            done.countDown();
          });
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> active.get() == 4);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(2))
        .until(() -> peak.get() == 4);
    gate.countDown();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(peak).hasValue(4);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void shutdown_runsTheQueuedTasks_refusesNewOnes_thenTerminates(boolean virtual) throws Exception {
    var pool = new HandlerThreads(1, threads(virtual));
    var gate = new CountDownLatch(1);
    var ran = new AtomicInteger();
    pool.execute(
        () -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ran.incrementAndGet();
        });
    for (int i = 0; i < 10; i++) {
      pool.execute(ran::incrementAndGet);
    }
    pool.shutdown();

    assertThatThrownBy(() -> pool.execute(ran::incrementAndGet))
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(pool.awaitTermination(100, TimeUnit.MILLISECONDS)).isFalse();
    gate.countDown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).hasValue(11);
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void shutdownNow_interruptsRunningTasks_andQueuedOnesStartInterrupted(boolean virtual)
      throws Exception {
    var pool = new HandlerThreads(1, threads(virtual));
    var started = new CountDownLatch(1);
    var firstInterrupted = new AtomicBoolean();
    var secondSawInterrupt = new AtomicBoolean();
    pool.execute(
        () -> {
          started.countDown();
          try {
            new CountDownLatch(1).await();
          } catch (InterruptedException e) {
            firstInterrupted.set(true);
          }
        });
    pool.execute(() -> secondSawInterrupt.set(Thread.currentThread().isInterrupted()));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    pool.shutdownNow();

    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(firstInterrupted).isTrue();
    assertThat(secondSawInterrupt).isTrue();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void anInterruptLeftByOneTask_doesNotReachTheNext(boolean virtual) throws Exception {
    var pool = new HandlerThreads(1, threads(virtual));
    var nextSawInterrupt = new AtomicReference<Boolean>();
    var done = new CountDownLatch(1);
    pool.execute(() -> Thread.currentThread().interrupt());
    pool.execute(
        () -> {
          nextSawInterrupt.set(Thread.currentThread().isInterrupted());
          done.countDown();
        });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(nextSawInterrupt.get()).isFalse();
    pool.shutdown();
  }

  @ParameterizedTest(name = "virtual={0}")
  @ValueSource(booleans = {true, false})
  void aTaskThatThrows_goesToTheUncaughtHandler_andTheThreadRunsOn(boolean virtual)
      throws Exception {
    var uncaught = new AtomicReference<Throwable>();
    ThreadFactory base = threads(virtual);
    ThreadFactory factory =
        task -> {
          Thread thread = base.newThread(task);
          thread.setUncaughtExceptionHandler((t, e) -> uncaught.set(e));
          return thread;
        };
    var pool = new HandlerThreads(1, factory);
    var done = new CountDownLatch(1);
    pool.execute(
        () -> {
          throw new IllegalStateException("handler bug");
        });
    pool.execute(done::countDown);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(uncaught.get()).isInstanceOf(IllegalStateException.class).hasMessage("handler bug");
    pool.shutdown();
  }

  @Test
  void whenNoThreadCanBeStarted_theTaskIsRefused_andNeverRunsLater() {
    var ran = new AtomicBoolean();
    var pool =
        new HandlerThreads(
            2,
            task -> {
              throw new IllegalStateException("no threads left");
            });
    assertThatThrownBy(() -> pool.execute(() -> ran.set(true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no threads left");
    assertThat(ran).isFalse();
  }

  @Test
  void aTaskQueuedJustBeforeShutdown_stillRuns_whenTheOnlyThreadWasAboutToLeave() throws Exception {
    var pool = new HandlerThreads(1, threads(false));
    var late = new AtomicBoolean();
    var armed = new AtomicBoolean();
    var once = new AtomicBoolean();
    // Right after the arming task, the thread finds the queue empty and still counts as
    // searching: a task submitted then wakes nobody, and the shutdown that follows finds no idle
    // thread to wake either.
    pool.afterEmptyPoll =
        () -> {
          if (armed.get() && once.compareAndSet(false, true)) {
            pool.execute(() -> late.set(true));
            pool.shutdown();
          }
        };
    pool.execute(() -> armed.set(true));

    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(once).isTrue();
    assertThat(late).as("the task queued before the shutdown ran").isTrue();
  }

  @Test
  void whenHandingOnFails_theThreadStillRunsTheTaskItTook_andTheRest() throws Exception {
    var made = new AtomicInteger();
    ThreadFactory base = threads(false);
    ThreadFactory onlyOne =
        task -> {
          if (made.getAndIncrement() > 0) {
            throw new IllegalStateException("no threads left");
          }
          return base.newThread(task);
        };
    var pool = new HandlerThreads(2, onlyOne);
    var done = new CountDownLatch(2);
    var armed = new AtomicBoolean();
    var once = new AtomicBoolean();
    // Two tasks arrive while the only thread still counts as searching: it takes the first with
    // the second waiting, tries to start a second thread for it, and the factory fails.
    pool.afterEmptyPoll =
        () -> {
          if (armed.get() && once.compareAndSet(false, true)) {
            pool.execute(done::countDown);
            pool.execute(done::countDown);
          }
        };
    pool.execute(() -> armed.set(true));

    assertThat(done.await(10, TimeUnit.SECONDS)).as("both tasks ran").isTrue();
    assertThat(made.get()).isGreaterThan(1); // a second thread was tried and refused
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }
}
