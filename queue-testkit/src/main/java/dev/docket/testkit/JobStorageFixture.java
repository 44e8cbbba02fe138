package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Outcome.Failed;
import dev.docket.domain.Priority;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.RescueRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;

/**
 * The fixture of the storage contract suite: the rules every {@link JobStorage} follows, as JUnit 5
 * suites that a store's tests inherit, one abstract class per capability. This class holds what
 * they share: the store under test, a clock, a seeded random source and helpers that set jobs up.
 * It runs no test itself; its subclasses do:
 *
 * <ul>
 *   <li>{@link SubmissionContract}: inserting jobs, unique keys, and finding them again;
 *   <li>{@link ClaimContract}: which jobs a claim takes, in which order, under which lease;
 *   <li>{@link ReportContract}: which outcomes take effect, and fencing out a worker that lost its
 *       lease;
 *   <li>{@link LeaseContract}: extending leases, and passing cancel requests on;
 *   <li>{@link OperationsContract}: update, list, stats, delete, and the running jobs per owner;
 *   <li>{@link MaintenanceContract}: rescuing expired leases, and purging finished jobs;
 *   <li>{@link AttemptRecordContract}: the record of every attempt that ended, however it ended;
 *   <li>{@link ConcurrencyContract}: many threads claiming, reporting, rescuing and inserting at
 *       once.
 * </ul>
 *
 * <p>A store author writes one subclass of each part in the store's test sources, and each only
 * supplies the store. The in-memory store's claim part, as its tests have it:
 *
 * <pre>{@code
 * class InMemoryClaimContractTest extends ClaimContract {
 *   @Override
 *   protected JobStorage createStorage() {
 *     return MemoryStore.create();
 *   }
 * }
 * }</pre>
 *
 * <p>A new store can be brought up one part at a time, in the order above. Every part needs {@code
 * insert} and {@code find} to store its jobs and read them back, and {@code list} and {@code stats}
 * to answer that a new store is empty; most parts set jobs up in a state by claiming them,
 * reporting outcomes and cancelling them, so claims and reports come next. Until a method works, it
 * may throw {@link UnsupportedOperationException}: the tests that need it fail, the others pass.
 *
 * <p>Every test, nested ones included, calls {@link #createStorage()} once before it runs and
 * expects a new, empty store. A store that holds resources (a pool, a schema) sets them up and
 * frees them in its subclasses, per test or per class: the PostgreSQL store's tests give each part
 * a schema of its own and empty it before each test.
 *
 * <p>The tests are grouped by port method in {@code @Nested} classes and named as sentences, so a
 * failure reads as the rule the store broke. What the store should have stored is computed with the
 * domain's own transitions ({@link Job#claim}, {@link Outcome#applyTo}, {@link Job#expireLease}),
 * so a store passes when it stores exactly what the domain decided and returns equal snapshots.
 *
 * <p>The suite reads no wall clock: every time comes from a {@link MutableClock} starting at
 * 2030-01-01T00:00:00Z and moved by whole milliseconds, so a store that keeps microseconds passes.
 * Randomness is seeded. Ids are version-7-like UUIDs made from a counter, so their order is known.
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class JobStorageFixture {
  static final String QUEUE = "mail";
  static final String OTHER_QUEUE = "reports";
  static final String OWNER = "worker-1";
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration RETRY_DELAY = TestJobs.RETRY_DELAY;
  static final long SEED = 20_300_101L;
  static final int INSERT_CHUNK = 500;

  MutableClock clock;
  RandomGenerator random;
  JobStorage storage;
  private long lastId;
  final List<JobId> insertedIds = new ArrayList<>();

  /**
   * Creates the store under test.
   *
   * <p>Called once before every test. Each call returns a new store holding no jobs: the suite
   * checks that it is empty before each test starts.
   *
   * @return a new, empty store, never null
   */
  protected abstract JobStorage createStorage();

  @BeforeEach
  final void startWithAnEmptyStore() {
    clock = MutableClock.standard();
    random = new SplittableRandom(SEED);
    storage = createStorage();
    assertThat(storage).as("the store from createStorage()").isNotNull();
    assertThat(storage.stats(clock.instant()))
        .as("queues of the store from createStorage(), which must be new and empty")
        .isEmpty();
    assertThat(storage.list(JobQuery.all()).jobs())
        .as("jobs of the store from createStorage(), which must be new and empty")
        .isEmpty();
  }

  // ---- Helpers -----------------------------------------------------------------------------

  Instant now() {
    return clock.instant();
  }

  JobId nextId() {
    return TestJobs.id(++lastId);
  }

  TestJobs.SpecBuilder specBuilder(String queue) {
    return TestJobs.spec(queue, now());
  }

  JobSpec spec(String queue) {
    return specBuilder(queue).build();
  }

  JobSpec spec(String queue, Priority priority, Instant runAt) {
    return specBuilder(queue).priority(priority).runAt(runAt).build();
  }

  /** A new job of {@code spec}, submitted now under the next id, not yet stored. */
  Job submit(JobSpec spec) {
    return Job.submit(nextId(), spec, now());
  }

  /** Submits and stores a job, checking that the store returns it as given. */
  Job insert(JobSpec spec) {
    var job = submit(spec);
    assertThat(storage.insert(List.of(job)))
        .as("insert of new job %s", job.id())
        .containsExactly(job);
    insertedIds.add(job.id());
    return job;
  }

  /** Stores jobs in calls of a few hundred, checking that the store returns them as given. */
  void insertAll(List<Job> jobs) {
    for (int from = 0; from < jobs.size(); from += INSERT_CHUNK) {
      var chunk = jobs.subList(from, Math.min(jobs.size(), from + INSERT_CHUNK));
      assertThat(storage.insert(chunk)).as("insert of new jobs").containsExactlyElementsOf(chunk);
      chunk.forEach(job -> insertedIds.add(job.id()));
    }
  }

  /**
   * A stored job in {@code state}. Jobs that need a claim to get there get priority {@link
   * Priority#URGENT}, so that the claim takes them ahead of the pending jobs already in the queue.
   */
  Job given(JobState state, TestJobs.SpecBuilder spec) {
    return switch (state) {
      case PENDING -> insert(spec.build());
      case RUNNING -> claimNew(spec.priority(Priority.URGENT).build());
      case COMPLETED ->
          reportAccepted(completedNow(claimNew(spec.priority(Priority.URGENT).build())));
      case FAILED -> {
        var claimed = claimNew(spec.priority(Priority.URGENT).build());
        yield reportAccepted(new Failed(claimed.id(), fence(claimed), now(), error(claimed)));
      }
      case CANCELLED -> {
        var pending = insert(spec.build());
        yield storage.update(pending.id(), job -> job.cancel(now())).orElseThrow();
      }
    };
  }

  List<Job> claim(String queue, int limit) {
    return claim(queue, limit, OWNER, LEASE);
  }

  List<Job> claim(String queue, int limit, String owner, Duration lease) {
    return storage.claim(new ClaimRequest(queue, limit, owner, lease, now()));
  }

  /** Claims one job, checking that it is {@code job}: the test set its queue up so. */
  Job claimOnly(Job job) {
    return claimOnly(job, OWNER, LEASE);
  }

  Job claimOnly(Job job, String owner) {
    return claimOnly(job, owner, LEASE);
  }

  Job claimOnly(Job job, String owner, Duration lease) {
    var claimed = claim(job.queue(), 1, owner, lease);
    assertThat(claimed)
        .as("claim of job %s, which the test expects next in queue %s", job.id(), job.queue())
        .extracting(Job::id)
        .containsExactly(job.id());
    return claimed.getFirst();
  }

  Job claimNew(JobSpec spec) {
    return claimOnly(insert(spec));
  }

  List<Outcome> report(Outcome... outcomes) {
    return storage.report(List.of(outcomes));
  }

  /** Reports an outcome that must be accepted and returns the job as stored afterwards. */
  Job reportAccepted(Outcome outcome) {
    assertThat(report(outcome)).as("refused outcomes").isEmpty();
    return stored(outcome.jobId());
  }

  Completed completedNow(Job claimed) {
    return new Completed(claimed.id(), fence(claimed), now());
  }

  AttemptError error(Job claimed) {
    return new AttemptError(
        claimed.attempt(),
        now(),
        "java.io.IOException",
        "Connection reset by peer",
        "java.io.IOException: Connection reset by peer\n\tat com.example.Mailer.send(Mailer.java:42)\n");
  }

  LeaseExtension extension(Job claimed, Duration longer) {
    return new LeaseExtension(claimed.id(), fence(claimed), now().plus(longer), now());
  }

  List<Job> rescue(int limit) {
    return storage.rescueExpired(new RescueRequest(now(), limit, random));
  }

  Job stored(JobId id) {
    return storage
        .find(id)
        .orElseThrow(() -> new AssertionError("Job %s is not in the store.".formatted(id)));
  }

  QueueStats stats(Instant at, String queue) {
    return stats(storage.stats(at), queue);
  }

  static QueueStats stats(List<QueueStats> all, String queue) {
    var matching = all.stream().filter(stats -> stats.queue().equals(queue)).toList();
    assertThat(matching).as("statistics of queue %s", queue).hasSize(1);
    return matching.getFirst();
  }

  static long fence(Job claimed) {
    return claimed
        .lease()
        .orElseThrow(() -> new AssertionError("Job %s has no lease.".formatted(claimed.id())))
        .fence();
  }

  static List<JobId> ids(List<Job> jobs) {
    return ids(jobs.stream());
  }

  static List<JobId> ids(Stream<Job> jobs) {
    return jobs.map(Job::id).toList();
  }

  /** Ids in increasing unsigned order whose signed order differs: a store must not sort signed. */
  static List<JobId> unsignedOrderIds() {
    // Above every TestJobs.id(n), whose timestamp field stays below 0x0191_0000_0000.
    long above = 0x0191_0000_0000_7000L;
    return List.of(
        JobId.of(new UUID(above, 0x0000_0000_0000_0001L)),
        JobId.of(new UUID(above, 0x8000_0000_0000_0001L)),
        JobId.of(new UUID(0xf190_0000_0000_7000L, 0x8000_0000_0000_0001L)));
  }

  /** Runs the tasks on their own threads, started together, and returns their results in order. */
  static <T> List<T> runConcurrently(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    var ready = new CountDownLatch(tasks.size());
    var start = new CountDownLatch(1);
    try {
      var futures = new ArrayList<Future<T>>();
      for (var task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await();
                  return task.call();
                }));
      }
      ready.await();
      start.countDown();
      var results = new ArrayList<T>();
      for (var future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
