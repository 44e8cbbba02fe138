package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.StorageException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL goes away under a running node (a proxy between them is cut) and comes back: the node
 * keeps running, an enqueue meanwhile fails with a clear exception, and every job stored before,
 * during the work and after completes, with nothing lost.
 */
class DatabaseOutageTest {
  record Work(int n) {}

  static final JobType<Work> WORK = JobType.of("outage.work", Work.class);
  static final String QUEUE = "outage";

  private final TestDatabase db = TestDatabase.get();
  private String schema;
  private TcpProxy proxy;
  private DocketRuntime docket;
  private PostgresStore observer;
  private final Set<JobId> ran = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    schema = db.freshSchema("outage");
    URI target = URI.create(db.url.substring("jdbc:".length()));
    proxy = new TcpProxy(target.getHost(), target.getPort());
    String viaProxy =
        "jdbc:postgresql://127.0.0.1:%d%s".formatted(proxy.port(), target.getRawPath());
    var options =
        db.options(schema)
            .url(viaProxy)
            .connectionTimeout(Duration.ofSeconds(1))
            .poolSize(4)
            .build();
    observer = PostgresStore.start(db.options(schema).listen(false).poolSize(2).build());
    docket =
        PostgresRuntimes.runtime(
            options,
            RuntimeOptions.builder()
                .queue(QUEUE, 4)
                .leaseDuration(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .shutdownGrace(Duration.ofSeconds(2))
                .build(),
            HandlerBinding.of(WORK, (work, context) -> ran.add(context.jobId())));
    docket.start();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.restore();
    docket.close();
    observer.close();
    proxy.close();
    db.dropSchema(schema);
  }

  private List<Job> submit(int from, int count) {
    var requests = new ArrayList<JobRequest>();
    for (int i = from; i < from + count; i++) {
      requests.add(JobRequest.of(WORK, new Work(i)).queue(QUEUE).build());
    }
    return docket.client().submitAll(requests);
  }

  private void awaitCompleted(List<Job> jobs) {
    Awaitility.await("every job completes")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                jobs.stream()
                    .allMatch(
                        j ->
                            observer.storage().find(j.id()).orElseThrow().state()
                                == JobState.COMPLETED));
  }

  @Test
  @Timeout(120)
  void outage_failsEnqueuesClearly_keepsTheNodeRunning_andLosesNoJob() throws Exception {
    var before = submit(0, 50);
    awaitCompleted(before);

    proxy.cut();
    long started = System.nanoTime();
    assertThatThrownBy(() -> submit(50, 10))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("PostgreSQL could not insert 10 jobs");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("an enqueue during the outage fails within the connection timeout, not 30 s")
        .isLessThan(Duration.ofSeconds(10));
    // Jobs stored meanwhile by another node (the observer has its own connection) wait for it.
    var duringOutage = PostgresRuntimes.client(observer.storage()).submitAll(requests(60, 30));
    assertThat(docket.isRunning()).isTrue();

    proxy.restore();
    // The pool may still hand out a connection the outage broke, once: the caller sees a
    // StorageException and tries again, as it would for any failed enqueue.
    var after = new ArrayList<Job>();
    Awaitility.await("an enqueue succeeds again")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreException(StorageException.class)
        .until(() -> after.addAll(submit(100, 50)));

    awaitCompleted(duringOutage);
    awaitCompleted(after);
    var all = new ArrayList<Job>(before);
    all.addAll(duringOutage);
    all.addAll(after);
    assertThat(ran).containsAll(all.stream().map(Job::id).toList());
    assertThat(observer.storage().stats(java.time.Instant.now()))
        .singleElement()
        .satisfies(
            stats -> {
              assertThat(stats.count(JobState.COMPLETED)).isEqualTo(130);
              assertThat(stats.count(JobState.PENDING)).isZero();
              assertThat(stats.count(JobState.RUNNING)).isZero();
              assertThat(stats.count(JobState.FAILED)).isZero();
            });
  }

  @Test
  @Timeout(120)
  void jobsRunningWhenTheDatabaseGoes_areReportedOnceItIsBack_withinTheirLease() throws Exception {
    var release = new java.util.concurrent.CountDownLatch(1);
    docket.close();
    docket =
        PostgresRuntimes.runtime(
            db.options(schema)
                .url(
                    "jdbc:postgresql://127.0.0.1:%d%s"
                        .formatted(
                            proxy.port(),
                            URI.create(db.url.substring("jdbc:".length())).getRawPath()))
                .connectionTimeout(Duration.ofSeconds(1))
                .poolSize(4)
                .build(),
            RuntimeOptions.builder()
                .queue(QUEUE, 4)
                .leaseDuration(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .shutdownGrace(Duration.ofSeconds(2))
                .build(),
            HandlerBinding.of(
                WORK,
                (work, context) -> {
                  release.await();
                  ran.add(context.jobId());
                }));
    docket.start();
    var jobs = submit(0, 4);
    Awaitility.await("the four jobs run")
        .atMost(Duration.ofSeconds(30))
        .until(() -> docket.busy().get(QUEUE) == 4);

    proxy.cut();
    release.countDown(); // they finish while the database is unreachable
    Awaitility.await("the handlers return")
        .atMost(Duration.ofSeconds(10))
        .until(() -> ran.size() == 4);
    proxy.restore();

    awaitCompleted(jobs);
    for (Job job : jobs) {
      assertThat(observer.storage().find(job.id()).orElseThrow().attempt())
          .as("completed on its first attempt: the outcome waited for the database, no rerun")
          .isEqualTo(1);
    }
  }

  private static List<JobRequest> requests(int from, int count) {
    var requests = new ArrayList<JobRequest>();
    for (int i = from; i < from + count; i++) {
      requests.add(JobRequest.of(WORK, new Work(i)).queue(QUEUE).build());
    }
    return requests;
  }
}
