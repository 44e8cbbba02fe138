package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.DocketStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /api/nodes} with what each node runs now, and {@code GET /api/queues} with which nodes
 * serve each queue, on two nodes over one memory store: {@code node-web}, which answers HTTP and
 * runs {@code web.block} in queue {@code web}, and {@code node-worker}, which runs {@code
 * work.block} in queue {@code work}. Both handlers hold their jobs until the test lets them go.
 */
@Timeout(60)
class NodesApiTest {
  record Task(int n) {}

  static final JobType<Task> WEB_BLOCK = JobType.of("web.block", Task.class);
  static final JobType<Task> WORK_BLOCK = JobType.of("work.block", Task.class);

  private final CountDownLatch release = new CountDownLatch(1);
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private HttpFixture docket;
  private DocketRuntime worker;

  private HandlerBinding<Task> blocking(JobType<Task> type) {
    return HandlerBinding.of(
        type,
        (task, context) -> {
          started.add(context.jobId().toString());
          release.await(30, TimeUnit.SECONDS);
        });
  }

  @BeforeEach
  void startTwoNodes() {
    docket =
        HttpFixture.start(
            RuntimeOptions.builder()
                .owner("node-web")
                .queue("web", 2)
                .pollInterval(Duration.ofMillis(50))
                .build(),
            HttpFixture.httpOptions().build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder()).addBinding().toInstance(blocking(WEB_BLOCK));
              }
            });
    DocketStore store = docket.injector.getInstance(DocketStore.class);
    worker =
        Guice.createInjector(
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    bind(DocketStore.class).toInstance(store);
                  }
                },
                new DocketModule(
                    RuntimeOptions.builder()
                        .owner("node-worker")
                        .queue("work", 110)
                        .pollInterval(Duration.ofMillis(50))
                        .build()),
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    DocketModule.handlers(binder()).addBinding().toInstance(blocking(WORK_BLOCK));
                  }
                })
            .getInstance(DocketRuntime.class);
    worker.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.get("/api/nodes").json().size() == 2);
  }

  @AfterEach
  void stop() {
    release.countDown();
    worker.stop(Duration.ofSeconds(5));
    docket.close();
  }

  private String enqueue(String kind, String queue) {
    return docket
        .enqueue("{\"kind\": \"%s\", \"queue\": \"%s\"}".formatted(kind, queue))
        .path("id")
        .asText();
  }

  private JsonNode node(String name) {
    for (JsonNode node : docket.get("/api/nodes").json()) {
      if (node.path("name").asText().equals(name)) {
        return node;
      }
    }
    throw new AssertionError("No node " + name + " in /api/nodes");
  }

  private static List<String> ids(JsonNode running) {
    return StreamSupport.stream(running.spliterator(), false)
        .map(job -> job.path("id").asText())
        .toList();
  }

  @Test
  void eachNode_showsItsBusyHandlers_andTheJobsItRuns_untilTheyFinish() {
    Instant before = Instant.now();
    String onWeb = enqueue("web.block", "web");
    String onWorker = enqueue("work.block", "work");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> started.containsAll(List.of(onWeb, onWorker)));

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(node("node-web").path("busy").toString()).isEqualTo("{\"web\":1}");
              assertThat(node("node-worker").path("busy").toString()).isEqualTo("{\"work\":1}");
            });
    JsonNode web = node("node-web");
    assertThat(web.path("self").asBoolean()).isTrue();
    assertThat(web.path("moreRunning").asBoolean()).isFalse();
    assertThat(ids(web.path("running"))).containsExactly(onWeb);
    JsonNode job = web.path("running").get(0);
    assertThat(job.path("kind").asText()).isEqualTo("web.block");
    assertThat(job.path("queue").asText()).isEqualTo("web");
    assertThat(job.path("attempt").asInt()).isEqualTo(1);
    Instant startedAt = Instant.parse(job.path("startedAt").asText());
    assertThat(startedAt).isAfterOrEqualTo(before.minusSeconds(1)).isBeforeOrEqualTo(Instant.now());
    assertThat(job.path("elapsedSeconds").isNumber()).isTrue();
    assertThat(job.path("elapsedSeconds").asDouble()).isBetween(0.0, 30.0);
    assertThat(Instant.parse(job.path("leaseExpiresAt").asText())).isAfter(startedAt);
    assertThat(docket.get("/api/jobs/" + onWeb).json().path("lease").path("startedAt").asText())
        .as("the job's own lease")
        .isEqualTo(job.path("startedAt").asText());
    assertThat(ids(node("node-worker").path("running"))).containsExactly(onWorker);

    release.countDown();

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode done = node("node-worker");
              assertThat(done.path("busy").toString()).isEqualTo("{\"work\":0}");
              assertThat(done.path("running").isEmpty()).isTrue();
              assertThat(node("node-web").path("busy").toString()).isEqualTo("{\"web\":0}");
              assertThat(node("node-web").path("running").isEmpty()).isTrue();
            });
  }

  @Test
  void aNodeRunningMoreThan100Jobs_listsTheLongestRunning100_andSaysThereAreMore() {
    var ids = new ArrayList<String>();
    for (int i = 0; i < 101; i++) {
      ids.add(enqueue("work.block", "work"));
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> started.containsAll(ids));

    JsonNode worker = node("node-worker");

    assertThat(worker.path("moreRunning").asBoolean()).isTrue();
    assertThat(worker.path("running")).hasSize(ApiRoutes.RUNNING_PER_NODE);
    List<Instant> starts =
        StreamSupport.stream(worker.path("running").spliterator(), false)
            .map(job -> Instant.parse(job.path("startedAt").asText()))
            .toList();
    assertThat(starts).as("longest-running first").isSorted();
    assertThat(node("node-web").path("moreRunning").asBoolean()).isFalse();
  }

  @Test
  void aQueueWithDueJobs_andNoLiveNodeServingIt_isMarkedUnserved_andOnlyThen() {
    enqueue("orphan.kind", "orphans");
    docket.enqueue("{\"kind\": \"later.kind\", \"queue\": \"later\", \"delay\": \"PT1H\"}");
    enqueue("work.block", "work");
    // The statistics are cached for a moment: wait until they show all three queues.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(byName(docket.get("/api/queues").json(), "later")).isNotNull());

    JsonNode queues = docket.get("/api/queues").json();

    JsonNode orphans = byName(queues, "orphans");
    assertThat(orphans.path("unserved").asBoolean()).isTrue();
    assertThat(orphans.path("servedBy").isEmpty()).isTrue();
    JsonNode later = byName(queues, "later");
    assertThat(later.path("unserved").asBoolean()).as("no job is due yet").isFalse();
    JsonNode work = byName(queues, "work");
    assertThat(work.path("unserved").asBoolean()).isFalse();
    assertThat(work.path("servedBy").toString()).isEqualTo("[\"node-worker\"]");
    assertThat(work.path("concurrency").isNull())
        .as("not served by the node that answers")
        .isTrue();
    assertThat(docket.get("/api/queues/orphans").json().path("unserved").asBoolean()).isTrue();

    // Its only node stops: the job it ran goes back to the queue, due, and nobody serves it.
    worker.stop(Duration.ZERO);

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        byName(docket.get("/api/queues").json(), "work")
                            .path("unserved")
                            .asBoolean())
                    .isTrue());
  }

  private static JsonNode byName(JsonNode queues, String name) {
    for (JsonNode queue : queues) {
      if (queue.path("name").asText().equals(name)) {
        return queue;
      }
    }
    throw new AssertionError("No queue " + name + " in " + queues);
  }
}
