package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.DocketStore;
import dev.docket.usecase.port.JobClaims;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.RescueRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs claimed ahead of free handlers (issue 14) keep every guarantee of a claimed job: they are
 * leased and extended, a cancel and a lost lease stop them before they start, a stop gives them
 * back without using an attempt, an urgent job claimed later overtakes them, and nodes that claim
 * ahead side by side still run every job once. A subclass supplies the store.
 *
 * <p>The pools here claim a fixed number of jobs ahead, so that what is buffered is known; the rate
 * that sizes the prefetch in production is {@link PrefetchTest}'s subject.
 */
@Timeout(60)
abstract class PrefetchScenarios {
  record Work(String name) {}

  static final JobType<Work> BLOCK = JobType.of("prefetch.block", Work.class);
  static final JobType<Work> WORK = JobType.of("prefetch.work", Work.class);

  private static final String QUEUE = "default";

  /** A fresh, empty store shared by the pools of one test. */
  abstract DocketStore store();

  /** The time of claims and leases: the wall clock, moved on by hand to expire leases. */
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

  private final InstantSource clock = () -> now.get();

  private final List<WorkerPool> pools = new ArrayList<>();
  private final CountDownLatch unblock = new CountDownLatch(1);
  private final CountDownLatch blocking = new CountDownLatch(1);

  /** The names of the jobs whose handlers ran, in the order they started. */
  private final List<String> ran = new CopyOnWriteArrayList<>();

  /** Lets go of the store, after the pools stopped. */
  void closeStore() {}

  @AfterEach
  void stopPools() {
    unblock.countDown();
    pools.forEach(pool -> pool.stop(Duration.ofSeconds(5)));
    closeStore();
  }

  private JobClient client() {
    return new JobClient(
        store().storage(), JacksonPayloadCodec.create(), clock, new SplittableRandom(1));
  }

  private JobProcessor processor(String owner) {
    var handlers = new HandlerRegistry();
    handlers.register(
        BLOCK,
        (work, context) -> {
          ran.add(work.name());
          blocking.countDown();
          if (!unblock.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never unblocked");
          }
        });
    handlers.register(WORK, (work, context) -> ran.add(work.name()));
    return new JobProcessor(
        store().storage(),
        handlers,
        JacksonPayloadCodec.create(),
        clock,
        new SplittableRandom(2),
        new ProcessorOptions(owner, Duration.ofSeconds(30)));
  }

  private WorkerPool start(JobProcessor processor, int concurrency, Prefetch prefetch) {
    var options =
        RuntimeOptions.builder()
            .queue(QUEUE, concurrency)
            .pollInterval(Duration.ofMillis(20))
            .build();
    var pool =
        new WorkerPool(
            QUEUE,
            concurrency,
            processor,
            options,
            clock,
            new SplittableRandom(3),
            WorkerObserver.NONE,
            prefetch);
    pools.add(pool);
    pool.start();
    return pool;
  }

  private static JobRequest job(JobType<Work> type, String name, int priority) {
    return JobRequest.of(type, new Work(name)).priority(priority).build();
  }

  /**
   * One handler, blocked by a first job, and {@code buffered} more jobs claimed with it: the state
   * every scenario starts from.
   */
  private List<Job> blockedWithBuffer(WorkerPool[] poolOut, JobProcessor processor, int buffered)
      throws InterruptedException {
    return blockedWithBuffer(poolOut, processor, buffered, buffered);
  }

