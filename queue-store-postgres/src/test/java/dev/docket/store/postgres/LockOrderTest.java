package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.AgingRequest;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.RescueRequest;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's heartbeat extends the leases of all its running jobs in one statement while its
 * reporters finish, retry, dead-letter, cancel and release batches of the same jobs, and the
 * maintenance rescues, ages and purges: every one of these writes locks many rows. They must take
 * their row locks in one order (or never wait), or PostgreSQL finds deadlocks and stalls both
 * statements for a second ({@code deadlock_timeout}).
 *
 * <p>The test runs two such nodes hard, with 1 s leases and 300 running jobs each, on a database of
 * its own (so that other tests and builds on the server cannot move the counter), and compares
 * {@code pg_stat_database.deadlocks} before and after. The nodes run for 10 s ({@code
 * -Ddocket.lockorder.seconds=N}) and until they have reported 200 outcome batches. With the
 * statements that locked rows in the order of their plans, three runs counted 13, 9 and 13
 * deadlocks.
 */
class LockOrderTest {
  private static final TestDatabase SERVER = TestDatabase.get();
  private static final String QUEUE = "hot";
  private static final int NODES = 2;
  private static final int REPORTERS_PER_NODE = 2;
  private static final int RUNNING_PER_NODE = 300;
  private static final int MOST_PER_BATCH = 40;
  private static final int JOBS = 20_000;
  private static final Duration LEASE = Duration.ofSeconds(1);
  private static final Duration RUN_FOR =
      Duration.ofSeconds(Long.getLong("docket.lockorder.seconds", 10));

  /**
   * The outcome batches the nodes report at least, however long that takes beyond {@link #RUN_FOR}
   * (up to {@link #OVERTIME} more) on a busy machine: enough for the old statements to deadlock.
   */
  private static final int MIN_BATCHES = 200;

  private static final Duration OVERTIME = Duration.ofSeconds(60);

  /** What the threads did, for the summary and to check they did something. */
  private final AtomicLong batches = new AtomicLong();

  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong heartbeats = new AtomicLong();
  private final AtomicLong extended = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong claimed = new AtomicLong();
  private final AtomicLong rescued = new AtomicLong();
  private final AtomicLong deadlockErrors = new AtomicLong();
  private final Queue<Throwable> otherErrors = new ConcurrentLinkedQueue<>();

  @Test
  @Timeout(300)
  void heartbeatsOutcomeBatchesAndMaintenance_racingOverManyShortLeases_neverDeadlock()
      throws Exception {
    TestDatabase db = SERVER.createDatabase("lockorder");
    try {
      long before = db.deadlocksOnceIdle();
      String schema = db.freshSchema("lockorder");
      int threads = NODES * (REPORTERS_PER_NODE + 1) + 1;
      double seconds;
      try (var store =
          PostgresStore.start(db.options(schema).listen(false).poolSize(threads + 2).build())) {
        seconds = run(store.storage());
      }
      // Closing the pool ends its sessions, whose exit reports what they counted.
      long after = db.deadlocksOnceIdle();

      System.out.printf(
          "Lock order: pg_stat_database.deadlocks %d before, %d after (difference %d) in %.1f s;"
              + " %d outcome batches (%d outcomes applied, %d refused), %d heartbeats (%d leases"
              + " extended, %d lost), %d jobs claimed, %d rescued; deadlock errors seen by the"
              + " threads %d%n",
          before,
          after,
          after - before,
          seconds,
          batches.get(),
          applied.get(),
          refused.get(),
          heartbeats.get(),
          extended.get(),
          lost.get(),
          claimed.get(),
          rescued.get(),
          deadlockErrors.get());
      assertThat(otherErrors).as("errors other than deadlocks").isEmpty();
      assertThat(after - before)
          .as("deadlocks PostgreSQL detected in the test's database")
          .isZero();
      assertThat(deadlockErrors.get()).as("deadlock errors the store threw").isZero();
      assertThat(batches.get()).as("outcome batches reported").isGreaterThanOrEqualTo(MIN_BATCHES);
      assertThat(applied.get()).as("outcomes applied").isPositive();
      assertThat(extended.get()).as("leases extended").isPositive();
    } finally {
      db.dropDatabase();
    }
  }

