package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Priority;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.RescueRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules of {@link JobStorage} under concurrency: threads claiming at once never receive the
 * same job, whatever kinds they ask for; a late report racing a rescue never has both take effect;
 * concurrent inserts of one unique key store one job. The tests use up to 8 threads and 10,000
 * jobs, each under a time limit so that a store that deadlocks fails instead of hanging the build.
 * Bring this part up last.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class ConcurrencyContract extends JobStorageFixture {
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

  private List<Job> insertMany(String queue, int count) {
    var jobs = new ArrayList<Job>(count);
    for (int i = 0; i < count; i++) {
      jobs.add(submit(spec(queue)));
    }
    insertAll(jobs);
    return jobs;
  }
}
