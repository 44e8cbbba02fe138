package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.store.memory.MemoryStore;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaderLease;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.QueueControl;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.RescueRequest;
import dev.docket.usecase.port.ScheduleStates;
import dev.docket.usecase.port.WakeUps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Poison jobs: handlers that throw {@code Error}s, run past their timeout (honouring or ignoring
 * the interrupt), outlive their lease, payloads the handler's type can't read, kinds nobody
 * handles. Each ends in a defined state with its error recorded, and afterwards the pool still has
 * both of its slots: two jobs that wait for each other on a latch of two both start.
 *
 * <p>Every case runs on the memory store and on PostgreSQL (a fresh schema per test).
 */
class PoisonJobsTest {
  record Task(int n) {}

  /** A payload with required fields of definite types. */
  record Order(String id, int quantity) {}

  static final String QUEUE = "poison";
  static final JobType<Task> POISON = JobType.of("poison", Task.class);
  static final JobType<Order> ORDER = JobType.of("order", Order.class);
  static final JobType<Task> GATE = JobType.of("gate", Task.class);
  static final Duration LEASE = Duration.ofSeconds(2);
  static final Duration TIMEOUT = Duration.ofMillis(300);
  static final Duration WAIT = Duration.ofSeconds(20);

  enum Store {
    MEMORY,
    POSTGRES
  }

  /** Both gate jobs count down, then wait for the other: they finish only if both run at once. */
  private final CountDownLatch gate = new CountDownLatch(2);

  private final List<JobEvent> events = new CopyOnWriteArrayList<>();
  private Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  // ---- cases ------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Store.class)
  @Timeout(60)
  void handlerThrowingAnError_isRetriedPerItsPolicy_thenDead_andThePoolKeepsItsCapacity(
      Store store) {
    var calls = new AtomicInteger();
    node =
        start(
            store,
            RuntimeOptions.builder(),
            HandlerBinding.of(
                POISON,
                (task, context) -> {
                  calls.incrementAndGet();
                  throw new OutOfMemoryError("simulated");
                }));

    Job job = submit(JobRequest.of(POISON, new Task(1)).maxAttempts(3));

    Job done = awaitState(job.id(), JobState.FAILED);
    assertThat(done.attempt()).isEqualTo(3);
    assertThat(calls).hasValue(3);
    assertThat(done.errors())
        .hasSize(3)
        .allSatisfy(
            error -> {
              assertThat(error.type()).isEqualTo("java.lang.OutOfMemoryError");
              assertThat(error.message()).isEqualTo("simulated");
              assertThat(error.stackTrace()).contains("OutOfMemoryError");
            })
        .extracting(AttemptError::attempt)
        .containsExactly(1, 2, 3);
    assertFullCapacity();
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  @Timeout(60)
  void handlerThatNeverReturnsButHonoursInterrupts_failsItsAttemptWithATimeout_andIsDead(
      Store store) {
    var interrupted = new CountDownLatch(1);
    node =
        start(
            store,
            RuntimeOptions.builder().timeout(POISON.kind(), TIMEOUT),
            HandlerBinding.of(
                POISON,
                (task, context) -> {
                  try {
                    new CountDownLatch(1).await(); // never counted down: runs until interrupted
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                  }
                }));

    Job job = submit(JobRequest.of(POISON, new Task(1)).maxAttempts(1));

    Job done = awaitState(job.id(), JobState.FAILED);
    assertThat(interrupted.getCount()).as("the handler saw the interrupt").isZero();
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.errors()).hasSize(1);
    AttemptError error = done.errors().get(0);
    assertThat(error.type()).isEqualTo("Timeout");
    assertThat(error.message()).contains("'poison'").contains(TIMEOUT.toString());
    assertFullCapacity();
  }

  /**
   * A handler that swallows the timeout's interrupt keeps its slot and its lease (the heartbeat
   * goes on) until it returns; it then returns normally, so the job is COMPLETED with no error: the
   * work was done, only late. The slot comes back as it returns.
   */
  @ParameterizedTest
  @EnumSource(Store.class)
  @Timeout(60)
  void handlerIgnoringTheTimeoutsInterrupt_completesWhenItReturns_andGivesBackItsSlot(Store store)
      throws Exception {
    var started = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var interrupts = new AtomicInteger();
    node =
        start(
            store,
            RuntimeOptions.builder().timeout(POISON.kind(), TIMEOUT),
            HandlerBinding.of(
                POISON,
                (task, context) -> {
                  started.countDown();
                  boolean done = false;
                  while (!done) {
                    try {
                      done = release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException ignored) {
                      interrupts.incrementAndGet(); // swallowed, as stuck blocking I/O would
                    }
                  }
                }));

    Job job = submit(JobRequest.of(POISON, new Task(1)).maxAttempts(1));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Awaitility.await().atMost(WAIT).until(() -> interrupts.get() > 0);
    // Past its timeout, the heartbeat still extends its lease: it stays running on this node.
    Instant firstExpiry = node.runtime.client().get(job.id()).lease().orElseThrow().expiresAt();
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                node.runtime
                    .client()
                    .get(job.id())
                    .lease()
                    .map(lease -> lease.expiresAt().isAfter(firstExpiry.plus(LEASE)))
                    .orElse(false));
    Job stuck = node.runtime.client().get(job.id());
    assertThat(stuck.state()).isEqualTo(JobState.RUNNING);
    assertThat(stuck.lease()).isPresent();
    assertThat(stuck.errors()).isEmpty();
    assertThat(node.runtime.busy()).containsEntry(QUEUE, 1);