  /**
   * Two batches that take the same new unique keys, one in the opposite order of the other: the
   * second to reach a key waits for the first's transaction, so unless both insert in one order of
   * keys, each ends up waiting for a key the other holds.
   */
  @Test
  @Timeout(300)
  void batchesTakingTheSameNewUniqueKeys_inOppositeOrders_neverDeadlock() throws Exception {
    TestDatabase db = SERVER.createDatabase("keyorder");
    try {
      long before = db.deadlocksOnceIdle();
      String schema = db.freshSchema("keyorder");
      var pool = Executors.newFixedThreadPool(2);
      try (var store = PostgresStore.start(db.options(schema).listen(false).poolSize(4).build())) {
        var client =
            new JobClient(
                store.storage(),
                JacksonPayloadCodec.create(),
                InstantSource.system(),
                new SplittableRandom(2));
        for (int round = 0; round < KEY_ROUNDS; round++) {
          var keys = new ArrayList<String>();
          for (int i = 0; i < KEYS_PER_BATCH; i++) {
            keys.add("round-%d-key-%03d".formatted(round, i));
          }
          var reversed = new ArrayList<>(keys);
          Collections.reverse(reversed);
          var together = new CyclicBarrier(2);
          var submits = new ArrayList<Future<List<Job>>>();
          for (List<String> order : List.of(keys, reversed)) {
            submits.add(
                pool.submit(
                    () -> {
                      together.await();
                      return client.submitAll(uniqueRequests(order));
                    }));
          }
          for (Future<List<Job>> submit : submits) {
            try {
              assertThat(submit.get()).hasSize(KEYS_PER_BATCH);
            } catch (ExecutionException e) {
              if (isDeadlock(e)) {
                deadlockErrors.incrementAndGet();
              } else {
                otherErrors.add(e.getCause());
              }
            }
          }
        }
      } finally {
        pool.shutdownNow();
      }
      long after = db.deadlocksOnceIdle();

      System.out.printf(
          "Unique keys: pg_stat_database.deadlocks %d before, %d after (difference %d) over %d"
              + " rounds of two batches of %d keys; deadlock errors seen by the threads %d%n",
          before, after, after - before, KEY_ROUNDS, KEYS_PER_BATCH, deadlockErrors.get());
      assertThat(otherErrors).as("errors other than deadlocks").isEmpty();
      assertThat(after - before)
          .as("deadlocks PostgreSQL detected in the test's database")
          .isZero();
      assertThat(deadlockErrors.get()).as("deadlock errors the store threw").isZero();
    } finally {
      db.dropDatabase();
    }
  }

  private static final int KEY_ROUNDS = 20;
  private static final int KEYS_PER_BATCH = 300;

  private static List<JobRequest> uniqueRequests(List<String> keys) {
    var requests = new ArrayList<JobRequest>(keys.size());
    for (String key : keys) {
      requests.add(JobRequest.ofJson("lock.order", "{}").queue(QUEUE).uniqueKey(key).build());
    }
    return requests;
  }

