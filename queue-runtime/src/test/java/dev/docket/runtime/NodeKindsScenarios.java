package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.Node;
import dev.docket.usecase.port.RunningQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes with different handlers on one store (issue 12): a node claims only the kinds it has
 * handlers for, so a node without the handler never spends an attempt on a job it cannot run, and
 * every job runs once, at attempt 1, on a node that has its handler. A subclass supplies the store
 * the nodes share.
 */
abstract class NodeKindsScenarios {
  record Work(int n) {}

  static final JobType<Work> WORK = JobType.of("work.kind", Work.class);
  static final JobType<Work> OTHER = JobType.of("other.kind", Work.class);

  /** Every run of every job, by job: the names of the nodes that ran it, in order. */
  private final Map<JobId, List<String>> runs = new ConcurrentHashMap<>();

  private final List<DocketRuntime> started = new ArrayList<>();

  /** A node on the shared store with {@code handlers}, not started. */
  abstract DocketRuntime node(RuntimeOptions options, HandlerBinding<?>... handlers);

  @AfterEach
  void stopNodes() {
    started.forEach(node -> node.stop(Duration.ofSeconds(5)));
  }

  private DocketRuntime start(String name, HandlerBinding<?>... handlers) {
    var options =
        RuntimeOptions.builder()
            .owner(name)
            .queue("default", 4)
            .pollInterval(Duration.ofMillis(50))
            .build();
    DocketRuntime node = node(options, handlers);
    started.add(node);
    node.start();
    return node;
  }

  private HandlerBinding<Work> recording(JobType<Work> type, String node) {
    return HandlerBinding.of(
        type,
        (work, context) ->
            runs.computeIfAbsent(context.jobId(), id -> new CopyOnWriteArrayList<>()).add(node));
  }

  private static List<Job> submit(DocketRuntime through, JobType<Work> type, int count) {
    var requests = new ArrayList<JobRequest>();
    for (int i = 0; i < count; i++) {
      requests.add(JobRequest.of(type, new Work(i)).build());
    }
    return through.client().submitAll(requests);
  }