  private List<Job> blockedWithBuffer(
      WorkerPool[] poolOut, JobProcessor processor, int buffered, int ahead)
      throws InterruptedException {
    var requests = new ArrayList<JobRequest>();
    requests.add(job(BLOCK, "blocker", 90));
    for (int i = 0; i < buffered; i++) {
      requests.add(job(WORK, "low-" + i, 10));
    }
    List<Job> jobs = client().submitAll(requests);
    WorkerPool pool = start(processor, 1, Prefetch.fixed(ahead));
    poolOut[0] = pool;
    assertThat(blocking.await(20, TimeUnit.SECONDS)).as("the blocker started").isTrue();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pool.buffered() == buffered);
    return jobs;
  }

  private Job read(JobId id) {
    return client().get(id);
  }

  @Test
  void bufferedJobs_areClaimedUnderALease_andTheHeartbeatExtendsIt() throws Exception {
    JobProcessor processor = processor("node-a");
    List<Job> jobs = blockedWithBuffer(new WorkerPool[1], processor, 3);

    for (Job job : jobs) {
      Job stored = read(job.id());
      assertThat(stored.state()).isEqualTo(JobState.RUNNING);
      assertThat(stored.lease().orElseThrow().owner()).isEqualTo("node-a");
    }
    Instant before = read(jobs.get(3).id()).lease().orElseThrow().expiresAt();
    now.set(now.get().plusSeconds(10));

    assertThat(processor.heartbeat())
        .as("leases extended: the blocker and 3 buffered")
        .isEqualTo(4);
    assertThat(read(jobs.get(3).id()).lease().orElseThrow().expiresAt()).isAfter(before);
    assertThat(ran).containsExactly("blocker");
  }

  @Test
  void anUrgentJobClaimedLater_runsBeforeTheBufferedLowerPriorityOnes() throws Exception {
    var pool = new WorkerPool[1];
    // Room for three ahead, two taken by low-priority jobs: the urgent one is claimed into the
    // buffer behind them, and must overtake them.
    blockedWithBuffer(pool, processor("node-a"), 2, 3);
    Job urgent = client().submit(job(WORK, "urgent", 95));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pool[0].buffered() == 3);

    unblock.countDown();

    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> read(urgent.id()).state() == JobState.COMPLETED && ran.size() == 4);
    assertThat(ran).containsExactly("blocker", "urgent", "low-0", "low-1");
  }

  @Test
  void aCancelRequestReachesABufferedJob_whichEndsCancelledWithoutRunning() throws Exception {
    JobProcessor processor = processor("node-a");
    List<Job> jobs = blockedWithBuffer(new WorkerPool[1], processor, 2);
    Job cancelled = jobs.get(1);

    client().cancel(cancelled.id());
    processor.heartbeat(); // how a cancel request reaches a node, as it does for running jobs
    unblock.countDown();

    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(read(cancelled.id()).state()).isEqualTo(JobState.CANCELLED);
              assertThat(read(jobs.get(2).id()).state()).isEqualTo(JobState.COMPLETED);
            });
    assertThat(ran).containsExactly("blocker", "low-1");
  }

  @Test
  void aStop_givesBufferedJobsBack_withoutUsingAnAttempt() throws Exception {
    var pool = new WorkerPool[1];
    List<Job> jobs = blockedWithBuffer(pool, processor("node-a"), 3);

    var stopped = new CountDownLatch(1);
    Thread.ofPlatform()
        .start(
            () -> {
              pool[0].stop(Duration.ofSeconds(20));
              stopped.countDown();
            });
    // The buffered jobs go back while the blocker still runs, before the stop waits for it.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> read(jobs.get(3).id()).state() == JobState.PENDING);
    unblock.countDown();
    assertThat(stopped.await(20, TimeUnit.SECONDS)).isTrue();
    pools.remove(pool[0]);

    assertThat(read(jobs.get(0).id()).state()).isEqualTo(JobState.COMPLETED);
    for (Job job : jobs.subList(1, 4)) {
      Job back = read(job.id());
      assertThat(back.state()).isEqualTo(JobState.PENDING);
      assertThat(back.attempt()).as("the attempt is not counted").isZero();
    }
    assertThat(ran).containsExactly("blocker");
  }

  @Test
  void aBufferedJobWhoseLeaseWasRescued_isRunByItsNewOwner_notByTheNodeThatLostIt()
      throws Exception {
    JobProcessor stale = processor("node-a");
    List<Job> jobs = blockedWithBuffer(new WorkerPool[1], stale, 2);

    // node-a is taken for dead: its leases expire and the rescue puts the jobs back.
    now.set(now.get().plus(Duration.ofMinutes(5)));
    List<Job> rescued =
        store().storage().rescueExpired(new RescueRequest(now.get(), 100, new SplittableRandom(4)));
    assertThat(rescued).hasSize(3);
    stale.heartbeat(); // node-a learns it lost the leases
    now.set(now.get().plus(Duration.ofDays(1))); // past the rescued attempts' backoff
    start(processor("node-b"), 2, Prefetch.fixed(0));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ran.contains("low-0") && ran.contains("low-1"));
    unblock.countDown();

    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(read(jobs.get(1).id()).state()).isEqualTo(JobState.COMPLETED);
              assertThat(read(jobs.get(2).id()).state()).isEqualTo(JobState.COMPLETED);
            });
    assertThat(ran).filteredOn(name -> name.startsWith("low-")).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void aReporterThatFallsBehind_stopsTheClaims_untilItCatchesUp() throws Exception {
    int count = WorkerPool.REPORT_SLACK + 600;
    var requests = new ArrayList<JobRequest>();
    for (int i = 0; i < count; i++) {
      requests.add(job(WORK, "job-" + i, 50));
    }
    List<Job> jobs = client().submitAll(requests);
    var storeTakesOutcomes = new CountDownLatch(1);
    var storage = store().storage();
    // The store answers claims but holds every report back: the outcomes pile up in the node.
    JobClaims slowReports =
        new JobClaims() {
          @Override
          public List<Job> claim(ClaimRequest request) {
            return storage.claim(request);
          }

          @Override
          public boolean reportProgress(dev.docket.usecase.port.ProgressReport report) {
            return storage.reportProgress(report);
          }

          @Override
          public List<Outcome> report(List<Outcome> outcomes) {
            try {
              storeTakesOutcomes.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return storage.report(outcomes);
          }

          @Override
          public List<LeaseStatus> extendLeases(List<LeaseExtension> extensions) {
            return storage.extendLeases(extensions);
          }
        };
    var handlers = new HandlerRegistry();
    handlers.register(WORK, (work, context) -> ran.add(work.name()));
    var processor =
        new JobProcessor(
            slowReports,
            handlers,
            JacksonPayloadCodec.create(),
            clock,
            new SplittableRandom(6),
            new ProcessorOptions("node-a", Duration.ofSeconds(30)));
    WorkerPool pool = start(processor, 10, Prefetch.fixed(50));

    // The claims stop once a full report's worth of outcomes waits: the pool falls quiet with
    // jobs still in the queue, for other nodes.
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ran.size() > WorkerPool.REPORT_SLACK);
    Awaitility.await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(10))
        .until(() -> pool.busy() == 0 && pool.buffered() == 0);
    long running = jobs.stream().filter(j -> read(j.id()).state() == JobState.RUNNING).count();
    long pending = jobs.stream().filter(j -> read(j.id()).state() == JobState.PENDING).count();
    assertThat(pending).as("jobs left in the queue for other nodes").isPositive();
    assertThat(running).isEqualTo(count - pending);

    storeTakesOutcomes.countDown();
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> jobs.stream().allMatch(job -> read(job.id()).state() == JobState.COMPLETED));
    assertThat(ran).hasSize(count).doesNotHaveDuplicates();
  }

  @Test
  void nodesThatClaimAhead_sideBySide_runEveryJobExactlyOnce() {
    int count = 1_500;
    var requests = new ArrayList<JobRequest>();
    for (int i = 0; i < count; i++) {
      requests.add(job(WORK, "job-" + i, i % 3 * 40));
    }
    List<Job> jobs = client().submitAll(requests);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    for (String node : List.of("node-a", "node-b", "node-c")) {
      var handlers = new HandlerRegistry();
      handlers.register(
          WORK,
          (work, context) ->
              runs.computeIfAbsent(work.name(), n -> new AtomicInteger()).incrementAndGet());
      var processor =
          new JobProcessor(
              store().storage(),
              handlers,
              JacksonPayloadCodec.create(),
              clock,
              new SplittableRandom(5),
              new ProcessorOptions(node, Duration.ofSeconds(30)));
      start(processor, 4, new Prefetch(Duration.ofMillis(50), 200, 4));
    }

    Set<JobId> ids = new java.util.HashSet<>();
    jobs.forEach(job -> ids.add(job.id()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> jobs.stream().allMatch(job -> read(job.id()).state() == JobState.COMPLETED));
    assertThat(runs).hasSize(count);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(ids).hasSize(count);
  }
}
