package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobType;
import org.junit.jupiter.api.Test;

/** What a node says at start about the queues it serves and the kinds it runs. */
class NodeStartLogTest {
  record Mail(String to) {}

  private static DocketRuntime runtime(HandlerBinding<?>... handlers) {
    return runtime(
        RuntimeOptions.builder().owner("node-1").queue("mail", 4).queue("default", 2), handlers);
  }

  private static DocketRuntime runtime(
      RuntimeOptions.Builder options, HandlerBinding<?>... handlers) {
    return Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(options.build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                for (HandlerBinding<?> handler : handlers) {
                  DocketModule.handlers(binder()).addBinding().toInstance(handler);
                }
              }
            })
        .getInstance(DocketRuntime.class);
  }

  @Test
  void aNodeWithHandlers_saysWhichQueuesItServes_andWhichKindsItRuns() {
    var logger = new OutageLogTest.RecordingLogger();
    DocketRuntime docket =
        runtime(
            HandlerBinding.of(JobType.of("mail.send", Mail.class), (p, c) -> {}),
            HandlerBinding.of(JobType.of("mail.bounce", Mail.class), (p, c) -> {}));

    docket.logWhatThisNodeRuns(logger);

    assertThat(docket.kinds()).containsExactly("mail.bounce", "mail.send");
    assertThat(logger.lines)
        .containsExactly(
            "INFO Docket runtime node-1 serves queues {default=2, mail=4} and runs kinds"
                + " [mail.bounce, mail.send]; jobs of other kinds stay queued for nodes that run"
                + " them.");
  }

  @Test
  void aNodeWithoutHandlers_warnsThatItClaimsNoJobs() {
    var logger = new OutageLogTest.RecordingLogger();
    DocketRuntime docket = runtime();

    docket.logWhatThisNodeRuns(logger);

    assertThat(docket.kinds()).isEmpty();
    assertThat(logger.lines)
        .containsExactly(
            "WARNING Docket runtime node-1 serves queues {default=2, mail=4} but has no handlers:"
                + " it claims no jobs, and every job stays queued for a node that has a handler"
                + " for its kind.");
  }

  @Test
  void aNodeThatDoesNotServeTheDefaultQueue_saysWhereUnqueuedJobsGo() {
    var logger = new OutageLogTest.RecordingLogger();
    DocketRuntime docket =
        runtime(
            RuntimeOptions.builder().owner("node-2").queue("mail", 4),
            HandlerBinding.of(JobType.of("mail.send", Mail.class), (p, c) -> {}));

    docket.logWhatThisNodeRuns(logger);

    assertThat(logger.lines)
        .contains(
            "INFO Docket runtime node-2 does not serve queue 'default', where jobs submitted"
                + " without a queue go: submit them with .queue(..), or serve 'default' on some"
                + " node.");
  }
}
