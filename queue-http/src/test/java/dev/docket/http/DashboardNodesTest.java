package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.HandlerBinding;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.DocketStore;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The overview page's Nodes section and {@code GET /api/nodes}, with three nodes on one memory
 * store: the one serving HTTP, a node with other handlers and queues, and a node with no handlers
 * whose name holds HTML.
 */
class DashboardNodesTest {
  record Task(int n) {}

  static final String IDLE = "idle<script>alert(1)</script>";

  private HttpFixture docket;
  private DocketRuntime worker;
  private DocketRuntime idle;

  @BeforeEach
  void startThreeNodes() {
    docket =
        HttpFixture.start(
            RuntimeOptions.builder().owner("node-web").queue("default", 2).build(),
            HttpFixture.httpOptions().build(),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(JobType.of("mail.send", Task.class), (p, c) -> {}));
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
                        .queue("default", 3)
                        .queue("reports", 1)
                        .build()),
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    var handlers = DocketModule.handlers(binder());
                    handlers
                        .addBinding()
                        .toInstance(
                            HandlerBinding.of(
                                JobType.of("report.build", Task.class), (p, c) -> {}));
                    handlers
                        .addBinding()
                        .toInstance(
                            HandlerBinding.of(
                                JobType.of("image.resize", Task.class), (p, c) -> {}));
                  }
                })
            .getInstance(DocketRuntime.class);
    idle =
        Guice.createInjector(
                new AbstractModule() {
                  @Override
                  protected void configure() {
                    bind(DocketStore.class).toInstance(store);
                  }
                },
                new DocketModule(RuntimeOptions.builder().owner(IDLE).build()))
            .getInstance(DocketRuntime.class);
    worker.start();
    idle.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> docket.get("/api/nodes").json().size() == 3);
  }

  @AfterEach
  void stop() {
    idle.stop(Duration.ZERO);
    worker.stop(Duration.ZERO);
    docket.close();
  }

  /** The row of the node whose escaped name is {@code name}, or fails. */
  private static String row(String page, String name) {
    Matcher matcher =
        Pattern.compile("<tr data-node=\"" + Pattern.quote(name) + "\">(.*?)</tr>", Pattern.DOTALL)
            .matcher(page);
    assertThat(matcher.find()).as("a row for %s in the Nodes section", name).isTrue();
    return matcher.group(1);
  }

  @Test
  void overview_listsEveryNode_withItsQueuesAndTheKindsItRuns() {
    var response = docket.get("/");

    assertThat(response.status()).isEqualTo(200);
    String page = response.body();
    assertThat(page).contains("<section id=\"nodes\"", "<h2><a href=\"/nodes\">Nodes</a></h2>");
    String web = row(page, "node-web");
    assertThat(web).contains("this node", "default × 2", "<code>mail.send</code>");
    assertThat(web).doesNotContain("report.build", "no handlers");
    String other = row(page, "node-worker");
    assertThat(other)
        .contains("default × 3, reports × 1", "<code>image.resize</code> <code>report.build</code>")
        .doesNotContain("this node", "mail.send");
    String none = row(page, "idle&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(none).contains("no handlers: claims no jobs", "default × 10");
    assertThat(page).doesNotContain("<script>alert(1)");
    assertThat(response.header("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'");
  }

  @Test
  void apiNodes_listsEveryNode_byName_andMarksTheOneThatAnswers() {
    var nodes = docket.get("/api/nodes").json();

    assertThat(nodes.findValuesAsText("name")).containsExactly(IDLE, "node-web", "node-worker");
    assertThat(nodes.get(1).path("self").asBoolean()).isTrue();
    assertThat(nodes.get(0).path("self").asBoolean()).isFalse();
    assertThat(nodes.get(0).path("kinds").isEmpty()).isTrue();
    assertThat(nodes.get(2).path("kinds").toString())
        .isEqualTo("[\"image.resize\",\"report.build\"]");
    assertThat(nodes.get(2).path("queues").toString()).isEqualTo("{\"default\":3,\"reports\":1}");
  }

  @Test
  void aNodeThatStops_leavesTheList() {
    worker.stop(Duration.ZERO);

    assertThat(docket.get("/api/nodes").json().findValuesAsText("name"))
        .containsExactly(IDLE, "node-web");
    assertThat(docket.get("/").body()).doesNotContain("data-node=\"node-worker\"");
  }
}