    release.countDown();

    Job done = awaitState(job.id(), JobState.COMPLETED);
    assertThat(done.attempt()).isEqualTo(1);
    assertThat(done.errors()).isEmpty();
    Awaitility.await().atMost(WAIT).until(() -> node.runtime.busy().get(QUEUE) == 0);
    assertFullCapacity();
  }

  /**
   * The handler's heartbeats stop reaching the store, so its lease runs out and the maintenance
   * rescues the job; the job runs again on the other slot and completes. When the first run returns
   * at last, its late outcome is refused: the store keeps the rescuer's result.
   */
  @ParameterizedTest
  @EnumSource(Store.class)
  @Timeout(60)
  void handlerReturningAfterItsLeaseWasLost_hasItsLateOutcomeRefused_andTheJobCompletesOnce(
      Store store) throws Exception {
    var runs = new AtomicInteger();
    var firstStarted = new CountDownLatch(1);
    var releaseFirst = new CountDownLatch(1);
    var firstReturned = new CountDownLatch(1);
    var heartbeatsLost = new AtomicBoolean(true);
    node =
        start(
            store,
            heartbeatsLost,
            RuntimeOptions.builder(),
            HandlerBinding.of(
                POISON,
                (task, context) -> {
                  if (runs.incrementAndGet() == 1) {
                    firstStarted.countDown();
                    try {
                      releaseFirst.await(30, TimeUnit.SECONDS);
                    } finally {
                      firstReturned.countDown();
                    }
                  } else {
                    heartbeatsLost.set(false); // the rescuer's run: the store answers again
                  }
                }));

    Job job =
        submit(
            JobRequest.of(POISON, new Task(1))
                .maxAttempts(3)
                .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(100))));
    assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();

    Job rescued = awaitState(job.id(), JobState.COMPLETED);
    assertThat(runs).hasValue(2);
    assertThat(rescued.attempt()).isEqualTo(2);
    assertThat(rescued.errors()).hasSize(1);
    assertThat(rescued.errors().get(0).type()).isEqualTo("LeaseExpired");

    releaseFirst.countDown();
    assertThat(firstReturned.await(10, TimeUnit.SECONDS)).isTrue();
    Awaitility.await().atMost(WAIT).until(() -> node.runtime.busy().get(QUEUE) == 0);
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> node.refused.stream().anyMatch(o -> o.jobId().equals(job.id())));

    Job after = node.runtime.client().get(job.id());
    assertThat(after.state()).isEqualTo(JobState.COMPLETED);
    assertThat(after.version()).as("the late outcome changed nothing").isEqualTo(rescued.version());
    assertThat(after.finishedAt()).isEqualTo(rescued.finishedAt());
    assertThat(after.errors()).isEqualTo(rescued.errors());
    assertThat(node.refused)
        .filteredOn(o -> o.jobId().equals(job.id()))
        .singleElement()
        .isInstanceOf(Outcome.Completed.class);
    assertThat(events)
        .filteredOn(e -> e.jobId().equals(job.id()) && e.type() == JobEvent.Type.COMPLETED)
        .as("completed exactly once")
        .hasSize(1);
    assertFullCapacity();
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> undecodable() {
    var out = new java.util.ArrayList<org.junit.jupiter.params.provider.Arguments>();
    for (Store store : Store.values()) {
      out.add(
          org.junit.jupiter.params.provider.Arguments.argumentSet(
              store + ", fields of the wrong types",
              store,
              "{\"id\": {\"nested\": true}, \"quantity\": \"many\"}"));
      out.add(
          org.junit.jupiter.params.provider.Arguments.argumentSet(
              store + ", an array for an object", store, "[1, 2]"));
      out.add(
          org.junit.jupiter.params.provider.Arguments.argumentSet(
              store + ", a number too big for an int",
              store,
              "{\"id\": \"a\", \"quantity\": 1e309}"));
    }
    return out.stream();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("undecodable")
  @Timeout(60)
  void payloadTheHandlersTypeCantRead_isDeadAtOnce_withTheReasonRecorded(Store store, String json) {
    var calls = new AtomicInteger();
    node =
        start(
            store,
            RuntimeOptions.builder(),
            HandlerBinding.of(ORDER, (order, context) -> calls.incrementAndGet()));

    Job job = submit(JobRequest.ofJson(ORDER.kind(), json).maxAttempts(5));

    Job done = awaitState(job.id(), JobState.FAILED);
    assertThat(calls).as("the handler never ran").hasValue(0);
    assertThat(done.attempt()).as("no retries").isEqualTo(1);
    assertThat(done.errors()).hasSize(1);
    AttemptError error = done.errors().get(0);
    assertThat(error.type()).isEqualTo("dev.docket.usecase.port.PayloadException");
    assertThat(error.message()).isNotBlank().contains(Order.class.getSimpleName());
    assertFullCapacity();
  }

  /**
   * A payload without the record's fields is not a poison: unknown fields are ignored and missing
   * ones take their defaults, so the handler runs with them. Pinned here so a change is seen.
   */
  @ParameterizedTest
  @EnumSource(Store.class)
  @Timeout(60)
  void payloadWithOnlyUnexpectedFields_reachesTheHandlerWithDefaults(Store store) {
    var seen = new CopyOnWriteArrayList<Order>();
    node =
        start(
            store,
            RuntimeOptions.builder(),
            HandlerBinding.of(ORDER, (order, context) -> seen.add(order)));

    Job job = submit(JobRequest.ofJson(ORDER.kind(), "{\"unexpected\": [1,2]}").maxAttempts(5));

    Job done = awaitState(job.id(), JobState.COMPLETED);
    assertThat(done.errors()).isEmpty();
    assertThat(seen).containsExactly(new Order(null, 0));
    assertFullCapacity();
  }

  @ParameterizedTest
  @EnumSource(Store.class)
  @Timeout(60)
  void jobOfAKindNoHandlerKnows_staysPending_untouched_whileJobsBehindItRun(Store store) {
    node = start(store, RuntimeOptions.builder(), HandlerBinding.of(ORDER, (order, context) -> {}));

    Job unknown =
        submit(
            JobRequest.ofJson("nobody.knows", "{}")
                .priority(Priority.URGENT)
                .maxAttempts(2)
                .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(100))));
    Job known = submit(JobRequest.ofJson(ORDER.kind(), "{\"unexpected\": [1,2]}"));

    awaitState(known.id(), JobState.COMPLETED);
    Job waiting = node.runtime.client().get(unknown.id());
    assertThat(waiting.state())
        .as("left for a node that runs its kind")
        .isEqualTo(JobState.PENDING);
    assertThat(waiting.attempt()).as("no attempt used").isZero();
    assertThat(waiting.errors()).isEmpty();
    assertFullCapacity();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private Job submit(JobRequest.Builder request) {
    return node.runtime.client().submit(request.queue(QUEUE).build());
  }

  private Job awaitState(JobId id, JobState state) {
    Awaitility.await().atMost(WAIT).until(() -> node.runtime.client().get(id).state() == state);
    return node.runtime.client().get(id);
  }

  /** Two gate jobs both start, so both slots are free, and both complete. */
  private void assertFullCapacity() {
    Job a = node.runtime.client().submit(JobRequest.of(GATE, new Task(1)).queue(QUEUE).build());
    Job b = node.runtime.client().submit(JobRequest.of(GATE, new Task(2)).queue(QUEUE).build());
    try {
      assertThat(gate.await(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("both slots took a gate job")
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(awaitState(a.id(), JobState.COMPLETED).errors()).isEmpty();
    assertThat(awaitState(b.id(), JobState.COMPLETED).errors()).isEmpty();
  }

  private Node start(Store store, RuntimeOptions.Builder options, HandlerBinding<?>... handlers) {
    return start(store, new AtomicBoolean(), options, handlers);
  }

  private Node start(
      Store store,
      AtomicBoolean heartbeatsLost,
      RuntimeOptions.Builder options,
      HandlerBinding<?>... handlers) {
    var all = new java.util.ArrayList<HandlerBinding<?>>(List.of(handlers));
    all.add(
        HandlerBinding.of(
            GATE,
            (task, context) -> {
              gate.countDown();
              if (!gate.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("The other gate job never started.");
              }
            }));
    var created = new Node(store, heartbeatsLost);
    RuntimeOptions built =
        options
            .queue(QUEUE, 2)
            .leaseDuration(LEASE)
            .pollInterval(Duration.ofMillis(50))
            .shutdownGrace(Duration.ofSeconds(1))
            .virtualThreads(false)
            .build();
    created.runtime =
        Guice.createInjector(
                new StoreOf(created.store),
                new DocketModule(built),
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    all.forEach(h -> DocketModule.handlers(binder()).addBinding().toInstance(h));
                    DocketModule.listeners(binder()).addBinding().toInstance(events::add);
                  }
                })
            .getInstance(DocketRuntime.class);
    created.runtime.start();
    return created;
  }

  /** Binds one given store. */
  static final class StoreOf extends AbstractModule {
    private final DocketStore store;

    StoreOf(DocketStore store) {
      this.store = store;
    }

    @Override
    protected void configure() {
      bind(DocketStore.class).toInstance(store);
    }
  }

  /** A runtime on a store whose lease extensions fail while {@code heartbeatsLost} is set. */
  static final class Node implements AutoCloseable {
    private static TestDatabase db;
    final List<Outcome> refused = new CopyOnWriteArrayList<>();
    final DocketStore store;
    private final PostgresStore postgres;
    private final String schema;
    DocketRuntime runtime;

    Node(Store kind, AtomicBoolean heartbeatsLost) {
      DocketStore inner;
      if (kind == Store.POSTGRES) {
        synchronized (Node.class) {
          if (db == null) {
            db = TestDatabase.get();
          }
        }
        schema = db.freshSchema("poison");
        postgres = PostgresStore.start(db.options(schema).listen(false).build());
        inner = postgres;
      } else {
        schema = null;
        postgres = null;
        inner = MemoryStore.start();
      }
      this.store = new LossyStore(inner, heartbeatsLost, refused);
    }

    @Override
    public void close() {
      try {
        if (runtime != null) {
          runtime.stop(Duration.ZERO);
        }
      } finally {
        if (postgres != null) {
          postgres.close();
          db.dropSchema(schema);
        }
      }
    }
  }

  /** A store that loses lease extensions on request and remembers the outcomes it refused. */
  record LossyStore(DocketStore inner, AtomicBoolean heartbeatsLost, List<Outcome> refused)
      implements DocketStore {
    @Override
    public dev.docket.usecase.port.JobChanges changes() {
      return inner.changes();
    }

    @Override
    public JobStorage storage() {
      JobStorage storage = inner.storage();
      return new JobStorage() {
        @Override
        public List<Job> insert(List<Job> jobs) {
          return storage.insert(jobs);
        }

        @Override
        public List<Job> claim(ClaimRequest request) {
          return storage.claim(request);
        }

        @Override
        public List<Outcome> report(List<Outcome> outcomes) {
          List<Outcome> answer = storage.report(outcomes);
          refused.addAll(answer);
          return answer;
        }

        @Override
        public boolean reportProgress(dev.docket.usecase.port.ProgressReport report) {
          return storage.reportProgress(report);
        }

        @Override
        public List<LeaseStatus> extendLeases(List<LeaseExtension> extensions) {
          if (heartbeatsLost.get()) {
            throw new IllegalStateException("Simulated: the heartbeat did not reach the store.");
          }
          return storage.extendLeases(extensions);
        }

        @Override
        public Optional<Job> find(JobId id) {
          return storage.find(id);
        }

        @Override
        public JobPage list(JobQuery query) {
          return storage.list(query);
        }

        @Override
        public List<Job> running(dev.docket.usecase.port.RunningQuery query) {
          return storage.running(query);
        }

        @Override
        public Optional<Job> update(JobId id, UnaryOperator<Job> change) {
          return storage.update(id, change);
        }

        @Override
        public Optional<Job> delete(JobId id) {
          return storage.delete(id);
        }

        @Override
        public List<Job> rescueExpired(RescueRequest request) {
          return storage.rescueExpired(request);
        }

        @Override
        public int agePriorities(AgingRequest request) {
          return storage.agePriorities(request);
        }

        @Override
        public List<QueueStats> stats(Instant now) {
          return storage.stats(now);
        }

        @Override
        public int purge(PurgeRequest request) {
          return storage.purge(request);
        }
      };
    }

    @Override
    public WakeUps wakeUps() {
      return inner.wakeUps();
    }

    @Override
    public QueueControl queueControl() {
      return inner.queueControl();
    }

    @Override
    public ScheduleStates scheduleStates() {
      return inner.scheduleStates();
    }

    @Override
    public LeaderLease leaderLease() {
      return inner.leaderLease();
    }

    @Override
    public dev.docket.usecase.port.NodeRegistry nodeRegistry() {
      return inner.nodeRegistry();
    }

    @Override
    public dev.docket.usecase.port.AuditLog auditLog() {
      return inner.auditLog();
    }

    @Override
    public dev.docket.usecase.port.JobHistory jobHistory() {
      return inner.jobHistory();
    }

    @Override
    public void checkHealth() {
      inner.checkHealth();
    }
  }
}
