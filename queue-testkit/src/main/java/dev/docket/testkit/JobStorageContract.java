package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.docket.domain.AttemptError;
import dev.docket.domain.IllegalTransitionException;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Outcome.Cancelled;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Outcome.Failed;
import dev.docket.domain.Outcome.Released;
import dev.docket.domain.Outcome.Retried;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.RescueRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every {@link JobStorage} follows, as a JUnit 5 suite that a store's tests inherit.
 *
 * <p>A store author writes one subclass in the store's test sources and supplies the store:
 *
 * <pre>{@code
 * class PostgresJobStorageContractTest extends JobStorageContract {
 *   @Override
 *   protected JobStorage createStorage() {
 *     return PostgresStore.create(freshSchema());
 *   }
 * }
 * }</pre>
 *
 * <p>Every test, nested ones included, calls {@link #createStorage()} once before it runs and
 * expects a new, empty store. A store that holds resources (a pool, a schema) frees them in the
 * subclass's own {@code @AfterEach}; the suite needs nothing else from it.
 *
 * <p>The tests are grouped by port method in {@code @Nested} classes and named as sentences, so a
 * failure reads as the rule the store broke. What the store should have stored is computed with the
 * domain's own transitions ({@link Job#claim}, {@link Outcome#applyTo}, {@link Job#expireLease}),
 * so a store passes when it stores exactly what the domain decided and returns equal snapshots.
 *
 * <p>The suite reads no wall clock: every time comes from a {@link MutableClock} starting at
 * 2030-01-01T00:00:00Z and moved by whole milliseconds, so a store that keeps microseconds passes.
 * Randomness is seeded. Ids are version-7-like UUIDs made from a counter, so their order is known.
 * The concurrency tests use up to 8 threads and 10,000 jobs, each under a time limit so that a
 * store that deadlocks fails instead of hanging the build.
 *
 * <p>Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class JobStorageContract {
  private static final String QUEUE = "mail";
  private static final String OTHER_QUEUE = "reports";
  private static final String OWNER = "worker-1";
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RETRY_DELAY = TestJobs.RETRY_DELAY;
  private static final long SEED = 20_300_101L;
  private static final int INSERT_CHUNK = 500;

  /** The order claims take jobs in: priority high to low, then run-at, then id. */
  private static final Comparator<Job> CLAIM_ORDER =
      Comparator.comparing(Job::priority)
          .reversed()
          .thenComparing(Job::runAt)
          .thenComparing(Job::id);

  /** The order a list returns jobs in. */
  private static final Comparator<Job> NEWEST_FIRST = Comparator.comparing(Job::id).reversed();

  private MutableClock clock;
  private RandomGenerator random;
  private JobStorage storage;
  private long lastId;
  private final List<JobId> insertedIds = new ArrayList<>();

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

  // ---- Insert and find ---------------------------------------------------------------------

  @Nested
  class InsertAndFind {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.docket.testkit.JobStorageContract#retryPolicies")
    void find_returnsTheInsertedJob_withEveryField(RetryPolicy policy) {
      var spec =
          specBuilder("billing:eu-1")
              .kind("invoice.render_v2")
              .payload("{\"invoice\":\"INV-7\",\"note\":\"Gr\u00fc\u00dfe \\\"quoted\\\" \\\\\"}")
              .priority(Priority.of(73))
              .maxAttempts(7)
              .retryPolicy(policy)
              .runAt(now().plus(Duration.ofDays(3)).plusMillis(123))
              .uniqueKey("invoice/2030-01/\u00c4\u00df-\ud83e\uddfe-42")
              .tags("tenant=acme", "region/eu-west", "batch:7")
              .build();
      clock.advance(Duration.ofMillis(1_234));
      var job = submit(spec);

      assertThat(storage.insert(List.of(job))).containsExactly(job);

      var found = stored(job.id());
      assertThat(found.spec()).isEqualTo(spec);
      assertThat(found.createdAt()).isEqualTo(now());
      assertThat(found)
          .hasState(JobState.PENDING)
          .hasAttempt(0)
          .hasVersion(1)
          .hasUpdatedAt(now())
          .hasNoFinishedAt()
          .hasNoLease()
          .hasErrorCount(0)
          .isNotCancelRequested()
          .hasSameFieldsAs(job);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.docket.testkit.JobStorageContract#payloads")
    void find_returnsThePayloadTextExactly(String payload) {
      var job = insert(specBuilder(QUEUE).payload(payload).build());

      var found = stored(job.id());
      assertThat(found.payload()).isEqualTo(payload);
      assertThat(found).hasSameFieldsAs(job);
    }

    @Test
    void insert_ofALargeBatch_keepsEveryPayloadAndTagExactly() {
      // Large batches may take another path into the store (PostgreSQL's COPY): every payload
      // form, tag and option must come back the same from it.
      List<String> payloads =
          payloads().map(a -> (String) ((Named<?>) a.get()[0]).getPayload()).toList();
      List<RetryPolicy> policies =
          retryPolicies().map(a -> (RetryPolicy) ((Named<?>) a.get()[0]).getPayload()).toList();
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 600; i++) {
        jobs.add(
            submit(
                specBuilder(i % 2 == 0 ? QUEUE : OTHER_QUEUE)
                    .payload(payloads.get(i % payloads.size()))
                    .priority(Priority.of(i % 101))
                    .maxAttempts(1 + i % 7)
                    .retryPolicy(policies.get(i % policies.size()))
                    .runAt(i % 3 == 0 ? now().plus(Duration.ofMinutes(i)) : now())
                    .tags(
                        i % 4 == 0 ? new String[0] : new String[] {"tenant=acme", "b:" + i, "a/b"})
                    .build()));
      }

      assertThat(storage.insert(jobs)).containsExactlyElementsOf(jobs);

      for (Job job : jobs) {
        assertThat(stored(job.id())).hasSameFieldsAs(job);
        assertThat(stored(job.id()).payload()).isEqualTo(job.payload());
      }
      insertedIds.addAll(ids(jobs));
    }

    @Test
    void find_returnsAPayloadOfTheLargestAllowedSize() {
      var payload = largestPayload();
      assertThat(payload.getBytes(UTF_8)).hasSize(JobSpec.MAX_PAYLOAD_BYTES);

      var job = insert(specBuilder(QUEUE).payload(payload).build());

      assertThat(stored(job.id()).payload()).isEqualTo(payload);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.docket.testkit.JobStorageContract#edgeRunAts")
    void find_returnsTheRunAt_atTheEdgesOfTheAllowedRange(Instant runAt) {
      var job = insert(specBuilder(QUEUE).runAt(runAt).build());

      assertThat(stored(job.id())).hasRunAt(runAt).hasSameFieldsAs(job);
    }

    @Test
    void find_returnsEmpty_forAnUnknownId() {
      insert(spec(QUEUE));

      assertThat(storage.find(TestJobs.id(999_999))).isEmpty();
    }

    @Test
    void insert_ofNoJobs_returnsNoJobs_andStoresNothing() {
      assertThat(storage.insert(List.of())).isEmpty();

      assertThat(storage.stats(now())).isEmpty();
    }

    @Test
    void insert_returnsEveryJobInOrder_forAThousandJobsInOneCall() {
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 1_000; i++) {
        jobs.add(
            submit(
                specBuilder(i % 2 == 0 ? QUEUE : OTHER_QUEUE)
                    .priority(Priority.of(i % 101))
                    .runAt(now().plusSeconds(i % 17))
                    .build()));
      }
      Collections.shuffle(jobs, random);

      var returned = storage.insert(jobs);

      assertThat(returned).containsExactlyElementsOf(jobs);
      for (var job : jobs) {
        assertThat(storage.find(job.id())).contains(job);
      }
      assertThat(stats(now(), QUEUE).count(JobState.PENDING)).isEqualTo(500);
      assertThat(stats(now(), OTHER_QUEUE).count(JobState.PENDING)).isEqualTo(500);
    }
  }

  // ---- Unique keys -------------------------------------------------------------------------

  @Nested
  class UniqueKeys {

    @Test
    void insert_returnsTheHolder_andStoresNothing_whenTheUniqueKeyIsTaken() {
      var holder = insert(specBuilder(QUEUE).uniqueKey("order-42").build());
      clock.advance(Duration.ofSeconds(1));
      var duplicate =
          submit(
              specBuilder(QUEUE)
                  .kind("report.build")
                  .payload("{\"other\":true}")
                  .uniqueKey("order-42")
                  .build());

      assertThat(storage.insert(List.of(duplicate))).containsExactly(holder);

      assertThat(storage.find(duplicate.id())).isEmpty();
      assertThat(stored(holder.id())).hasSameFieldsAs(holder);
      assertThat(storage.list(JobQuery.all()).jobs()).containsExactly(holder);
    }

    @Test
    void insert_returnsTheFirstJob_forALaterJobWithTheSameKey_inTheSameCall() {
      var first = submit(specBuilder(QUEUE).uniqueKey("a").build());
      var plain = submit(spec(QUEUE));
      var second = submit(specBuilder(QUEUE).uniqueKey("a").build());
      var other = submit(specBuilder(OTHER_QUEUE).uniqueKey("b").build());
      var otherAgain = submit(specBuilder(OTHER_QUEUE).uniqueKey("b").build());

      var returned = storage.insert(List.of(first, plain, second, other, otherAgain));

      assertThat(returned).containsExactly(first, plain, first, other, other);
      assertThat(storage.find(second.id())).isEmpty();
      assertThat(storage.find(otherAgain.id())).isEmpty();
      assertThat(storage.list(JobQuery.all()).jobs()).containsExactly(other, plain, first);
    }

    @ParameterizedTest(name = "holder {0}")
    @EnumSource(JobState.class)
    void insert_returnsTheHolder_whateverStateItIsIn(JobState state) {
      var holder = given(state, specBuilder(QUEUE).uniqueKey("nightly-report"));
      clock.advance(Duration.ofMinutes(1));
      var duplicate = submit(specBuilder(QUEUE).uniqueKey("nightly-report").build());

      assertThat(storage.insert(List.of(duplicate))).containsExactly(holder);

      assertThat(storage.find(duplicate.id())).isEmpty();
      assertThat(stored(holder.id())).hasState(state).hasSameFieldsAs(holder);
    }

    @Test
    void insert_acceptsAUniqueKeyAgain_afterItsHolderWasPurged() {
      var holder = given(JobState.COMPLETED, specBuilder(QUEUE).uniqueKey("daily-digest"));
      clock.advance(Duration.ofMinutes(1));
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), now(), 10)))
          .isEqualTo(1);
      var successor = submit(specBuilder(QUEUE).uniqueKey("daily-digest").build());

      assertThat(storage.insert(List.of(successor))).containsExactly(successor);

      assertThat(storage.find(holder.id())).isEmpty();
      assertThat(stored(successor.id())).hasSameFieldsAs(successor);
    }

    @Test
    void insert_holdsAUniqueKey_acrossQueues() {
      var holder = insert(specBuilder(QUEUE).uniqueKey("customer-7").build());
      var duplicate = submit(specBuilder(OTHER_QUEUE).uniqueKey("customer-7").build());

      assertThat(storage.insert(List.of(duplicate))).containsExactly(holder);

      assertThat(storage.find(duplicate.id())).isEmpty();
    }

    @Test
    void insert_comparesUniqueKeys_asExactText() {
      var keys =
          List.of(
              "order-1", "Order-1", "caf\u00e9", "cafe\u0301", "key", "key ", " key", "k\u00e9y");
      var jobs = new ArrayList<Job>();
      for (var key : keys) {
        jobs.add(submit(specBuilder(QUEUE).uniqueKey(key).build()));
      }

      for (var job : jobs) {
        assertThat(storage.insert(List.of(job)))
            .as("insert of the job with key '%s'", job.uniqueKey().orElseThrow())
            .containsExactly(job);
      }
      for (var job : jobs) {
        assertThat(stored(job.id())).hasSameFieldsAs(job);
      }
    }
  }

  // ---- Claim -------------------------------------------------------------------------------

  @Nested
  class Claim {

    @Test
    void claim_returnsNothing_fromAnEmptyQueue() {
      insert(spec(OTHER_QUEUE));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
    }

    @Test
    void claim_takesOnlyPendingJobsThatAreDue() {
      var overdue = insert(spec(QUEUE, Priority.NORMAL, now().minus(Duration.ofHours(1))));
      var dueNow = insert(spec(QUEUE, Priority.NORMAL, now()));
      var later = insert(spec(QUEUE, Priority.URGENT, now().plusMillis(1)));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(overdue.id(), dueNow.id());

      assertThat(stored(later.id())).hasSameFieldsAs(later);
    }

    @Test
    void claim_takesAScheduledJob_exactlyAtItsRunAt_andNotBefore() {
      var runAt = now().plusSeconds(10);
      var scheduled = insert(spec(QUEUE, Priority.NORMAL, runAt));

      clock.set(runAt.minusMillis(1));
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      clock.set(runAt);
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(scheduled.id());
    }

    @Test
    void claim_prefersAHigherPriority_overAnEarlierRunAt() {
      var early = insert(spec(QUEUE, Priority.LOW, now().minus(Duration.ofHours(1))));
      var urgent = insert(spec(QUEUE, Priority.URGENT, now()));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(urgent.id(), early.id());
    }

    @Test
    void claim_comparesPriorities_asNumbers() {
      var nine = insert(spec(QUEUE, Priority.of(9), now()));
      var hundred = insert(spec(QUEUE, Priority.of(100), now()));
      var ten = insert(spec(QUEUE, Priority.of(10), now()));

      assertThat(claim(QUEUE, 10))
          .extracting(Job::id)
          .containsExactly(hundred.id(), ten.id(), nine.id());
    }

    @Test
    void claim_prefersAnEarlierRunAt_overALowerId() {
      var lowerId = insert(spec(QUEUE, Priority.NORMAL, now()));
      var earlier = insert(spec(QUEUE, Priority.NORMAL, now().minusSeconds(1)));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(earlier.id(), lowerId.id());
    }

    @Test
    void claim_takesTheLowestIdFirst_amongEqualPriorityAndRunAt() {
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 5; i++) {
        jobs.add(submit(spec(QUEUE)));
      }
      for (var job : jobs.reversed()) {
        assertThat(storage.insert(List.of(job))).containsExactly(job);
      }

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactlyElementsOf(ids(jobs));
    }

    @Test
    void claim_comparesIds_asUnsignedNumbers() {
      // Unsigned, as JobId and PostgreSQL order them: 0x0190.. < 0xf190.., 0x00.. < 0x80..
      var ascending = unsignedOrderIds();
      var jobs = new ArrayList<Job>();
      for (var id : ascending.reversed()) {
        jobs.add(Job.submit(id, spec(QUEUE), now()));
      }
      insertAll(jobs);

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactlyElementsOf(ascending);
    }

    @Test
    void claim_returnsHighestPriorityFirst_thenEarliestRunAt_thenLowestId() {
      var priorities = new int[] {0, 9, 10, 50, 75, 100};
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 120; i++) {
        var priority = Priority.of(priorities[random.nextInt(priorities.length)]);
        var runAt = now().minus(Duration.ofMinutes(random.nextInt(4)));
        jobs.add(submit(spec(QUEUE, priority, runAt)));
      }
      var shuffled = new ArrayList<>(jobs);
      Collections.shuffle(shuffled, random);
      insertAll(shuffled);

      var claimed = new ArrayList<JobId>();
      for (int round = 0; round <= jobs.size(); round++) {
        var batch = claim(QUEUE, 1 + random.nextInt(9));
        if (batch.isEmpty()) {
          break;
        }
        batch.forEach(job -> claimed.add(job.id()));
      }

      assertThat(claimed).containsExactlyElementsOf(ids(jobs.stream().sorted(CLAIM_ORDER)));
    }

    @Test
    void claim_takesADueRetryOfHigherPriority_beforeLowerPriorityRetriesThatCameDueEarlier() {
      var start = now();
      assertThat(claim(QUEUE, 10)).as("a first claim, which may tidy the queue").isEmpty();
      var lows = new ArrayList<Job>();
      for (int i = 0; i < 4; i++) {
        lows.add(insert(spec(QUEUE, Priority.LOW, start)));
      }
      var urgent = insert(spec(QUEUE, Priority.URGENT, start));
      var claimed = claim(QUEUE, 10);
      assertThat(claimed).hasSize(5);
      // Each low-priority retry comes due before the urgent one; all are due at the claims below,
      // which come less than a second after the first claim.
      for (var job : claimed) {
        long delayMillis = job.id().equals(urgent.id()) ? 500 : 100 + 50 * lows.indexOf(job);
        var runAt = start.plusMillis(delayMillis);
        assertThat(report(new Retried(job.id(), fence(job), now(), error(job), runAt))).isEmpty();
      }
      clock.set(start.plusMillis(600));

      assertThat(claim(QUEUE, 2))
          .extracting(Job::id)
          .containsExactly(urgent.id(), lows.getFirst().id());
    }

    @Test
    void claim_takesDueRetriesAndNewJobs_inOnePriorityOrder_inSmallBatches() {
      var start = now();
      assertThat(claim(QUEUE, 10)).as("a first claim, which may tidy the queue").isEmpty();
      var priorities = new int[] {0, 10, 50, 75, 100};
      var first = new ArrayList<Job>();
      for (int i = 0; i < 40; i++) {
        var priority = Priority.of(priorities[random.nextInt(priorities.length)]);
        first.add(submit(spec(QUEUE, priority, start)));
      }
      insertAll(first);
      var claimed = new ArrayList<Job>();
      List<Job> batch;
      while (!(batch = claim(QUEUE, 7)).isEmpty()) {
        claimed.addAll(batch);
      }
      assertThat(claimed).hasSize(first.size());
      for (var job : claimed) {
        var runAt = start.plusMillis(1 + random.nextInt(800));
        assertThat(report(new Retried(job.id(), fence(job), now(), error(job), runAt))).isEmpty();
      }
      var fresh = new ArrayList<Job>();
      for (int i = 0; i < 40; i++) {
        var priority = Priority.of(priorities[random.nextInt(priorities.length)]);
        fresh.add(submit(spec(QUEUE, priority, start.minusMillis(random.nextInt(60_000)))));
      }
      insertAll(fresh);
      clock.set(start.plusMillis(900));
      var expected = new ArrayList<Job>();
      claimed.forEach(job -> expected.add(stored(job.id())));
      expected.addAll(fresh);
      expected.sort(CLAIM_ORDER);

      var order = new ArrayList<JobId>();
      while (!(batch = claim(QUEUE, 1 + random.nextInt(3))).isEmpty()) {
        batch.forEach(job -> order.add(job.id()));
      }

      assertThat(order).containsExactlyElementsOf(ids(expected));
    }

    @Test
    void claim_takesOnlyTheKindsItNames_andLeavesTheOthersUntouched() {
      var mail = insert(specBuilder(QUEUE).kind("mail.send").build());
      var report =
          insert(specBuilder(QUEUE).kind("report.build").priority(Priority.URGENT).build());
      var moreMail = insert(specBuilder(QUEUE).kind("mail.send").build());

      assertThat(claimKinds(QUEUE, 10, Set.of("mail.send", "sms.send")))
          .extracting(Job::id)
          .containsExactly(mail.id(), moreMail.id());
      assertThat(stored(report.id())).hasSameFieldsAs(report);

      assertThat(claimKinds(QUEUE, 10, Set.of("report.build")))
          .singleElement()
          .satisfies(job -> assertThat(job).hasAttempt(1).hasState(JobState.RUNNING));
    }

    @Test
    void claim_ofSomeKinds_keepsClaimOrder_andReachesPastJobsOfOtherKinds() {
      var kinds = List.of("a.run", "b.run", "c.run");
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 90; i++) {
        var spec =
            specBuilder(QUEUE)
                .kind(kinds.get(random.nextInt(kinds.size())))
                .priority(Priority.of(random.nextInt(101)))
                .runAt(now().minusMillis(random.nextInt(10_000)))
                .build();
        jobs.add(submit(spec));
      }
      insertAll(jobs);
      var wanted = Set.of("a.run", "c.run");

      var order = new ArrayList<JobId>();
      List<Job> batch;
      while (!(batch = claimKinds(QUEUE, 1 + random.nextInt(5), wanted)).isEmpty()) {
        batch.forEach(job -> order.add(job.id()));
      }

      assertThat(order)
          .containsExactlyElementsOf(
              ids(jobs.stream().filter(job -> wanted.contains(job.kind())).sorted(CLAIM_ORDER)));
      for (var job : jobs) {
        if (!wanted.contains(job.kind())) {
          assertThat(stored(job.id())).hasSameFieldsAs(job);
        }
      }
    }

    @Test
    void claim_ofSomeKinds_takesAScheduledJobOfThoseKinds_onceItIsDue() {
      var runAt = now().plusSeconds(5);
      var other = insert(specBuilder(QUEUE).kind("other.run").runAt(runAt).build());
      var mine = insert(specBuilder(QUEUE).kind("mine.run").runAt(runAt).build());
      clock.set(runAt);

      assertThat(claimKinds(QUEUE, 10, Set.of("mine.run")))
          .extracting(Job::id)
          .containsExactly(mine.id());
      assertThat(claimKinds(QUEUE, 10, Set.of("mine.run"))).isEmpty();
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(other.id());
    }

    @Test
    void claim_takesNoMoreThanTheLimit() {
      var jobs = new ArrayList<Job>();
      for (int i = 0; i < 5; i++) {
        jobs.add(insert(spec(QUEUE)));
      }

      assertThat(claim(QUEUE, 3))
          .extracting(Job::id)
          .containsExactlyElementsOf(ids(jobs.subList(0, 3)));
      assertThat(claim(QUEUE, 3))
          .extracting(Job::id)
          .containsExactlyElementsOf(ids(jobs.subList(3, 5)));
      assertThat(claim(QUEUE, 3)).isEmpty();
    }

    @Test
    void claim_takesOnlyFromTheRequestedQueue() {
      var mail = insert(spec(QUEUE, Priority.LOW, now()));
      var report = insert(spec(OTHER_QUEUE, Priority.URGENT, now().minusSeconds(5)));

      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(mail.id());

      assertThat(stored(report.id())).hasSameFieldsAs(report);
      assertThat(claim(OTHER_QUEUE, 10)).extracting(Job::id).containsExactly(report.id());
    }

    @Test
    void claim_movesEachJobToRunning_underANewLeaseWhoseFenceIsTheNewVersion() {
      var jobs = List.of(insert(spec(QUEUE)), insert(spec(QUEUE)), insert(spec(QUEUE)));
      clock.advance(Duration.ofSeconds(5));
      var owner = "worker-7@host-3";
      var lease = Duration.ofSeconds(45);

      var claimed = claim(QUEUE, 10, owner, lease);

      assertThat(claimed).extracting(Job::id).containsExactlyElementsOf(ids(jobs));
      for (int i = 0; i < jobs.size(); i++) {
        var job = claimed.get(i);
        assertThat(job)
            .hasState(JobState.RUNNING)
            .hasAttempt(1)
            .hasVersion(2)
            .isLeasedBy(owner)
            .hasLeaseFence(2)
            .hasLeaseExpiringAt(now().plus(lease))
            .hasUpdatedAt(now())
            .hasNoFinishedAt()
            .hasSameFieldsAs(jobs.get(i).claim(owner, now(), lease));
        assertThat(stored(job.id())).hasSameFieldsAs(job);
      }
    }

    @Test
    void claim_doesNotTakeAClaimedJobAgain() {
      var job = insert(spec(QUEUE));
      var claimed = claimOnly(job);
      clock.advance(Duration.ofSeconds(1));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      assertThat(stored(job.id())).hasSameFieldsAs(claimed);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
        value = JobState.class,
        names = {"COMPLETED", "FAILED", "CANCELLED"})
    void claim_neverTakesAFinishedJob(JobState state) {
      var finished = given(state, specBuilder(QUEUE).runAt(now().minus(Duration.ofHours(1))));
      clock.advance(Duration.ofDays(1));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      assertThat(stored(finished.id())).hasSameFieldsAs(finished);
    }

    @Test
    void claim_doesNotTakeARunningJob_whoseLeaseExpiredButWasNotRescued() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.multipliedBy(10));

      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void claim_givesAJobTakenAgain_aHigherFence() {
      var first = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      reportAccepted(new Released(first.id(), fence(first), now()));

      var second = claimOnly(stored(first.id()));

      assertThat(fence(second)).isGreaterThan(fence(first));
      assertThat(second).hasLeaseFence(second.version()).hasAttempt(1);
    }
  }

  // ---- Report ------------------------------------------------------------------------------

  @Nested
  class Report {

    @Test
    void report_completed_finishesTheJob_andClearsItsLease() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(3));
      var outcome = new Completed(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id()))
          .hasState(JobState.COMPLETED)
          .hasFinishedAt(now())
          .hasUpdatedAt(now())
          .hasNoLease()
          .hasAttempt(1)
          .hasVersion(3)
          .hasSameFieldsAs(outcome.applyTo(claimed));
    }

    @Test
    void report_retried_returnsTheJobToPending_withItsError_notRunnableBeforeItsRunAt() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(2));
      var error =
          new AttemptError(
              1,
              now(),
              "java.net.SocketTimeoutException",
              "Read timed out after 2 s \u2014 \u00abGr\u00fc\u00dfe\u00bb \ud83d\ude80 'quoted' \"too\"",
              "java.net.SocketTimeoutException: Read timed out\n"
                  + "\tat com.example.Mailer.send(Mailer.java:42)\n"
                  + "\tat com.example.Worker.run(Worker.java:7)\n");
      var runAt = now().plus(RETRY_DELAY);
      var outcome = new Retried(claimed.id(), fence(claimed), now(), error, runAt);

      assertThat(report(outcome)).isEmpty();

      var retried = stored(claimed.id());
      assertThat(retried)
          .hasState(JobState.PENDING)
          .hasAttempt(1)
          .hasRunAt(runAt)
          .hasErrorCount(1)
          .hasNoLease()
          .hasNoFinishedAt()
          .hasSameFieldsAs(outcome.applyTo(claimed));
      assertThat(retried.errors()).containsExactly(error);

      clock.set(runAt.minusMillis(1));
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
      clock.set(runAt);
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(2).hasLeaseFence(4));
    }

    @Test
    void report_failed_movesTheJobToTheDeadLetter_keepingEveryError() {
      var first = claimNew(spec(QUEUE));
      var firstError = error(first);
      reportAccepted(new Retried(first.id(), fence(first), now(), firstError, now()));
      var second = claimOnly(stored(first.id()));
      clock.advance(Duration.ofSeconds(4));
      var secondError = error(second);
      var outcome = new Failed(second.id(), fence(second), now(), secondError);

      assertThat(report(outcome)).isEmpty();

      var failed = stored(second.id());
      assertThat(failed)
          .hasState(JobState.FAILED)
          .hasAttempt(2)
          .hasFinishedAt(now())
          .hasNoLease()
          .hasSameFieldsAs(outcome.applyTo(second));
      assertThat(failed.errors()).containsExactly(firstError, secondError);
    }

    @Test
    void report_cancelled_cancelsTheJobThatWasAskedToStop() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      var asked = storage.update(claimed.id(), job -> job.cancel(now())).orElseThrow();
      clock.advance(Duration.ofSeconds(1));
      var outcome = new Cancelled(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id()))
          .hasState(JobState.CANCELLED)
          .hasFinishedAt(now())
          .hasNoLease()
          .isNotCancelRequested()
          .hasSameFieldsAs(outcome.applyTo(asked));
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
    }

    @Test
    void report_released_returnsTheJobToPending_withoutCountingTheAttempt() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(6));
      var outcome = new Released(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id()))
          .hasState(JobState.PENDING)
          .hasAttempt(0)
          .hasRunAt(now())
          .hasNoLease()
          .hasErrorCount(0)
          .isRunnableAt(now())
          .hasSameFieldsAs(outcome.applyTo(claimed));
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(1).hasLeaseFence(4));
    }

    @Test
    void report_keepsLongAttemptErrorsInOrder_acrossRetries() {
      var job =
          insert(
              specBuilder(QUEUE)
                  .maxAttempts(5)
                  .retryPolicy(RetryPolicy.fixed(Duration.ZERO))
                  .build());
      var expected = new ArrayList<AttemptError>();
      for (int attempt = 1; attempt <= 5; attempt++) {
        var claimed = claimOnly(stored(job.id()));
        clock.advance(Duration.ofMillis(250));
        var error =
            new AttemptError(
                attempt,
                now(),
                "com.example.Failure" + attempt,
                "\u00e9\ud83d\udca5 ".repeat(attempt * 200),
                ("\tat com.example.Deep.frame(Deep.java:" + attempt + ")\n").repeat(400));
        expected.add(error);
        var outcome =
            attempt < 5
                ? new Retried(claimed.id(), fence(claimed), now(), error, now())
                : new Failed(claimed.id(), fence(claimed), now(), error);

        assertThat(report(outcome)).isEmpty();
        assertThat(stored(job.id())).hasSameFieldsAs(outcome.applyTo(claimed));
      }

      assertThat(stored(job.id()).errors()).containsExactlyElementsOf(expected);
    }

    @Test
    void report_refusesAnOutcome_forAJobThatWasNeverClaimed() {
      var pending = insert(spec(QUEUE));
      var outcome = new Completed(pending.id(), pending.version(), now());

      assertThat(report(outcome)).containsExactly(outcome);

      assertThat(stored(pending.id())).hasSameFieldsAs(pending);
    }

    @Test
    void report_refusesAnOutcome_forAnUnknownJob() {
      var outcome = new Completed(TestJobs.id(999_999), 2, now());

      assertThat(report(outcome)).containsExactly(outcome);

      assertThat(storage.find(outcome.jobId())).isEmpty();
    }

    @Test
    void report_refusesAnOutcome_underAFenceThatIsNotTheLeasesFence() {
      var claimed = claimNew(spec(QUEUE));
      var below = new Completed(claimed.id(), fence(claimed) - 1, now());
      var above = new Failed(claimed.id(), fence(claimed) + 1, now(), error(claimed));

      assertThat(report(below, above)).containsExactlyInAnyOrder(below, above);

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void report_refusesASecondOutcome_forAJobThatAlreadyFinished() {
      var claimed = claimNew(spec(QUEUE));
      var completed = reportAccepted(completedNow(claimed));
      clock.advance(Duration.ofSeconds(1));
      var late = new Failed(claimed.id(), fence(claimed), now(), error(claimed));

      assertThat(report(late)).containsExactly(late);

      assertThat(stored(claimed.id())).hasSameFieldsAs(completed);
    }

    @Test
    void report_appliesTheGoodOutcomes_andReturnsExactlyTheRefusedOnes() {
      var completing = claimNew(spec(QUEUE));
      var retrying = claimNew(spec(QUEUE));
      var failing = claimNew(spec(QUEUE));
      var pending = insert(spec(QUEUE));
      var finished = given(JobState.COMPLETED, specBuilder(OTHER_QUEUE));
      clock.advance(Duration.ofSeconds(9));
      var good =
          List.<Outcome>of(
              new Completed(completing.id(), fence(completing), now()),
              new Retried(
                  retrying.id(), fence(retrying), now(), error(retrying), now().plusSeconds(5)),
              new Failed(failing.id(), fence(failing), now(), error(failing)));
      var neverClaimed = new Completed(pending.id(), pending.version(), now());
      var unknown = new Completed(TestJobs.id(999_999), 2, now());
      var alreadyFinished = new Completed(finished.id(), finished.version() - 1, now());

      var refused =
          storage.report(
              List.of(
                  good.get(0), neverClaimed, good.get(1), unknown, good.get(2), alreadyFinished));

      assertThat(refused).containsExactlyInAnyOrder(neverClaimed, unknown, alreadyFinished);
      assertThat(stored(completing.id())).hasSameFieldsAs(good.get(0).applyTo(completing));
      assertThat(stored(retrying.id())).hasSameFieldsAs(good.get(1).applyTo(retrying));
      assertThat(stored(failing.id())).hasSameFieldsAs(good.get(2).applyTo(failing));
      assertThat(stored(pending.id())).hasSameFieldsAs(pending);
      assertThat(stored(finished.id())).hasSameFieldsAs(finished);
    }

    @Test
    void report_appliesOnlyOneOfTwoOutcomes_forTheSameLease_inOneCall() {
      var claimed = claimNew(spec(QUEUE));
      var completed = new Completed(claimed.id(), fence(claimed), now());
      var failed = new Failed(claimed.id(), fence(claimed), now(), error(claimed));

      var refused = report(completed, failed);

      assertThat(refused).hasSize(1).containsAnyOf(completed, failed);
      var applied = refused.getFirst().equals(completed) ? failed : completed;
      assertThat(stored(claimed.id())).hasSameFieldsAs(applied.applyTo(claimed));
    }

    @Test
    void report_ofNoOutcomes_refusesNothing() {
      var claimed = claimNew(spec(QUEUE));

      assertThat(storage.report(List.of())).isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }
  }

  // ---- Fencing, end to end -----------------------------------------------------------------

  @Nested
  class Fencing {

    @Test
    void aLateWorker_isFencedOut_afterItsJobWasRescuedAndClaimedAgain() {
      var job = insert(spec(QUEUE));
      var firstRun = claimOnly(job);
      assertThat(firstRun).isLeasedBy(OWNER).hasLeaseExpiringAt(now().plus(LEASE));

      clock.advance(LEASE.plusSeconds(1));
      var rescued = rescue(100);
      assertThat(rescued)
          .singleElement()
          .satisfies(
              it ->
                  assertThat(it)
                      .hasId(job.id())
                      .hasState(JobState.PENDING)
                      .hasLastErrorType("LeaseExpired")
                      .hasRunAt(now().plus(RETRY_DELAY)));
      assertThat(claim(QUEUE, 10)).as("claim before the backoff passed").isEmpty();

      clock.advance(RETRY_DELAY);
      var secondRun = claimOnly(job, "worker-2");
      assertThat(fence(secondRun)).isGreaterThan(fence(firstRun));

      var late = new Completed(job.id(), fence(firstRun), now());
      assertThat(report(late)).containsExactly(late);
      assertThat(storage.extendLeases(List.of(extension(firstRun, Duration.ofMinutes(1)))))
          .extracting(LeaseStatus::held)
          .containsExactly(false);
      assertThat(stored(job.id())).hasSameFieldsAs(secondRun).isLeasedBy("worker-2");

      clock.advance(Duration.ofSeconds(2));
      var current = new Completed(job.id(), fence(secondRun), now());
      assertThat(report(current)).isEmpty();
      assertThat(stored(job.id()))
          .hasState(JobState.COMPLETED)
          .hasAttempt(2)
          .hasErrorCount(1)
          .hasSameFieldsAs(current.applyTo(secondRun));
    }
  }

  // ---- Extend leases -----------------------------------------------------------------------

  @Nested
  class ExtendLeases {

    @Test
    void extendLeases_extendsAHeldLease_andKeepsItsFence() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(20));
      var extension = extension(claimed, LEASE);

      assertThat(storage.extendLeases(List.of(extension)))
          .containsExactly(new LeaseStatus(claimed.id(), true, false));

      assertThat(stored(claimed.id()))
          .hasState(JobState.RUNNING)
          .hasLeaseExpiringAt(now().plus(LEASE))
          .hasLeaseFence(fence(claimed))
          .isLeasedBy(OWNER)
          .hasUpdatedAt(now())
          .hasSameFieldsAs(claimed.extendLease(fence(claimed), now().plus(LEASE), now()));
    }

    @Test
    void report_isAccepted_underTheSameFence_afterTheLeaseWasExtended() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(20));
      storage.extendLeases(List.of(extension(claimed, LEASE)));
      var extended = stored(claimed.id());
      clock.advance(Duration.ofSeconds(20));
      var outcome = new Completed(claimed.id(), fence(claimed), now());

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(outcome.applyTo(extended));
    }

    @Test
    void extendLeases_reportsALostLease_forAStaleFence() {
      var claimed = claimNew(spec(QUEUE));
      var stale =
          new LeaseExtension(
              claimed.id(), fence(claimed) - 1, now().plus(Duration.ofMinutes(5)), now());

      assertThat(storage.extendLeases(List.of(stale)))
          .extracting(LeaseStatus::jobId, LeaseStatus::held)
          .containsExactly(tuple(claimed.id(), false));

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void extendLeases_reportsALostLease_forAFinishedJob() {
      var claimed = claimNew(spec(QUEUE));
      var completed = reportAccepted(completedNow(claimed));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .extracting(LeaseStatus::held)
          .containsExactly(false);

      assertThat(stored(claimed.id())).hasSameFieldsAs(completed);
    }

    @Test
    void extendLeases_reportsALostLease_forAJobThatWasReleased() {
      var claimed = claimNew(spec(QUEUE));
      var released = reportAccepted(new Released(claimed.id(), fence(claimed), now()));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .extracting(LeaseStatus::held)
          .containsExactly(false);

      assertThat(stored(claimed.id())).hasSameFieldsAs(released);
    }

    @Test
    void extendLeases_reportsALostLease_forAnUnknownJob() {
      var unknown = TestJobs.id(999_999);

      assertThat(
              storage.extendLeases(
                  List.of(new LeaseExtension(unknown, 2, now().plus(LEASE), now()))))
          .extracting(LeaseStatus::jobId, LeaseStatus::held)
          .containsExactly(tuple(unknown, false));

      assertThat(storage.find(unknown)).isEmpty();
    }

    @Test
    void extendLeases_reportsACancelRequest_onAHeldLease() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      storage.update(claimed.id(), job -> job.cancel(now())).orElseThrow();
      clock.advance(Duration.ofSeconds(10));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .containsExactly(new LeaseStatus(claimed.id(), true, true));

      assertThat(stored(claimed.id()))
          .hasState(JobState.RUNNING)
          .isCancelRequested()
          .hasLeaseExpiringAt(now().plus(LEASE));
    }

    @Test
    void extendLeases_answersEveryExtension_inOrder() {
      var held = claimNew(spec(QUEUE));
      var cancelling = claimNew(spec(QUEUE));
      var stale = claimNew(spec(QUEUE));
      storage.update(cancelling.id(), job -> job.cancel(now())).orElseThrow();
      var unknown = TestJobs.id(999_999);
      clock.advance(Duration.ofSeconds(5));

      var statuses =
          storage.extendLeases(
              List.of(
                  extension(held, LEASE),
                  new LeaseExtension(unknown, 2, now().plus(LEASE), now()),
                  extension(cancelling, LEASE),
                  new LeaseExtension(stale.id(), fence(stale) + 1, now().plus(LEASE), now())));

      assertThat(statuses)
          .extracting(LeaseStatus::jobId, LeaseStatus::held)
          .containsExactly(
              tuple(held.id(), true),
              tuple(unknown, false),
              tuple(cancelling.id(), true),
              tuple(stale.id(), false));
      assertThat(statuses.get(0).cancelRequested()).isFalse();
      assertThat(statuses.get(2).cancelRequested()).isTrue();
      assertThat(stored(held.id())).hasLeaseExpiringAt(now().plus(LEASE));
      assertThat(stored(cancelling.id())).hasLeaseExpiringAt(now().plus(LEASE));
      assertThat(stored(stale.id())).hasSameFieldsAs(stale);
    }

    @Test
    void extendLeases_keepsALeaseThatExpired_butWasNotRescued() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.plusSeconds(5));

      assertThat(storage.extendLeases(List.of(extension(claimed, LEASE))))
          .containsExactly(new LeaseStatus(claimed.id(), true, false));

      assertThat(stored(claimed.id())).hasLeaseExpiringAt(now().plus(LEASE));
      assertThat(rescue(100)).as("jobs rescued").isEmpty();
    }

    @Test
    void anExtendedLease_isNotRescued_beforeItsNewExpiry() {
      var claimed = claimNew(spec(QUEUE));
      var start = now();
      clock.advance(Duration.ofSeconds(20));
      var newExpiry = start.plus(Duration.ofSeconds(90));
      storage.extendLeases(
          List.of(new LeaseExtension(claimed.id(), fence(claimed), newExpiry, now())));

      clock.set(start.plus(Duration.ofSeconds(60)));
      assertThat(rescue(100)).as("rescue past the old expiry").isEmpty();
      assertThat(stored(claimed.id())).hasState(JobState.RUNNING);

      clock.set(newExpiry);
      assertThat(rescue(100)).extracting(Job::id).containsExactly(claimed.id());
    }

    @Test
    void extendLeases_ofNoExtensions_answersNothing() {
      claimNew(spec(QUEUE));

      assertThat(storage.extendLeases(List.of())).isEmpty();
    }
  }

  // ---- Rescue expired ----------------------------------------------------------------------

  @Nested
  class RescueExpired {

    @Test
    void rescueExpired_returnsAnExpiredJobToPending_withALeaseExpiredError() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.plusSeconds(1));
      var expected = claimed.expireLease(now(), new SplittableRandom(SEED));

      var rescued = rescue(100);

      assertThat(stored(claimed.id()))
          .hasState(JobState.PENDING)
          .hasAttempt(1)
          .hasNoLease()
          .hasRunAt(now().plus(RETRY_DELAY))
          .hasErrorCount(1)
          .hasLastErrorType("LeaseExpired")
          .hasLastErrorAttempt(1)
          .hasSameFieldsAs(expected);
      assertThat(rescued).as("rescued jobs").containsExactly(expected);
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
      clock.advance(RETRY_DELAY);
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(2));
    }

    @Test
    void rescueExpired_takesALeaseExpiringExactlyNow_butNotOneExpiringLater() {
      var expiring = claimNew(spec(QUEUE));
      var lasting = claimOnly(insert(spec(QUEUE)), OWNER, LEASE.plusMillis(1));

      clock.advance(LEASE);
      var rescued = rescue(100);

      assertThat(rescued).as("rescued jobs").extracting(Job::id).containsExactly(expiring.id());
      assertThat(stored(lasting.id())).hasSameFieldsAs(lasting);
    }

    @Test
    void rescueExpired_leavesValidLeasesAlone() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(LEASE.minusMillis(1));

      assertThat(rescue(100)).as("jobs rescued").isEmpty();

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void rescueExpired_takesNoMoreThanTheLimit() {
      var claimed = new ArrayList<Job>();
      for (int i = 0; i < 5; i++) {
        insert(spec(i % 2 == 0 ? QUEUE : OTHER_QUEUE));
      }
      claimed.addAll(claim(QUEUE, 10));
      claimed.addAll(claim(OTHER_QUEUE, 10));
      assertThat(claimed).hasSize(5);
      clock.advance(LEASE);

      var rescued = new ArrayList<Job>();
      for (int expectedSize : new int[] {2, 2, 1, 0}) {
        var batch = rescue(2);
        assertThat(batch).as("jobs rescued with limit 2").hasSize(expectedSize);
        rescued.addAll(batch);
      }

      assertThat(rescued).extracting(Job::id).containsExactlyInAnyOrderElementsOf(ids(claimed));
      for (var job : rescued) {
        assertThat(stored(job.id())).hasSameFieldsAs(job).hasState(JobState.PENDING);
      }
    }

    @Test
    void rescueExpired_movesAJobWithNoAttemptsLeft_toTheDeadLetter() {
      var claimed = claimNew(specBuilder(QUEUE).maxAttempts(1).build());
      clock.advance(LEASE.plusSeconds(1));

      var rescued = rescue(100);

      assertThat(rescued)
          .as("rescued jobs")
          .containsExactly(claimed.expireLease(now(), new SplittableRandom(SEED)));
      assertThat(stored(claimed.id()))
          .hasState(JobState.FAILED)
          .hasFinishedAt(now())
          .hasNoLease()
          .hasAttempt(1)
          .hasErrorCount(1)
          .hasLastErrorType("LeaseExpired")
          .hasSameFieldsAs(rescued.getFirst());
    }

    @Test
    void rescueExpired_movesAJobWhosePolicyNeverRetries_toTheDeadLetter() {
      var claimed =
          claimNew(specBuilder(QUEUE).maxAttempts(5).retryPolicy(RetryPolicy.none()).build());
      clock.advance(LEASE);

      var rescued = rescue(100);

      assertThat(rescued)
          .as("rescued jobs")
          .singleElement()
          .satisfies(it -> assertThat(it).hasState(JobState.FAILED));
      assertThat(stored(claimed.id()))
          .hasSameFieldsAs(claimed.expireLease(now(), new SplittableRandom(SEED)));
    }

    @Test
    void rescueExpired_ignoresJobsThatAreNotRunning() {
      var jobs = new ArrayList<Job>();
      for (var state :
          List.of(JobState.PENDING, JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED)) {
        jobs.add(given(state, specBuilder(QUEUE).runAt(now().minus(Duration.ofHours(1)))));
      }
      clock.advance(Duration.ofDays(1));

      assertThat(rescue(100)).as("jobs rescued").isEmpty();

      for (var job : jobs) {
        assertThat(stored(job.id())).hasSameFieldsAs(job);
      }
    }

    @Test
    void rescueExpired_drawsTheBackoffJitter_fromTheRequestsRandomSource() {
      var policy = RetryPolicy.exponential(Duration.ofSeconds(1), Duration.ofMinutes(10));
      var claimed = claimNew(specBuilder(QUEUE).retryPolicy(policy).build());
      clock.advance(LEASE);
      var midpoint = new TestJobs.MidpointRandom();

      var rescued = storage.rescueExpired(new RescueRequest(now(), 100, midpoint));

      // Attempt 1 of base 1 s draws from [0, 2 s]; the midpoint source picks 1 s.
      assertThat(rescued).containsExactly(claimed.expireLease(now(), midpoint));
      assertThat(stored(claimed.id())).hasRunAt(now().plusSeconds(1));
    }

    @Test
    void rescueExpired_returnsNothing_whenNoLeaseExpired() {
      clock.advance(Duration.ofDays(1));

      assertThat(rescue(100)).as("jobs rescued").isEmpty();
    }
  }

  // ---- Update ------------------------------------------------------------------------------

  @Nested
  class Update {

    @Test
    void update_cancelsAPendingJob_soItIsNeverClaimed() {
      var job = insert(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      var updated = storage.update(job.id(), it -> it.cancel(now()));

      assertThat(updated).contains(job.cancel(now()));
      assertThat(stored(job.id()))
          .hasState(JobState.CANCELLED)
          .hasFinishedAt(now())
          .hasSameFieldsAs(updated.orElseThrow());
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
    }

    @Test
    void update_asksARunningJobToStop_andKeepsItRunning() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      var updated = storage.update(claimed.id(), it -> it.cancel(now()));

      assertThat(updated).contains(claimed.cancel(now()));
      assertThat(stored(claimed.id()))
          .hasState(JobState.RUNNING)
          .isCancelRequested()
          .isLeasedBy(OWNER)
          .hasLeaseFence(fence(claimed))
          .hasVersion(claimed.version() + 1);
    }

    @Test
    void update_requeuesAFailedJob_soItCanBeClaimedAgain() {
      var failed = given(JobState.FAILED, specBuilder(QUEUE).maxAttempts(1));
      clock.advance(Duration.ofMinutes(5));

      var updated = storage.update(failed.id(), it -> it.requeue(now()));

      assertThat(updated).contains(failed.requeue(now()));
      assertThat(stored(failed.id()))
          .hasState(JobState.PENDING)
          .hasRunAt(now())
          .hasAttempt(1)
          .hasMaxAttempts(2)
          .hasErrorCount(1)
          .hasNoFinishedAt()
          .isRunnableAt(now());
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(2).hasState(JobState.RUNNING));
    }

    @Test
    void update_keepsTheJob_andRethrows_whenTheChangeIsIllegal() {
      var completed = given(JobState.COMPLETED, specBuilder(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      assertThatThrownBy(() -> storage.update(completed.id(), it -> it.cancel(now())))
          .isInstanceOfSatisfying(
              IllegalTransitionException.class,
              e -> {
                assertThat(e.jobId()).isEqualTo(completed.id());
                assertThat(e.from()).isEqualTo(JobState.COMPLETED);
              });

      assertThat(stored(completed.id())).hasSameFieldsAs(completed);
    }

    @Test
    void update_keepsTheJob_andRethrowsTheSameException_whenTheChangeFails() {
      var job = insert(spec(QUEUE));
      var failure = new IllegalStateException("The change gave up.");

      assertThatThrownBy(
              () ->
                  storage.update(
                      job.id(),
                      it -> {
                        throw failure;
                      }))
          .isSameAs(failure);

      assertThat(stored(job.id())).hasSameFieldsAs(job);
    }

    @Test
    void update_returnsEmpty_forAnUnknownJob() {
      insert(spec(QUEUE));

      assertThat(storage.update(TestJobs.id(999_999), it -> it.cancel(now()))).isEmpty();

      assertThat(storage.find(TestJobs.id(999_999))).isEmpty();
    }

    @Test
    void update_writesNothing_whenTheChangeReturnsTheSameJob() {
      var claimed = claimNew(spec(QUEUE));
      var asked = storage.update(claimed.id(), it -> it.cancel(now())).orElseThrow();
      clock.advance(Duration.ofSeconds(1));

      assertThat(storage.update(claimed.id(), it -> it)).contains(asked);
      // Cancelling a job that was already asked to stop returns the same snapshot.
      assertThat(storage.update(claimed.id(), it -> it.cancel(now()))).contains(asked);

      assertThat(stored(claimed.id())).hasSameFieldsAs(asked).hasVersion(claimed.version() + 1);
    }

    @Test
    void update_thatRaisesAPriority_changesTheClaimOrder() {
      var first = insert(spec(QUEUE, Priority.NORMAL, now().minusSeconds(10)));
      var raised = insert(spec(QUEUE, Priority.NORMAL, now()));

      storage.update(raised.id(), it -> it.raisePriority(1, now())).orElseThrow();

      assertThat(stored(raised.id())).hasPriority(Priority.of(51)).hasVersion(2);
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(raised.id(), first.id());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void update_appliesConcurrentChanges_oneAfterAnother() throws Exception {
      var job = insert(spec(QUEUE, Priority.LOW, now()));
      var tasks = new ArrayList<Callable<Void>>();
      for (int t = 0; t < 4; t++) {
        tasks.add(
            () -> {
              for (int i = 0; i < 25; i++) {
                storage.update(job.id(), it -> it.raisePriority(1, now())).orElseThrow();
              }
              return null;
            });
      }

      runConcurrently(tasks);

      assertThat(stored(job.id())).hasPriority(Priority.URGENT).hasVersion(101);
    }
  }

  // ---- List --------------------------------------------------------------------------------

  @Nested
  class ListJobs {
    private static final String ALPHA = "alpha";
    private static final String BETA = "beta";
    private static final String MAIL = "email.send";
    private static final String REPORT = "report.build";
    private static final String CUSTOMER = "customer=42";
    private static final String NIGHTLY = "nightly";

    private Instant start;

    @BeforeEach
    void fillTheStore() {
      start = now();
      given(JobState.PENDING, specBuilder(ALPHA).kind(MAIL).tags(CUSTOMER));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.PENDING, specBuilder(BETA).kind(MAIL));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.RUNNING, specBuilder(ALPHA).kind(REPORT).tags(CUSTOMER, NIGHTLY));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.COMPLETED, specBuilder(ALPHA).kind(MAIL).tags(NIGHTLY));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.FAILED, specBuilder(BETA).kind(REPORT).tags(CUSTOMER));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.CANCELLED, specBuilder(ALPHA).kind(REPORT));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.PENDING, specBuilder(BETA).kind(MAIL).tags(NIGHTLY, CUSTOMER));
      clock.advance(Duration.ofMinutes(1));
    }

    @Test
    void list_returnsEveryJob_newestFirst() {
      var page = storage.list(JobQuery.all());

      assertThat(page.jobs()).hasSize(7).containsExactlyElementsOf(sortedNewestFirst(job -> true));
      assertThat(page.nextAfterId()).isEmpty();
    }

    @Test
    void list_filtersByQueue() {
      assertListed(query().queue(ALPHA).build(), job -> job.queue().equals(ALPHA));
    }

    @Test
    void list_filtersByState() {
      assertListed(query().state(JobState.PENDING).build(), job -> job.state() == JobState.PENDING);
      assertListed(query().state(JobState.RUNNING).build(), job -> job.state() == JobState.RUNNING);
    }

    @Test
    void list_filtersByKind() {
      assertListed(query().kind(REPORT).build(), job -> job.kind().equals(REPORT));
    }

    @Test
    void list_filtersByTag() {
      assertListed(query().tag(NIGHTLY).build(), job -> job.tags().contains(NIGHTLY));
      assertListed(query().tag(CUSTOMER).build(), job -> job.tags().contains(CUSTOMER));
    }

    @Test
    void list_findsNothing_forATagThatIsOnlyPartOfAnother() {
      var page = storage.list(query().tag("customer").build());

      assertThat(page.jobs()).isEmpty();
    }

    @Test
    void list_filtersByCreatedFrom_includingTheBoundary() {
      var from = start.plus(Duration.ofMinutes(3));

      assertListed(query().createdFrom(from).build(), job -> !job.createdAt().isBefore(from));
    }

    @Test
    void list_filtersByCreatedBefore_excludingTheBoundary() {
      var before = start.plus(Duration.ofMinutes(3));

      assertListed(query().createdBefore(before).build(), job -> job.createdAt().isBefore(before));
    }

    @Test
    void list_filtersByACreatedRange() {
      var from = start.plus(Duration.ofMinutes(1));
      var before = start.plus(Duration.ofMinutes(4));

      assertListed(
          query().createdFrom(from).createdBefore(before).build(),
          job -> !job.createdAt().isBefore(from) && job.createdAt().isBefore(before));
    }

    @Test
    void list_combinesFilters() {
      assertListed(
          query().queue(ALPHA).tag(NIGHTLY).build(),
          job -> job.queue().equals(ALPHA) && job.tags().contains(NIGHTLY));
      assertListed(
          query().queue(BETA).kind(MAIL).state(JobState.PENDING).tag(CUSTOMER).build(),
          job ->
              job.queue().equals(BETA)
                  && job.kind().equals(MAIL)
                  && job.state() == JobState.PENDING
                  && job.tags().contains(CUSTOMER));
      var from = start.plus(Duration.ofMinutes(2));
      assertListed(
          query().kind(REPORT).createdFrom(from).state(JobState.FAILED).build(),
          job ->
              job.kind().equals(REPORT)
                  && !job.createdAt().isBefore(from)
                  && job.state() == JobState.FAILED);
    }

    @Test
    void list_returnsAnEmptyLastPage_whenNothingMatches() {
      var page = storage.list(query().queue("nobody").build());

      assertThat(page.jobs()).isEmpty();
      assertThat(page.nextAfterId()).isEmpty();
    }

    @Test
    void list_takesNoMoreThanTheLimit_andPointsPastTheLastJob() {
      var page = storage.list(query().limit(3).build());

      var expected = sortedNewestFirst(job -> true).subList(0, 3);
      assertThat(page.jobs()).containsExactlyElementsOf(expected);
      assertThat(page.nextAfterId()).contains(expected.getLast().id());
    }

    @Test
    void list_pagesThroughEveryJob_exactlyOnce_newestFirst() {
      for (int i = 0; i < 16; i++) {
        clock.advance(Duration.ofSeconds(1));
        insert(spec(i % 2 == 0 ? ALPHA : BETA));
      }
      var expected = ids(sortedNewestFirst(job -> true));
      assertThat(expected).hasSize(23);

      var seen = walkAllPages(query().limit(5).build(), 5);

      assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(expected);
    }

    @Test
    void list_pagesThroughFilteredJobs_exactlyOnce() {
      var expected = ids(sortedNewestFirst(job -> job.queue().equals(ALPHA)));

      var seen = walkAllPages(query().queue(ALPHA).limit(2).build(), 2);

      assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(expected);
    }

    @Test
    void list_hasNoCursor_whenTheLastPageIsExactlyFull() {
      var page = storage.list(query().limit(7).build());

      assertThat(page.jobs()).hasSize(7);
      assertThat(page.nextAfterId()).as("cursor after the page holding the last job").isEmpty();
    }

    @Test
    void list_continuesAfterACursor_whoseJobWasPurged() {
      var firstPage = storage.list(query().limit(3).build());
      var cursor = firstPage.nextAfterId().orElseThrow();
      var cursorJob = stored(cursor);
      assertThat(cursorJob).hasState(JobState.FAILED);
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.FAILED), now(), 10)))
          .isEqualTo(1);

      var nextPage = storage.list(query().limit(3).afterId(cursor).build());

      var expected =
          sortedNewestFirst(job -> job.id().compareTo(cursor) < 0).stream().limit(3).toList();
      assertThat(nextPage.jobs()).hasSize(3).containsExactlyElementsOf(expected);
    }

    @Test
    void list_ordersIds_asUnsignedNumbers() {
      for (var id : unsignedOrderIds()) {
        var job = Job.submit(id, spec(ALPHA), now());
        assertThat(storage.insert(List.of(job))).containsExactly(job);
        insertedIds.add(id);
      }

      var page = storage.list(query().limit(100).build());

      assertThat(page.jobs()).containsExactlyElementsOf(sortedNewestFirst(job -> true));
      assertThat(page.jobs().getFirst().id()).isEqualTo(unsignedOrderIds().getLast());
    }

    private JobQuery.Builder query() {
      return JobQuery.builder();
    }

    private void assertListed(JobQuery query, Predicate<Job> matches) {
      var expected = sortedNewestFirst(matches);
      assertThat(expected)
          .as("jobs the query should find: some, but not all, or the test could not fail")
          .isNotEmpty()
          .hasSizeLessThan(knownJobs().size());

      var page = storage.list(query);

      assertThat(page.jobs()).as("jobs listed for %s", query).containsExactlyElementsOf(expected);
      assertThat(page.nextAfterId()).as("cursor after the only page of %s", query).isEmpty();
    }

    private List<JobId> walkAllPages(JobQuery first, int pageSize) {
      var seen = new ArrayList<JobId>();
      var query = first;
      for (int pages = 1; ; pages++) {
        assertThat(pages).as("pages walked").isLessThanOrEqualTo(knownJobs().size() + 1);
        JobPage page = storage.list(query);
        page.jobs().forEach(job -> seen.add(job.id()));
        if (page.nextAfterId().isEmpty()) {
          return seen;
        }
        assertThat(page.jobs()).as("a page before the last").hasSize(pageSize);
        assertThat(page.nextAfterId()).contains(page.jobs().getLast().id());
        query = query.after(page.nextAfterId().get());
      }
    }
  }

  // ---- Stats -------------------------------------------------------------------------------

  @Nested
  class Stats {
    private static final String ALPHA = "alpha";
    private static final String BETA = "beta";
    private static final String GAMMA = "gamma";

    @Test
    void stats_listNoQueue_forAnEmptyStore() {
      assertThat(storage.stats(now())).isEmpty();
    }

    @Test
    void stats_countTheJobsOfEachQueue_inEveryState() {
      given(JobState.RUNNING, specBuilder(ALPHA));
      given(JobState.COMPLETED, specBuilder(ALPHA));
      given(JobState.FAILED, specBuilder(ALPHA));
      given(JobState.FAILED, specBuilder(ALPHA));
      given(JobState.CANCELLED, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(now().plus(Duration.ofHours(1))));
      given(JobState.PENDING, specBuilder(BETA));
      given(JobState.COMPLETED, specBuilder(GAMMA));

      var stats = storage.stats(now());

      assertThat(stats).extracting(QueueStats::queue).containsExactlyInAnyOrder(ALPHA, BETA, GAMMA);
      assertThat(stats(stats, ALPHA).counts()).isEqualTo(counts(3, 1, 1, 2, 1));
      assertThat(stats(stats, BETA).counts()).isEqualTo(counts(1, 0, 0, 0, 0));
      assertThat(stats(stats, GAMMA).counts()).isEqualTo(counts(0, 0, 1, 0, 0));
      assertThat(stats(stats, GAMMA).runnable()).isZero();
      assertThat(stats(stats, GAMMA).oldestRunnableAt()).isEmpty();
    }

    @Test
    void stats_countOnlyDuePendingJobsAsRunnable_andGiveTheEarliestRunAtAmongThem() {
      var at = now();
      var longAgo = at.minus(Duration.ofHours(3));
      given(JobState.RUNNING, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.COMPLETED, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.FAILED, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.CANCELLED, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at.minus(Duration.ofMinutes(10))));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at.minus(Duration.ofMinutes(30))));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at.plusMillis(1)));
      given(JobState.PENDING, specBuilder(BETA).runAt(at.minus(Duration.ofHours(2))));

      var stats = storage.stats(at);

      assertThat(stats(stats, ALPHA).runnable()).isEqualTo(3);
      assertThat(stats(stats, ALPHA).oldestRunnableAt()).contains(at.minus(Duration.ofMinutes(30)));
      assertThat(stats(stats, ALPHA).count(JobState.PENDING)).isEqualTo(4);
      assertThat(stats(stats, BETA).runnable()).isEqualTo(1);
      assertThat(stats(stats, BETA).oldestRunnableAt()).contains(at.minus(Duration.ofHours(2)));
    }

    @Test
    void stats_giveNoOldestRunAt_whenNoPendingJobIsDue() {
      given(JobState.RUNNING, specBuilder(ALPHA).runAt(now().minus(Duration.ofHours(1))));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(now().plusSeconds(1)));

      var alpha = stats(now(), ALPHA);

      assertThat(alpha.runnable()).isZero();
      assertThat(alpha.oldestRunnableAt()).isEmpty();
      assertThat(alpha.counts()).isEqualTo(counts(1, 1, 0, 0, 0));
    }

    @Test
    void stats_decideWhatIsRunnable_byTheGivenTime() {
      var runAt = now().plus(Duration.ofHours(1));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(runAt));

      assertThat(stats(now(), ALPHA).runnable()).isZero();
      assertThat(stats(runAt.minusMillis(1), ALPHA).runnable()).isZero();
      assertThat(stats(runAt, ALPHA).runnable()).isEqualTo(1);
      assertThat(stats(runAt, ALPHA).oldestRunnableAt()).contains(runAt);
      assertThat(stats(runAt.plus(Duration.ofDays(1)), ALPHA).oldestRunnableAt()).contains(runAt);
    }

    @Test
    void stats_dropAQueue_onceItsLastJobIsPurged() {
      given(JobState.COMPLETED, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(BETA));
      clock.advance(Duration.ofSeconds(1));

      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), now(), 10)))
          .isEqualTo(1);

      assertThat(storage.stats(now())).extracting(QueueStats::queue).containsExactly(BETA);
    }

    private Map<JobState, Long> counts(
        long pending, long running, long completed, long failed, long cancelled) {
      return Map.of(
          JobState.PENDING, pending,
          JobState.RUNNING, running,
          JobState.COMPLETED, completed,
          JobState.FAILED, failed,
          JobState.CANCELLED, cancelled);
    }
  }

  // ---- Purge -------------------------------------------------------------------------------

  @Nested
  class Delete {

    @ParameterizedTest(name = "{0}")
    @EnumSource(
        value = JobState.class,
        names = {"PENDING", "COMPLETED", "FAILED", "CANCELLED"})
    void delete_removesAJobThatIsNotRunning_andReturnsItAsItWas(JobState state) {
      var job = given(state, specBuilder(QUEUE));
      var other = insert(spec(QUEUE));

      assertThat(storage.delete(job.id())).contains(job);

      assertThat(storage.find(job.id())).isEmpty();
      assertThat(ids(storage.list(JobQuery.all()).jobs())).containsExactly(other.id());
      assertThat(stats(now(), QUEUE).count(state)).isEqualTo(state == JobState.PENDING ? 1 : 0);
    }

    @Test
    void delete_ofAPendingJob_keepsItFromBeingClaimed() {
      var deleted = insert(spec(QUEUE));
      var kept = insert(spec(QUEUE));
      assertThat(storage.delete(deleted.id())).isPresent();

      assertThat(ids(claim(QUEUE, 10))).containsExactly(kept.id());
    }

    @Test
    void delete_ofAScheduledJob_keepsItFromBeingClaimedWhenDue() {
      var later = insert(spec(QUEUE, Priority.NORMAL, now().plus(Duration.ofMinutes(5))));
      assertThat(storage.delete(later.id())).isPresent();
      clock.advance(Duration.ofMinutes(10));

      assertThat(claim(QUEUE, 10)).isEmpty();
    }

    @Test
    void delete_refusesARunningJob_andLeavesItRunning() {
      var running = claimNew(spec(QUEUE));

      assertThatThrownBy(() -> storage.delete(running.id()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(running.id().toString())
          .hasMessageContaining("running");

      assertThat(stored(running.id())).hasState(JobState.RUNNING).hasSameFieldsAs(running);
      assertThat(report(completedNow(running))).isEmpty();
    }

    @Test
    void delete_ofAnUnknownJob_returnsEmpty() {
      assertThat(storage.delete(nextId())).isEmpty();
    }

    @Test
    void delete_twice_returnsEmptyTheSecondTime() {
      var job = insert(spec(QUEUE));
      assertThat(storage.delete(job.id())).isPresent();

      assertThat(storage.delete(job.id())).isEmpty();
    }

    @Test
    void delete_freesTheUniqueKey() {
      var holder = given(JobState.FAILED, specBuilder(QUEUE).uniqueKey("export-9"));
      assertThat(storage.delete(holder.id())).isPresent();
      var successor = submit(specBuilder(QUEUE).uniqueKey("export-9").build());

      assertThat(storage.insert(List.of(successor))).containsExactly(successor);
    }
  }

  @Nested
  class Purge {

    @Test
    void purge_deletesFinishedJobs_thatFinishedStrictlyBeforeTheCutoff() {
      var early = given(JobState.COMPLETED, specBuilder(QUEUE));
      clock.advance(Duration.ofMinutes(1));
      var atCutoff = given(JobState.COMPLETED, specBuilder(QUEUE));
      var cutoff = now();
      clock.advance(Duration.ofMinutes(1));
      var late = given(JobState.COMPLETED, specBuilder(QUEUE));

      var deleted = storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), cutoff, 100));

      assertThat(deleted).isEqualTo(1);
      assertThat(storage.find(early.id())).isEmpty();
      assertThat(stored(atCutoff.id())).hasSameFieldsAs(atCutoff);
      assertThat(stored(late.id())).hasSameFieldsAs(late);
    }

    @Test
    void purge_deletesOnlyJobsInTheGivenStates() {
      var completed = given(JobState.COMPLETED, specBuilder(QUEUE));
      var failed = given(JobState.FAILED, specBuilder(QUEUE));
      var cancelled = given(JobState.CANCELLED, specBuilder(QUEUE));
      clock.advance(Duration.ofMinutes(1));

      var deleted =
          storage.purge(
              new PurgeRequest(EnumSet.of(JobState.FAILED, JobState.CANCELLED), now(), 100));

      assertThat(deleted).isEqualTo(2);
      assertThat(stored(completed.id())).hasSameFieldsAs(completed);
      assertThat(storage.find(failed.id())).isEmpty();
      assertThat(storage.find(cancelled.id())).isEmpty();
    }

    @Test
    void purge_deletesTheOldestFinishesFirst_upToTheLimit() {
      for (int i = 0; i < 5; i++) {
        insert(spec(QUEUE));
      }
      var claimed = claim(QUEUE, 10);
      assertThat(claimed).hasSize(5);
      var finishOrder = new ArrayList<JobId>();
      for (var job : claimed.reversed()) {
        clock.advance(Duration.ofSeconds(1));
        reportAccepted(completedNow(job));
        finishOrder.add(job.id());
      }
      var cutoff = now().plusSeconds(1);

      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), cutoff, 2)))
          .isEqualTo(2);

      for (var id : finishOrder.subList(0, 2)) {
        assertThat(storage.find(id)).as("job %s, among the two oldest finishes", id).isEmpty();
      }
      for (var id : finishOrder.subList(2, 5)) {
        assertThat(storage.find(id)).as("job %s, among the newer finishes", id).isPresent();
      }
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), cutoff, 10)))
          .isEqualTo(3);
    }

    @Test
    void purge_neverDeletesPendingOrRunningJobs() {
      var pending = given(JobState.PENDING, specBuilder(QUEUE));
      var running = given(JobState.RUNNING, specBuilder(QUEUE));
      var released = given(JobState.RUNNING, specBuilder(QUEUE));
      var pendingAgain = reportAccepted(new Released(released.id(), fence(released), now()));
      clock.advance(Duration.ofDays(365));

      var deleted =
          storage.purge(
              new PurgeRequest(
                  EnumSet.of(JobState.COMPLETED, JobState.FAILED, JobState.CANCELLED),
                  JobSpec.MAX_RUN_AT,
                  PurgeRequest.MAX_LIMIT));

      assertThat(deleted).isZero();
      assertThat(stored(pending.id())).hasSameFieldsAs(pending);
      assertThat(stored(running.id())).hasSameFieldsAs(running);
      assertThat(stored(released.id())).hasSameFieldsAs(pendingAgain);
    }

    @Test
    void purge_removesJobsFromFindListAndStats() {
      var completed = given(JobState.COMPLETED, specBuilder(QUEUE));
      var failed = given(JobState.FAILED, specBuilder(QUEUE));
      var kept = given(JobState.PENDING, specBuilder(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      assertThat(
              storage.purge(
                  new PurgeRequest(EnumSet.of(JobState.COMPLETED, JobState.FAILED), now(), 10)))
          .isEqualTo(2);

      assertThat(storage.find(completed.id())).isEmpty();
      assertThat(storage.find(failed.id())).isEmpty();
      assertThat(storage.list(JobQuery.all()).jobs()).containsExactly(kept);
      assertThat(storage.list(JobQuery.builder().state(JobState.COMPLETED).build()).jobs())
          .isEmpty();
      assertThat(stats(now(), QUEUE).counts())
          .containsEntry(JobState.COMPLETED, 0L)
          .containsEntry(JobState.FAILED, 0L)
          .containsEntry(JobState.PENDING, 1L);
    }

    @Test
    void purge_returnsZero_whenNothingMatches() {
      given(JobState.COMPLETED, specBuilder(QUEUE));

      assertThat(
              storage.purge(
                  new PurgeRequest(EnumSet.of(JobState.COMPLETED), now().minusMillis(1), 10)))
          .isZero();
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.FAILED), now(), 10))).isZero();
    }
  }

  // ---- Concurrency -------------------------------------------------------------------------

  @Nested
  class CancelRequestsAndGuards {

    /** A running job that an operator asked to cancel, as the store holds it now. */
    private Job runningAndAskedToCancel() {
      var claimed = claimNew(spec(QUEUE));
      return storage.update(claimed.id(), job -> job.cancel(now())).orElseThrow();
    }

    @Test
    void retriedOutcome_ofAJobAskedToCancel_endsItCancelled_exactlyAsTheDomainSays() {
      var asked = runningAndAskedToCancel();
      clock.advance(Duration.ofSeconds(1));
      var outcome =
          new Retried(asked.id(), fence(asked), now(), error(asked), now().plusSeconds(60));

      assertThat(report(outcome)).isEmpty();

      assertThat(stored(asked.id())).isEqualTo(outcome.applyTo(asked));
      assertThat(stored(asked.id()).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void failedAndReleasedOutcomes_ofJobsAskedToCancel_endThemCancelled() {
      var failing = runningAndAskedToCancel();
      var releasing = runningAndAskedToCancel();
      clock.advance(Duration.ofSeconds(1));
      var failed = new Failed(failing.id(), fence(failing), now(), error(failing));
      var released = new Released(releasing.id(), fence(releasing), now());

      assertThat(report(failed, released)).isEmpty();

      assertThat(stored(failing.id())).isEqualTo(failed.applyTo(failing));
      assertThat(stored(releasing.id())).isEqualTo(released.applyTo(releasing));
      assertThat(stored(releasing.id()).state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void completedOutcome_ofAJobAskedToCancel_stillCompletesIt() {
      var asked = runningAndAskedToCancel();

      assertThat(report(completedNow(asked))).isEmpty();

      assertThat(stored(asked.id()).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void extendLeases_neverShortensALeaseAlreadyHeldLonger() {
      var claimed = claimNew(spec(QUEUE));
      storage.extendLeases(List.of(extension(claimed, Duration.ofMinutes(10))));
      Instant longExpiry = stored(claimed.id()).lease().orElseThrow().expiresAt();

      storage.extendLeases(List.of(extension(claimed, Duration.ofSeconds(5))));

      assertThat(stored(claimed.id()).lease().orElseThrow().expiresAt()).isEqualTo(longExpiry);
    }

    @Test
    void insert_ofTheSameIdTwiceInOneCall_isRefused_andStoresNothing() {
      var job = submit(spec(QUEUE));
      var other = submit(spec(QUEUE));

      assertThatThrownBy(() -> storage.insert(List.of(other, job, job)))
          .isInstanceOf(IllegalArgumentException.class);

      assertThat(storage.find(job.id())).isEmpty();
      assertThat(storage.find(other.id())).isEmpty();
    }

    @Test
    void report_ofAStaleThenAValidOutcomeForOneJob_inOneCall_appliesTheValidOne() {
      var claimed = claimNew(spec(QUEUE));
      var stale = new Completed(claimed.id(), fence(claimed) - 1, now());
      var valid = completedNow(claimed);

      assertThat(report(stale, valid)).containsExactly(stale);

      assertThat(stored(claimed.id()).state()).isEqualTo(JobState.COMPLETED);
    }
  }

  @Nested
  class Concurrency {
    private static final int THREADS = 8;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void concurrentClaims_returnEveryJobExactlyOnce() throws Exception {
      int total = 10_000;
      var jobs = insertMany(QUEUE, total);
      var tasks = new ArrayList<Callable<List<Job>>>();
      for (int t = 0; t < THREADS; t++) {
        var owner = "worker-" + t;
        var limits = new SplittableRandom(SEED + t);
        tasks.add(() -> claimUntilEmpty(owner, limits, total));
      }

      var perThread = runConcurrently(tasks);

      var claimedIds = perThread.stream().flatMap(List::stream).map(Job::id).toList();
      assertThat(claimedIds).hasSize(total);
      assertThat(new HashSet<>(claimedIds)).as("distinct claimed ids").hasSize(total);
      assertThat(new HashSet<>(claimedIds)).isEqualTo(new HashSet<>(ids(jobs)));
      for (int t = 0; t < THREADS; t++) {
        for (var job : perThread.get(t)) {
          assertThat(job).hasState(JobState.RUNNING).hasAttempt(1).isLeasedBy("worker-" + t);
          assertThat(stored(job.id())).hasSameFieldsAs(job);
        }
      }
      var stats = stats(now(), QUEUE);
      assertThat(stats.count(JobState.RUNNING)).isEqualTo(total);
      assertThat(stats.count(JobState.PENDING)).isZero();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void concurrentClaimsOfDifferentKinds_eachTakeOnlyTheirKinds_andEveryJobOnce()
        throws Exception {
      int total = 3_000;
      var kinds = List.of("a.run", "b.run", "c.run");
      var jobs = new ArrayList<Job>(total);
      for (int i = 0; i < total; i++) {
        var spec =
            specBuilder(QUEUE)
                .kind(kinds.get(random.nextInt(kinds.size())))
                .priority(Priority.of(random.nextInt(101)))
                .build();
        jobs.add(submit(spec));
      }
      insertAll(jobs);
      // Two claimers per kind, and two that run b and c: every job has claimers racing for it.
      var filters =
          List.of(
              Set.of("a.run"),
              Set.of("a.run"),
              Set.of("b.run"),
              Set.of("c.run"),
              Set.of("b.run", "c.run"),
              Set.of("b.run", "c.run"));
      var tasks = new ArrayList<Callable<List<Job>>>();
      for (int t = 0; t < filters.size(); t++) {
        var filter = filters.get(t);
        var limits = new SplittableRandom(SEED + t);
        var owner = "worker-" + t;
        tasks.add(
            () -> {
              var mine = new ArrayList<Job>();
              List<Job> batch;
              while (!(batch =
                      storage.claim(
                          new ClaimRequest(
                              QUEUE, 1 + limits.nextInt(20), owner, LEASE, now(), filter)))
                  .isEmpty()) {
                mine.addAll(batch);
              }
              return mine;
            });
      }

      var perThread = runConcurrently(tasks);

      var claimedIds = new ArrayList<JobId>();
      for (int t = 0; t < filters.size(); t++) {
        var filter = filters.get(t);
        assertThat(perThread.get(t))
            .as("jobs claimed by a claimer of kinds %s", filter)
            .allSatisfy(job -> assertThat(filter).contains(job.kind()));
        perThread.get(t).forEach(job -> claimedIds.add(job.id()));
      }
      assertThat(claimedIds).doesNotHaveDuplicates().hasSize(total);
      assertThat(stats(now(), QUEUE).count(JobState.PENDING)).isZero();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void concurrentClaimsAndReports_completeEveryJobOnce() throws Exception {
      int total = 4_000;
      var jobs = insertMany(QUEUE, total);
      var handOff = new LinkedBlockingQueue<Job>();
      var claimersLeft = new CountDownLatch(4);
      var claimedIds = new ConcurrentLinkedQueue<JobId>();
      var reportedIds = new ConcurrentLinkedQueue<JobId>();
      var refused = new ConcurrentLinkedQueue<Outcome>();
      var tasks = new ArrayList<Callable<Void>>();
      for (int t = 0; t < 4; t++) {
        var owner = "claimer-" + t;
        var limits = new SplittableRandom(SEED + t);
        tasks.add(
            () -> {
              try {
                for (var job : claimUntilEmpty(owner, limits, total, handOff)) {
                  claimedIds.add(job.id());
                }
              } finally {
                claimersLeft.countDown();
              }
              return null;
            });
      }
      for (int t = 0; t < 4; t++) {
        var sizes = new SplittableRandom(SEED + 100 + t);
        tasks.add(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                var first = handOff.poll(10, TimeUnit.MILLISECONDS);
                if (first == null) {
                  if (claimersLeft.getCount() == 0 && handOff.isEmpty()) {
                    return null;
                  }
                  continue;
                }
                var batch = new ArrayList<Job>(List.of(first));
                handOff.drainTo(batch, sizes.nextInt(20));
                var outcomes =
                    batch.stream()
                        .<Outcome>map(job -> new Completed(job.id(), fence(job), now()))
                        .toList();
                refused.addAll(storage.report(outcomes));
                batch.forEach(job -> reportedIds.add(job.id()));
              }
              return null;
            });
      }

      runConcurrently(tasks);

      assertThat(refused).as("refused outcomes").isEmpty();
      assertThat(claimedIds).hasSize(total).doesNotHaveDuplicates();
      assertThat(reportedIds).hasSize(total).doesNotHaveDuplicates();
      for (var job : jobs) {
        assertThat(stored(job.id()))
            .as("claimed once and completed once")
            .hasState(JobState.COMPLETED)
            .hasAttempt(1)
            .hasVersion(3);
      }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void concurrentRescueAndLateCompletion_neverBothTakeEffect() throws Exception {
      int total = 2_000;
      insertMany(QUEUE, total);
      var claimed = new ArrayList<Job>();
      for (var batch = claim(QUEUE, 1_000); !batch.isEmpty(); batch = claim(QUEUE, 1_000)) {
        claimed.addAll(batch);
      }
      assertThat(claimed).hasSize(total);
      clock.advance(LEASE.plusSeconds(1));
      var late = now();
      var completedIds = ConcurrentHashMap.<JobId>newKeySet();
      var rescuedIds = new ConcurrentLinkedQueue<JobId>();
      var tasks = new ArrayList<Callable<Void>>();
      for (int t = 0; t < 4; t++) {
        int slice = t;
        tasks.add(
            () -> {
              for (int i = slice; i < claimed.size(); i += 4) {
                var job = claimed.get(i);
                var refused = storage.report(List.of(new Completed(job.id(), fence(job), late)));
                if (refused.isEmpty()) {
                  completedIds.add(job.id());
                }
              }
              return null;
            });
      }
      for (int t = 0; t < 2; t++) {
        var rng = new SplittableRandom(SEED + t);
        tasks.add(
            () -> {
              for (int round = 0; round <= total; round++) {
                var batch =
                    storage.rescueExpired(new RescueRequest(late, 1 + rng.nextInt(50), rng));
                if (batch.isEmpty()) {
                  return null;
                }
                batch.forEach(job -> rescuedIds.add(job.id()));
              }
              return null;
            });
      }

      runConcurrently(tasks);

      assertThat(rescuedIds).as("rescued jobs").doesNotHaveDuplicates();
      var both = new HashSet<>(completedIds);
      both.retainAll(new HashSet<>(rescuedIds));
      assertThat(both).as("jobs both completed and rescued").isEmpty();
      assertThat(completedIds.size() + rescuedIds.size())
          .as("jobs completed or rescued")
          .isEqualTo(total);
      for (var job : claimed) {
        var current = stored(job.id());
        if (completedIds.contains(job.id())) {
          assertThat(current).hasState(JobState.COMPLETED).hasErrorCount(0).hasVersion(3);
        } else {
          assertThat(current)
              .hasState(JobState.PENDING)
              .hasLastErrorType("LeaseExpired")
              .hasAttempt(1)
              .hasVersion(3);
        }
      }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void concurrentInserts_withTheSameUniqueKey_storeOneJobPerKey() throws Exception {
      int keys = 100;
      var jobsPerThread = new ArrayList<List<Job>>();
      for (int t = 0; t < THREADS; t++) {
        var jobs = new ArrayList<Job>();
        for (int k = 0; k < keys; k++) {
          jobs.add(submit(specBuilder(QUEUE).uniqueKey("key-" + k).build()));
        }
        Collections.shuffle(jobs, new SplittableRandom(SEED + t));
        jobsPerThread.add(jobs);
      }
      var tasks = new ArrayList<Callable<Map<String, JobId>>>();
      for (var jobs : jobsPerThread) {
        tasks.add(
            () -> {
              var holders = new HashMap<String, JobId>();
              for (var job : jobs) {
                var returned = storage.insert(List.of(job));
                assertThat(returned).hasSize(1);
                holders.put(job.uniqueKey().orElseThrow(), returned.getFirst().id());
              }
              return holders;
            });
      }

      var holdersPerThread = runConcurrently(tasks);

      for (int k = 0; k < keys; k++) {
        var key = "key-" + k;
        var holders = holdersPerThread.stream().map(holder -> holder.get(key)).distinct().toList();
        assertThat(holders).as("holders of key %s seen by the threads", key).hasSize(1);
        assertThat(stored(holders.getFirst()).uniqueKey()).contains(key);
      }
      assertThat(stats(now(), QUEUE).count(JobState.PENDING)).isEqualTo(keys);
    }

    private List<Job> claimUntilEmpty(String owner, RandomGenerator limits, int atMost) {
      return claimUntilEmpty(owner, limits, atMost, null);
    }

    private List<Job> claimUntilEmpty(
        String owner, RandomGenerator limits, int atMost, LinkedBlockingQueue<Job> handOff) {
      var mine = new ArrayList<Job>();
      while (mine.size() <= atMost && !Thread.currentThread().isInterrupted()) {
        var batch =
            storage.claim(new ClaimRequest(QUEUE, 1 + limits.nextInt(50), owner, LEASE, now()));
        if (batch.isEmpty()) {
          break;
        }
        mine.addAll(batch);
        if (handOff != null) {
          handOff.addAll(batch);
        }
      }
      return mine;
    }
  }

  // ---- Arguments ---------------------------------------------------------------------------

  static Stream<Arguments> retryPolicies() {
    return Stream.of(
        Arguments.of(Named.of("exponential, default", RetryPolicy.exponential())),
        Arguments.of(
            Named.of(
                "exponential, 250 ms to 90 s",
                RetryPolicy.exponential(Duration.ofMillis(250), Duration.ofSeconds(90)))),
        Arguments.of(Named.of("fixed, 45 s", RetryPolicy.fixed(Duration.ofSeconds(45)))),
        Arguments.of(Named.of("fixed, zero", RetryPolicy.fixed(Duration.ZERO))),
        Arguments.of(Named.of("fixed, longest", RetryPolicy.fixed(RetryPolicy.MAX_DELAY))),
        Arguments.of(Named.of("none", RetryPolicy.none())));
  }

  static Stream<Arguments> payloads() {
    return Stream.of(
        Arguments.of(Named.of("empty object", "{}")),
        Arguments.of(
            Named.of(
                "quotes, backslashes and SQL",
                "{\"quote\":\"say \\\"hi\\\"\",\"path\":\"C:\\\\temp\\\\new\","
                    + "\"slash\":\"a\\/b\",\"sql\":\"'); DROP TABLE jobs; --\"}")),
        Arguments.of(
            Named.of(
                "JSON escapes of control characters and surrogates",
                "{\"escaped\":\"\\u0000 \\u001f \\ud83d\\ude80 \\n \\t \\\\u0041\"}")),
        Arguments.of(
            Named.of(
                "many scripts, emoji and invisible marks",
                "{\"text\":\"Gr\u00fc\u00dfe \u4f60\u597d \u0645\u0631\u062d\u0628\u0627"
                    + " \u05e9\u05dc\u05d5\u05dd \ud83d\ude80\ud83d\udc69\u200d\ud83d\udcbb"
                    + " e\u0301 [\u200b] [\ufeff] [\u2028] \ud800\udc00\"}")),
        Arguments.of(
            Named.of(
                "whitespace, key order and number forms as written",
                "  {\n  \"b\" : 1,\n\t\"a\" : [ 1.0, 2e3, -0, 12345678901234567890123 ]\r\n}  ")),
        Arguments.of(Named.of("a string ending in a backslash", "\"ends in \\\\\"")),
        Arguments.of(Named.of("a bare number", "42")));
  }

  static Stream<Arguments> edgeRunAts() {
    return Stream.of(
        Arguments.of(Named.of("earliest allowed", JobSpec.MIN_RUN_AT)),
        Arguments.of(Named.of("latest allowed", JobSpec.MAX_RUN_AT)),
        Arguments.of(Named.of("with milliseconds", Instant.parse("2030-06-15T12:34:56.789Z"))));
  }

  // ---- Helpers -----------------------------------------------------------------------------

  private Instant now() {
    return clock.instant();
  }

  private JobId nextId() {
    return TestJobs.id(++lastId);
  }

  private TestJobs.SpecBuilder specBuilder(String queue) {
    return TestJobs.spec(queue, now());
  }

  private JobSpec spec(String queue) {
    return specBuilder(queue).build();
  }

  private JobSpec spec(String queue, Priority priority, Instant runAt) {
    return specBuilder(queue).priority(priority).runAt(runAt).build();
  }

  /** A new job of {@code spec}, submitted now under the next id, not yet stored. */
  private Job submit(JobSpec spec) {
    return Job.submit(nextId(), spec, now());
  }

  /** Submits and stores a job, checking that the store returns it as given. */
  private Job insert(JobSpec spec) {
    var job = submit(spec);
    assertThat(storage.insert(List.of(job)))
        .as("insert of new job %s", job.id())
        .containsExactly(job);
    insertedIds.add(job.id());
    return job;
  }

  /** Stores jobs in calls of a few hundred, checking that the store returns them as given. */
  private void insertAll(List<Job> jobs) {
    for (int from = 0; from < jobs.size(); from += INSERT_CHUNK) {
      var chunk = jobs.subList(from, Math.min(jobs.size(), from + INSERT_CHUNK));
      assertThat(storage.insert(chunk)).as("insert of new jobs").containsExactlyElementsOf(chunk);
      chunk.forEach(job -> insertedIds.add(job.id()));
    }
  }

  private List<Job> insertMany(String queue, int count) {
    var jobs = new ArrayList<Job>(count);
    for (int i = 0; i < count; i++) {
      jobs.add(submit(spec(queue)));
    }
    insertAll(jobs);
    return jobs;
  }

  /**
   * A stored job in {@code state}. Jobs that need a claim to get there get priority {@link
   * Priority#URGENT}, so that the claim takes them ahead of the pending jobs already in the queue.
   */
  private Job given(JobState state, TestJobs.SpecBuilder spec) {
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

  private List<Job> claim(String queue, int limit) {
    return claim(queue, limit, OWNER, LEASE);
  }

  private List<Job> claim(String queue, int limit, String owner, Duration lease) {
    return storage.claim(new ClaimRequest(queue, limit, owner, lease, now()));
  }

  private List<Job> claimKinds(String queue, int limit, Set<String> kinds) {
    return storage.claim(new ClaimRequest(queue, limit, OWNER, LEASE, now(), kinds));
  }

  /** Claims one job, checking that it is {@code job}: the test set its queue up so. */
  private Job claimOnly(Job job) {
    return claimOnly(job, OWNER, LEASE);
  }

  private Job claimOnly(Job job, String owner) {
    return claimOnly(job, owner, LEASE);
  }

  private Job claimOnly(Job job, String owner, Duration lease) {
    var claimed = claim(job.queue(), 1, owner, lease);
    assertThat(claimed)
        .as("claim of job %s, which the test expects next in queue %s", job.id(), job.queue())
        .extracting(Job::id)
        .containsExactly(job.id());
    return claimed.getFirst();
  }

  private Job claimNew(JobSpec spec) {
    return claimOnly(insert(spec));
  }

  private List<Outcome> report(Outcome... outcomes) {
    return storage.report(List.of(outcomes));
  }

  /** Reports an outcome that must be accepted and returns the job as stored afterwards. */
  private Job reportAccepted(Outcome outcome) {
    assertThat(report(outcome)).as("refused outcomes").isEmpty();
    return stored(outcome.jobId());
  }

  private Completed completedNow(Job claimed) {
    return new Completed(claimed.id(), fence(claimed), now());
  }

  private AttemptError error(Job claimed) {
    return new AttemptError(
        claimed.attempt(),
        now(),
        "java.io.IOException",
        "Connection reset by peer",
        "java.io.IOException: Connection reset by peer\n\tat com.example.Mailer.send(Mailer.java:42)\n");
  }

  private LeaseExtension extension(Job claimed, Duration longer) {
    return new LeaseExtension(claimed.id(), fence(claimed), now().plus(longer), now());
  }

  private List<Job> rescue(int limit) {
    return storage.rescueExpired(new RescueRequest(now(), limit, random));
  }

  private Job stored(JobId id) {
    return storage
        .find(id)
        .orElseThrow(() -> new AssertionError("Job %s is not in the store.".formatted(id)));
  }

  /** Every job this test inserted that the store still holds, read back one by one. */
  private List<Job> knownJobs() {
    return insertedIds.stream().map(storage::find).flatMap(Optional::stream).toList();
  }

  private List<Job> sortedNewestFirst(Predicate<Job> matches) {
    return knownJobs().stream().filter(matches).sorted(NEWEST_FIRST).toList();
  }

  private QueueStats stats(Instant at, String queue) {
    return stats(storage.stats(at), queue);
  }

  private static QueueStats stats(List<QueueStats> all, String queue) {
    var matching = all.stream().filter(stats -> stats.queue().equals(queue)).toList();
    assertThat(matching).as("statistics of queue %s", queue).hasSize(1);
    return matching.getFirst();
  }

  private static long fence(Job claimed) {
    return claimed
        .lease()
        .orElseThrow(() -> new AssertionError("Job %s has no lease.".formatted(claimed.id())))
        .fence();
  }

  private static List<JobId> ids(List<Job> jobs) {
    return ids(jobs.stream());
  }

  private static List<JobId> ids(Stream<Job> jobs) {
    return jobs.map(Job::id).toList();
  }

  /** Ids in increasing unsigned order whose signed order differs: a store must not sort signed. */
  private static List<JobId> unsignedOrderIds() {
    // Above every TestJobs.id(n), whose timestamp field stays below 0x0191_0000_0000.
    long above = 0x0191_0000_0000_7000L;
    return List.of(
        JobId.of(new UUID(above, 0x0000_0000_0000_0001L)),
        JobId.of(new UUID(above, 0x8000_0000_0000_0001L)),
        JobId.of(new UUID(0xf190_0000_0000_7000L, 0x8000_0000_0000_0001L)));
  }

  private static String largestPayload() {
    // {"blob":"...."} with the filler sized to land exactly on the byte limit.
    int filler = JobSpec.MAX_PAYLOAD_BYTES - "{\"blob\":\"\"}".length();
    return "{\"blob\":\"" + "\u00e9".repeat(filler / 2) + "a".repeat(filler % 2) + "\"}";
  }

  /** Runs the tasks on their own threads, started together, and returns their results in order. */
  private static <T> List<T> runConcurrently(List<Callable<T>> tasks) throws Exception {
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