  /** Runs the nodes; returns for how many seconds. */
  private double run(JobStorage storage) throws Exception {
    var client =
        new JobClient(
            storage, JacksonPayloadCodec.create(), InstantSource.system(), new SplittableRandom(1));
    var requests = new ArrayList<JobRequest>(JOBS);
    for (int i = 0; i < JOBS; i++) {
      requests.add(
          JobRequest.ofJson("lock.order", "{\"n\":" + i + "}")
              .queue(QUEUE)
              .maxAttempts(1_000)
              .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(1)))
              .build());
    }
    client.submitAll(requests);

    Instant deadline = Instant.now().plus(RUN_FOR);
    var start = new CountDownLatch(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    var tasks = new ArrayList<Future<?>>();
    try {
      for (int n = 0; n < NODES; n++) {
        String owner = "node-" + n;
        Map<JobId, Job> running = new ConcurrentHashMap<>();
        tasks.add(pool.submit(loop(start, deadline, () -> heartbeat(storage, running))));
        for (int r = 0; r < REPORTERS_PER_NODE; r++) {
          tasks.add(pool.submit(loop(start, deadline, () -> report(storage, owner, running))));
        }
      }
      tasks.add(pool.submit(loop(start, deadline, () -> maintain(storage))));
      start.countDown();
      for (Future<?> task : tasks) {
        task.get(RUN_FOR.plus(OVERTIME).toSeconds() + 60, TimeUnit.SECONDS);
      }
      return Duration.between(deadline.minus(RUN_FOR), Instant.now()).toMillis() / 1000.0;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One step of a thread's work. */
  private interface Step {
    void run() throws Exception;
  }

  private Runnable loop(CountDownLatch start, Instant deadline, Step step) {
    return () -> {
      try {
        start.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Instant limit = deadline.plus(OVERTIME);
      while ((Instant.now().isBefore(deadline) || batches.get() < MIN_BATCHES)
          && Instant.now().isBefore(limit)
          && otherErrors.size() < 20) {
        try {
          step.run();
        } catch (Exception e) {
          if (isDeadlock(e)) {
            deadlockErrors.incrementAndGet();
          } else {
            otherErrors.add(e);
          }
        }
      }
    };
  }

  private static boolean isDeadlock(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "40P01".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /** The node's heartbeat: every running job's lease at once, in no particular order. */
  private void heartbeat(JobStorage storage, Map<JobId, Job> running) {
    var jobs = new ArrayList<>(running.values());
    if (jobs.isEmpty()) {
      Thread.onSpinWait();
      return;
    }
    Collections.shuffle(jobs);
    Instant now = Instant.now();
    var extensions = new ArrayList<LeaseExtension>(jobs.size());
    for (Job job : jobs) {
      extensions.add(new LeaseExtension(job.id(), fence(job), now.plus(LEASE), now));
    }
    heartbeats.incrementAndGet();
    List<LeaseStatus> statuses = storage.extendLeases(extensions);
    for (int i = 0; i < statuses.size(); i++) {
      if (statuses.get(i).held()) {
        extended.incrementAndGet();
      } else {
        // Mostly jobs a reporter finished meanwhile; a rescued one may have been claimed again.
        lost.incrementAndGet();
        running.remove(jobs.get(i).id(), jobs.get(i));
      }
    }
  }

  /**
   * A reporter: a batch of outcomes of random running jobs, of one kind or mixed, in random order;
   * then claims as many jobs as the node is short of.
   */
  private void report(JobStorage storage, String owner, Map<JobId, Job> running) {
    var random = ThreadLocalRandom.current();
    var ids = new ArrayList<>(running.keySet());
    Collections.shuffle(ids);
    int size = 1 + random.nextInt(MOST_PER_BATCH);
    boolean mixed = random.nextBoolean();
    int kind = random.nextInt(100);
    Instant now = Instant.now();
    var outcomes = new ArrayList<Outcome>();
    for (JobId id : ids) {
      if (outcomes.size() == size) {
        break;
      }
      Job job = running.remove(id);
      if (job != null) {
        outcomes.add(outcome(job, mixed ? random.nextInt(100) : kind, now));
      }
    }
    if (!outcomes.isEmpty()) {
      batches.incrementAndGet();
      int notApplied = storage.report(outcomes).size();
      refused.addAndGet(notApplied);
      applied.addAndGet(outcomes.size() - notApplied);
    }
    int wanted = RUNNING_PER_NODE - running.size();
    if (wanted > 0) {
      for (Job job :
          storage.claim(
              new ClaimRequest(QUEUE, Math.min(wanted, 100), owner, LEASE, Instant.now()))) {
        running.put(job.id(), job);
        claimed.incrementAndGet();
      }
    }
  }

  /** Mostly completions; retries and releases put jobs back, so the queue does not run dry. */
  private static Outcome outcome(Job job, int dice, Instant now) {
    long fence = fence(job);
    if (dice < 35) {
      return new Outcome.Completed(job.id(), fence, now);
    }
    var error = AttemptError.reason(job.attempt(), now, "LockOrderTest", "planned");
    if (dice < 60) {
      return new Outcome.Retried(job.id(), fence, now, error, now);
    }
    if (dice < 85) {
      return new Outcome.Released(job.id(), fence, now);
    }
    if (dice < 95) {
      return new Outcome.Failed(job.id(), fence, now, error);
    }
    return new Outcome.Cancelled(job.id(), fence, now);
  }

  /** The maintenance of a node: rescue expired leases, age waiting jobs, purge finished ones. */
  private void maintain(JobStorage storage) throws InterruptedException {
    Instant now = Instant.now();
    rescued.addAndGet(
        storage
            .rescueExpired(new RescueRequest(now, 100, new SplittableRandom(now.getNano())))
            .size());
    storage.agePriorities(new AgingRequest(now.minusMillis(200), now, 100));
    storage.purge(
        new PurgeRequest(
            Set.of(JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED),
            now.minusSeconds(1),
            500));
    Thread.sleep(20); // the pace of a maintenance loop: the sleep is the point
  }

  private static long fence(Job job) {
    return job.lease().orElseThrow().fence();
  }
}