  /**
   * Waits until every job finished; fails at once, naming the job, when one has failed an attempt
   * (a node without its handler claimed it) rather than when the wait runs out.
   */
  private static void awaitFinished(DocketRuntime reader, List<Job> jobs) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(45))
        .failFast(
            "a job failed an attempt",
            () -> {
              for (Job job : jobs) {
                Job now = reader.client().get(job.id());
                assertThat(now.errors())
                    .as("errors of job %s at attempt %d", now.id(), now.attempt())
                    .isEmpty();
              }
            })
        .until(
            () ->
                jobs.stream().allMatch(job -> reader.client().get(job.id()).state().isFinished()));
  }

  private void assertRanOnceAtAttempt1(DocketRuntime reader, List<Job> jobs, String node) {
    for (Job job : jobs) {
      Job done = reader.client().get(job.id());
      assertThat(done.state()).as("state of %s", job.id()).isEqualTo(JobState.COMPLETED);
      assertThat(done.attempt()).as("attempt of %s", job.id()).isEqualTo(1);
      assertThat(done.errors()).as("errors of %s", job.id()).isEmpty();
      assertThat(runs.get(job.id())).as("runs of %s", job.id()).containsExactly(node);
    }
  }

  @Test
  @Timeout(90)
  void twoNodes_eachRunsOnlyItsKinds_everyJobCompletesAtAttempt1_onTheNodeWithItsHandler() {
    DocketRuntime nodeA = start("node-a", recording(OTHER, "node-a"));
    DocketRuntime nodeB = start("node-b", recording(WORK, "node-b"));

    // Through node A, whose workers are woken at once in process: they see every job first.
    List<Job> work = submit(nodeA, WORK, 200);
    List<Job> other = submit(nodeA, OTHER, 5);
    awaitFinished(nodeB, work);
    awaitFinished(nodeB, other);

    assertRanOnceAtAttempt1(nodeB, work, "node-b");
    assertRanOnceAtAttempt1(nodeB, other, "node-a");
    assertThat(runs.values().stream().flatMap(List::stream).filter("node-a"::equals))
        .as("jobs node A ran")
        .hasSize(5);
    assertThat(nodeA.kinds()).containsExactly("other.kind");
    assertThat(nodeB.kinds()).containsExactly("work.kind");
  }

  @Test
  @Timeout(90)
  void twoNodes_feedOneHistory_whichCountsEveryAttemptOfBoth_perKind() {
    DocketRuntime nodeA = start("node-a", recording(OTHER, "node-a"));
    DocketRuntime nodeB = start("node-b", recording(WORK, "node-b"));
    List<Job> work = submit(nodeA, WORK, 120);
    List<Job> other = submit(nodeB, OTHER, 30);
    awaitFinished(nodeA, work);
    awaitFinished(nodeA, other);

    // Stopping adds what each node counted last, whatever its interval.
    nodeA.stop(Duration.ofSeconds(5));
    nodeB.stop(Duration.ofSeconds(5));
    DocketRuntime reader = node(RuntimeOptions.builder().owner("reader").build());
    started.add(reader);

    var all =
        reader
            .history()
            .view(
                ClusterHistory.Range.HOUR, java.util.Optional.empty(), java.util.Optional.empty());
    assertThat(all.total().completed()).isEqualTo(150);
    assertThat(all.total().failed()).isZero();
    assertThat(all.total().waitP50()).isPresent();
    assertThat(all.total().runP95()).isPresent();
    assertThat(all.kinds()).containsExactly("other.kind", "work.kind");
    assertThat(
            reader
                .history()
                .view(
                    ClusterHistory.Range.WEEK,
                    java.util.Optional.of("default"),
                    java.util.Optional.of("work.kind"))
                .total()
                .completed())
        .as("node B's kind alone")
        .isEqualTo(120);
  }

  @Test
  @Timeout(90)
  void aNodeWithoutHandlers_claimsNothing_andEveryJobCompletesAtAttempt1_onTheOtherNode() {
    DocketRuntime idle = start("node-idle");
    DocketRuntime worker = start("node-worker", recording(WORK, "node-worker"));

    List<Job> work = submit(idle, WORK, 100);
    awaitFinished(worker, work);

    assertRanOnceAtAttempt1(worker, work, "node-worker");
    assertThat(idle.kinds()).isEmpty();
  }

  @Test
  @Timeout(60)
  void everyNode_isListedWithItsQueuesAndKinds_untilItStops() {
    DocketRuntime nodeA = start("node-a", recording(OTHER, "node-a"));
    DocketRuntime nodeB = start("node-b", recording(WORK, "node-b"), recording(OTHER, "node-b"));
    DocketRuntime idle = start("node-idle");

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> nodeA.nodes().size() == 3 && idle.nodes().size() == 3);
    List<Node> nodes = nodeA.nodes();

    assertThat(nodes).extracting(Node::name).containsExactly("node-a", "node-b", "node-idle");
    assertThat(nodes)
        .extracting(Node::kinds)
        .map(List::copyOf)
        .containsExactly(List.of("other.kind"), List.of("other.kind", "work.kind"), List.of());
    assertThat(nodes).allSatisfy(node -> assertThat(node.queues()).isEqualTo(Map.of("default", 4)));
    assertThat(nodes)
        .allSatisfy(node -> assertThat(node.lastSeen()).isAfterOrEqualTo(node.startedAt()));
    assertThat(nodes).allSatisfy(node -> assertThat(node.host()).isNotBlank());

    nodeB.stop(Duration.ofSeconds(5));

    assertThat(nodeA.nodes()).extracting(Node::name).containsExactly("node-a", "node-idle");
  }

  @Test
  @Timeout(60)
  void twoNodes_recordTheirBusyHandlersAndRunningJobs_andBothDropToNone_whenTheJobsFinish()
      throws Exception {
    var finish = new CountDownLatch(1);
    var begun = new CountDownLatch(3);
    DocketRuntime nodeA = start("node-a", blocking(OTHER, begun, finish));
    DocketRuntime nodeB = start("node-b", blocking(WORK, begun, finish));
    List<Job> onA = submit(nodeB, OTHER, 2);
    List<Job> onB = submit(nodeA, WORK, 1);
    assertThat(begun.await(30, TimeUnit.SECONDS)).as("all three jobs started").isTrue();

    // Each node records its own busy handlers; every node reads every node's.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(busyOf(nodeA.nodes())).isEqualTo(Map.of("node-a", 2, "node-b", 1)));
    var both = new RunningQuery(Set.of("node-a", "node-b"), 10);
    List<Job> running = nodeB.storage().running(both);
    assertThat(running)
        .extracting(job -> job.lease().orElseThrow().owner())
        .containsExactly("node-a", "node-a", "node-b");
    assertThat(running)
        .extracting(Job::id)
        .containsExactlyInAnyOrder(onA.get(0).id(), onA.get(1).id(), onB.get(0).id());

    finish.countDown();

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(busyOf(nodeB.nodes())).isEqualTo(Map.of("node-a", 0, "node-b", 0)));
    assertThat(nodeA.storage().running(both)).isEmpty();
  }

  /** Each node's busy handlers of queue default, by node name. */
  private static Map<String, Integer> busyOf(List<Node> nodes) {
    var busy = new TreeMap<String, Integer>();
    nodes.forEach(node -> busy.put(node.name(), node.busy().get("default")));
    return busy;
  }

  /** Counts the job in {@code begun}, then holds its handler until {@code finish} opens. */
  private static HandlerBinding<Work> blocking(
      JobType<Work> type, CountDownLatch begun, CountDownLatch finish) {
    return HandlerBinding.of(
        type,
        (work, context) -> {
          begun.countDown();
          finish.await(30, TimeUnit.SECONDS);
        });
  }
}
