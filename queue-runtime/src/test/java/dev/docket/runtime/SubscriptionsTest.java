package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.store.memory.MemoryStore;
import dev.docket.testkit.ForwardingDocketStore;
import dev.docket.usecase.JobFilter;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobSubscriber;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What subscriptions and awaits do when the feed is not enough: a silent feed (lost notifications),
 * a feed that says it missed changes, a runtime that stops, statistics pushed at a bounded rate. On
 * the memory store, behind a feed the test controls.
 */
@Timeout(60)
class SubscriptionsTest {
  record Note(String text) {}

  static final JobType<Note> NOTE = JobType.of("note", Note.class);

  private final MemoryStore memory = MemoryStore.start();
  private final AtomicReference<JobChanges.Sink> sink = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicInteger feedSubscriptions =
      new java.util.concurrent.atomic.AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicInteger finds =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The memory store's jobs, counting the reads of single jobs, as awaits make them. */
  private final JobStorage counted =
      (JobStorage)
          java.lang.reflect.Proxy.newProxyInstance(
              JobStorage.class.getClassLoader(),
              new Class<?>[] {JobStorage.class},
              (proxy, method, args) -> {
                if (method.getName().equals("find")) {
                  finds.incrementAndGet();
                }
                try {
                  return method.invoke(memory.storage(), args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                  throw e.getCause();
                }
              });

  /** The memory store, with a feed that sends nothing unless the test says. */
  private final DocketStore silent =
      new ForwardingDocketStore(memory) {
        @Override
        public JobStorage storage() {
          return counted;
        }

        @Override
        public JobChanges changes() {
          return s -> {
            feedSubscriptions.incrementAndGet();
            sink.set(s);
            return () -> sink.set(null);
          };
        }
      };

  private DocketRuntime runtime;

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.stop(Duration.ofSeconds(5));
    }
  }

  private DocketRuntime start(DocketStore store) {
    runtime =
        DocketRuntime.builder(store)
            .options(
                RuntimeOptions.builder()
                    .queue("default", 2)
                    .pollInterval(Duration.ofMillis(50))
                    .build())
            .handler(
                NOTE,
                (note, context) -> {
                  if (note.text().startsWith("gated") && !gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the gate never opened");
                  }
                })
            .build();
    runtime.start();
    return runtime;
  }

  /** Submits a job that runs until the gate opens, and awaits it once the await has read it. */
  private CompletableFuture<Job> awaitAGatedJob() {
    Job job = runtime.client().submit(JobRequest.of(NOTE, new Note("gated")).build());
    int before = finds.get();
    CompletableFuture<Job> finished = runtime.client().awaitFinished(job.id());
    org.awaitility.Awaitility.await().until(() -> finds.get() > before);
    assertThat(finished).as("read while it runs").isNotDone();
    gate.countDown();
    org.awaitility.Awaitility.await()
        .until(() -> memory.storage().find(job.id()).orElseThrow().state() == JobState.COMPLETED);
    assertThat(finished).as("with a silent feed, just after the job finished").isNotDone();
    return finished;
  }

  @Test
  void awaitsAlone_askTheFeedForTheirJobsOnly_andASubscriberWidensItUntilItGoes() throws Exception {
    var calls = new java.util.concurrent.CopyOnWriteArrayList<String>();
    DocketStore recording =
        new ForwardingDocketStore(memory) {
          @Override
          public JobChanges changes() {
            return new JobChanges() {
              @Override
              public Subscription subscribe(Sink s) {
                return subscribe(s, true);
              }

              @Override
              public Subscription subscribe(Sink s, boolean everyChange) {
                calls.add("subscribe every=" + everyChange);
                return new Subscription() {
                  @Override
                  public void close() {
                    calls.add("close");
                  }

                  @Override
                  public void everyChange(boolean every) {
                    calls.add("every=" + every);
                  }

                  @Override
                  public void watch(dev.docket.domain.JobId id) {
                    calls.add("watch " + id);
                  }

                  @Override
                  public void unwatch(dev.docket.domain.JobId id) {
                    calls.add("unwatch " + id);
                  }
                };
              }
            };
          }
        };
    start(recording);
    Job job = aJobDueInAnHour();

    CompletableFuture<Job> finished = runtime.client().awaitFinished(job.id());
    // The await writes its watch on a thread of its own, not the caller's.
    org.awaitility.Awaitility.await().until(() -> calls.contains("watch " + job.id()));
    var subscription = runtime.client().subscribe(JobFilter.all(), change -> {});
    subscription.close();
    org.awaitility.Awaitility.await().until(() -> calls.contains("every=false"));
    runtime.client().cancel(job.id());
    finished.get(10, TimeUnit.SECONDS);
    org.awaitility.Awaitility.await().until(() -> calls.contains("unwatch " + job.id()));

    assertThat(calls)
        .containsSubsequence(
            "subscribe every=false",
            "watch " + job.id(),
            "every=true",
            "every=false",
            "unwatch " + job.id());
  }

  @Test
  void anAwait_finishes_evenIfTheFeedNeverSaysSo() throws Exception {
    start(silent);

    CompletableFuture<Job> finished = awaitAGatedJob();

    assertThat(finished.get(30, TimeUnit.SECONDS).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void anAwait_rereadsTheJob_whenTheFeedSaysItMissedChanges() throws Exception {
    start(silent);
    CompletableFuture<Job> finished = awaitAGatedJob();
    var missed = new CountDownLatch(1);
    runtime
        .client()
        .subscribe(
            JobFilter.all(),
            new JobSubscriber() {
              @Override
              public void onChange(JobChange change) {}

              @Override
              public void onMissed() {
                missed.countDown();
              }
            });

    sink.get().missed();

    assertThat(missed.await(10, TimeUnit.SECONDS)).as("the subscriber was told").isTrue();
    // Before the first timed recheck, 5 s after the await began: the missed changes triggered it.
    assertThat(finished.get(4, TimeUnit.SECONDS).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void stoppingTheRuntime_cancelsItsAwaits_andEndsItsSubscriptions() {
    start(silent);
    var blocker = new CountDownLatch(1);
    Job job =
        runtime
            .client()
            .submit(
                JobRequest.of(NOTE, new Note("never run"))
                    .runAt(Instant.now().plusSeconds(3600))
                    .build());
    CompletableFuture<Job> finished = runtime.client().awaitFinished(job.id());
    var subscription = runtime.client().subscribe(JobFilter.all(), change -> blocker.countDown());

    runtime.stop(Duration.ofSeconds(5));

    assertThatThrownBy(() -> finished.get(10, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
    assertThat(subscription.isOpen()).isFalse();
    assertThat(runtime.subscriptions().subscriberCount()).isZero();
    assertThatThrownBy(() -> runtime.client().subscribe(JobFilter.all(), change -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stopped");
  }

  /** A job that stays scheduled for an hour, so that nothing but the test ends its awaits. */
  private Job aJobDueInAnHour() {
    return runtime
        .client()
        .submit(
            JobRequest.of(NOTE, new Note("later")).runAt(Instant.now().plusSeconds(3600)).build());
  }

  @Test
  void cancellingAnAwaitedResult_letsGoOfTheAwaitUnderneath() {
    start(silent);
    Job later = aJobDueInAnHour();
    CompletableFuture<Object> result = runtime.client().awaitResult(later.id(), Object.class);
    assertThat(runtime.subscriptions().awaitCount()).isEqualTo(1);

    result.cancel(false);

    assertThat(runtime.subscriptions().awaitCount()).isZero();
  }

  @Test
  void aTimedAwaitThatGivesUp_letsGoOfTheAwaitUnderneath() {
    start(silent);
    Job later = aJobDueInAnHour();

    assertThatThrownBy(
            () -> runtime.client().awaitResult(later.id(), Object.class, Duration.ofMillis(20)))
        .isInstanceOf(TimeoutException.class);

    assertThat(runtime.subscriptions().awaitCount()).isZero();
  }

  @Test
  void anAwaitedResultThatTimesOut_letsGoOfTheAwaitUnderneath() {
    start(silent);
    Job later = aJobDueInAnHour();
    CompletableFuture<Object> result =
        runtime.client().awaitResult(later.id(), Object.class).orTimeout(20, TimeUnit.MILLISECONDS);

    assertThatThrownBy(result::join).hasCauseInstanceOf(TimeoutException.class);

    // The timeout completes the future on the JDK's delayer thread, which releases the await
    // just after waking the joining thread.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> runtime.subscriptions().awaitCount() == 0);
  }

  @Test
  void aSubscriberThatSwallowsTheInterrupt_stillHasItsThreadEnded_whenClosed() throws Exception {
    start(silent);
    var delivering = new CountDownLatch(1);
    var never = new CountDownLatch(1);
    var deliveryThread = new AtomicReference<Thread>();
    var subscription =
        runtime
            .client()
            .subscribe(
                JobFilter.all(),
                change -> {
                  deliveryThread.set(Thread.currentThread());
                  delivering.countDown();
                  try {
                    never.await();
                  } catch (InterruptedException swallowed) {
                    // As careless subscriber code does: the flag is gone when it returns.
                  }
                });
    sink.get().changed(List.of(JobChange.of(JobChange.Type.CREATED, aJobDueInAnHour())));
    assertThat(delivering.await(10, TimeUnit.SECONDS)).as("the change was delivered").isTrue();

    subscription.close();

    assertThat(deliveryThread.get().join(Duration.ofSeconds(10)))
        .as("the delivery thread ended")
        .isTrue();
  }

  @Test
  void subscribersWhoAskForStatistics_getThem_withTheOldestRunnableJobsAge() throws Exception {
    start(memory);
    runtime.pause("default");
    runtime.client().submit(JobRequest.of(NOTE, new Note("waits")).build());
    var stats = new LinkedBlockingQueue<List<QueueStats>>();
    var plain = new LinkedBlockingQueue<List<QueueStats>>();

    runtime.client().subscribe(JobFilter.all().withStats(), statsInto(stats));
    runtime.client().subscribe(JobFilter.all(), statsInto(plain));

    List<QueueStats> pushed = stats.poll(10, TimeUnit.SECONDS);
    assertThat(pushed).as("statistics within 10 s").isNotNull();
    QueueStats queue =
        pushed.stream().filter(q -> q.queue().equals("default")).findFirst().orElseThrow();
    assertThat(queue.due()).isEqualTo(1);
    assertThat(queue.oldestDueAt()).isPresent();
    assertThat(plain).as("a subscriber that did not ask").isEmpty();
  }

  /** A subscriber that keeps the statistics it gets. */
  private static JobSubscriber statsInto(LinkedBlockingQueue<List<QueueStats>> received) {
    return new JobSubscriber() {
      @Override
      public void onChange(JobChange change) {}

      @Override
      public void onStats(List<QueueStats> all, Instant at) {
        received.add(all);
      }
    };
  }

  @Test
  void thousandsOfAwaits_andManySubscribers_shareOneRegistrationOnTheStoresFeed() {
    start(silent);
    var jobs =
        runtime
            .client()
            .submitAll(
                java.util.stream.IntStream.range(0, 2_000)
                    .mapToObj(
                        i ->
                            JobRequest.of(NOTE, new Note("later " + i))
                                .runAt(Instant.now().plusSeconds(3600))
                                .build())
                    .toList());

    var awaits = jobs.stream().map(job -> runtime.client().awaitFinished(job.id())).toList();
    for (int i = 0; i < 50; i++) {
      runtime.client().subscribe(JobFilter.all(), change -> {});
    }

    assertThat(feedSubscriptions).as("registrations on the store's feed").hasValue(1);
    assertThat(awaits).noneMatch(CompletableFuture::isDone);
  }

  @Test
  void aNodeWithNoSubscriberAndNoAwait_letsGoOfTheFeed_andTakesItAgainWhenAsked() {
    var clock = dev.docket.testkit.MutableClock.standard();
    runtime =
        DocketRuntime.builder(silent)
            .clock(clock)
            .options(RuntimeOptions.builder().queue("default", 1).build())
            .build();
    var subscription = runtime.client().subscribe(JobFilter.all(), change -> {});
    assertThat(sink.get()).as("registered on the feed").isNotNull();

    subscription.close();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              clock.advance(Duration.ofSeconds(30));
              return sink.get() == null;
            });

    runtime.client().subscribe(JobFilter.all(), change -> {});
    assertThat(sink.get()).as("registered again").isNotNull();
    assertThat(feedSubscriptions).hasValue(2);
  }

  @Test
  void aClosedSubscription_freesItsPlace() {
    start(memory);
    int before = runtime.subscriptions().subscriberCount();
    var subscriptions =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> runtime.client().subscribe(JobFilter.all(), change -> {}))
            .toList();
    assertThat(runtime.subscriptions().subscriberCount()).isEqualTo(before + 100);

    subscriptions.forEach(dev.docket.usecase.Subscription::close);

    assertThat(runtime.subscriptions().subscriberCount()).isEqualTo(before);
    assertThat(subscriptions).noneMatch(dev.docket.usecase.Subscription::isOpen);
  }
}
