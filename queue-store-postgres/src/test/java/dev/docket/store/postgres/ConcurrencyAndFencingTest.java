package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.usecase.Maintenance;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConcurrencyAndFencingTest {

  @Test
  @Timeout(120)
  void twoIndependentPools_claimingOneQueueTogether_getEveryJobExactlyOnce() throws Exception {
    try (var pg = new PgFixture("twopools")) {
      PostgresStore second = pg.open(o -> o.listen(false).poolSize(4));
      List<Job> jobs = pg.prepare(5_000, "shared");
      pg.store.storage().insert(jobs);
      var claims = new ConcurrentHashMap<JobId, AtomicInteger>();
      var start = new CountDownLatch(1);
      var pool = Executors.newFixedThreadPool(8);
      var tasks = new ArrayList<Callable<Integer>>();
      for (int t = 0; t < 8; t++) {
        JobStorage storage = t % 2 == 0 ? pg.store.storage() : second.storage();
        String owner = "node-" + (t % 2) + "-thread-" + t;
        int limit = 1 + t * 7;
        tasks.add(
            () -> {
              start.await();
              int mine = 0;
              while (true) {
                List<Job> claimed =
                    storage.claim(
                        new ClaimRequest(
                            "shared", limit, owner, Duration.ofMinutes(5), pg.clock.instant()));
                if (claimed.isEmpty()) {
                  return mine;
                }
                var outcomes = new ArrayList<Outcome>();
                for (Job job : claimed) {
                  claims.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
                  outcomes.add(
                      new Outcome.Completed(
                          job.id(), job.lease().orElseThrow().fence(), pg.clock.instant()));
                }
                assertThat(storage.report(outcomes)).isEmpty();
                mine += claimed.size();
              }
            });
      }
      List<Future<Integer>> results = new ArrayList<>();
      for (var task : tasks) {
        results.add(pool.submit(task));
      }
      start.countDown();
      int total = 0;
      for (var result : results) {
        total += result.get();
      }
      pool.shutdown();

      assertThat(total).isEqualTo(5_000);
      assertThat(claims).hasSize(5_000);
      assertThat(claims.values()).allSatisfy(count -> assertThat(count).hasValue(1));
      assertThat(pg.count("state = 'completed'")).isEqualTo(5_000);
    }
  }

  @Test
  void jobRescuedFromAStalledNode_andClaimedByAnother_refusesTheStaleNodesLateCompletion() {
    try (var pg = new PgFixture("fencing")) {
      PostgresStore nodeB = pg.open(o -> o.listen(false));
      Job job = pg.client.submit(dev.docket.usecase.JobRequest.ofJson("k", "{}").build());
      Job claimedByA =
          pg.store
              .storage()
              .claim(
                  new ClaimRequest(
                      "default", 1, "node-a", Duration.ofSeconds(30), pg.clock.instant()))
              .get(0);

      pg.clock.advance(Duration.ofSeconds(30));
      var maintenanceOnB = new Maintenance(nodeB.storage(), pg.clock, pg.random);
      assertThat(maintenanceOnB.rescueExpiredLeases()).isEqualTo(1);
      pg.clock.set(nodeB.storage().find(job.id()).orElseThrow().runAt());
      Job claimedByB =
          nodeB
              .storage()
              .claim(
                  new ClaimRequest(
                      "default", 1, "node-b", Duration.ofSeconds(30), pg.clock.instant()))
              .get(0);
      var late =
          new Outcome.Completed(
              job.id(), claimedByA.lease().orElseThrow().fence(), pg.clock.instant());
      var onTime =
          new Outcome.Completed(
              job.id(), claimedByB.lease().orElseThrow().fence(), pg.clock.instant());

      assertThat(pg.store.storage().report(List.of(late))).containsExactly(late);
      assertThat(nodeB.storage().report(List.of(onTime))).isEmpty();

      Job done = pg.store.storage().find(job.id()).orElseThrow();
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.errors())
          .singleElement()
          .satisfies(e -> assertThat(e.type()).isEqualTo("LeaseExpired"));
    }
  }

  @Test
  void bulkInsert_ofTwentyThousandJobs_inOneCall_storesThemAll_inOneTransaction() {
    try (var pg = new PgFixture("bulk")) {
      List<Job> jobs = pg.prepare(20_000, "bulk");

      List<Job> stored = pg.store.storage().insert(jobs);

      assertThat(stored).containsExactlyElementsOf(jobs);
      assertThat(pg.count("queue = 'bulk'")).isEqualTo(20_000);
    }
  }
}
