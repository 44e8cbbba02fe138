package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.Outcome;
import dev.docket.domain.Progress;
import dev.docket.store.memory.MemoryStore;
import dev.docket.testkit.MutableClock;
import dev.docket.usecase.HandlerRegistry;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.ProcessorOptions;
import dev.docket.usecase.json.JacksonPayloadCodec;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobClaims;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.LeaseExtension;
import dev.docket.usecase.port.LeaseStatus;
import dev.docket.usecase.port.ProgressReport;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a handler's progress reaches the store at the end of an attempt, and what a refused write
 * means: on the memory store, behind claims that behave as a JDBC store does on an interrupted
 * thread.
 */
@Timeout(60)
class ProgressWriteTest {
  record Step(String name) {}

  static final JobType<Step> STEP = JobType.of("progress.step", Step.class);

  private final MemoryStore memory = MemoryStore.start();
  private final JobStorage storage = memory.storage();

  // Fixed: a second report within the rate limit's interval is held back for the final flush.
  private final MutableClock clock = MutableClock.standard();
  private final JacksonPayloadCodec codec = JacksonPayloadCodec.create();
  private final JobClient client = new JobClient(storage, codec, clock, new SplittableRandom(1));

  /** Whether the store refuses progress, as it does once the job is leased under another fence. */
  private final AtomicBoolean refuseProgress = new AtomicBoolean();

  /**
   * The memory store's claims, with progress written as over JDBC: on an interrupted thread the
   * write fails (on a virtual thread the interrupt closes the socket), and nothing is stored.
   */
  private final JobClaims claims =
      new JobClaims() {
        @Override
        public List<Job> claim(ClaimRequest request) {
          return storage.claim(request);
        }

        @Override
        public List<Outcome> report(List<Outcome> outcomes) {
          return storage.report(outcomes);
        }

        @Override
        public List<LeaseStatus> extendLeases(List<LeaseExtension> extensions) {
          return storage.extendLeases(extensions);
        }

        @Override
        public boolean reportProgress(ProgressReport report) {
          if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("the connection was closed by an interrupt");
          }
          return !refuseProgress.get() && storage.reportProgress(report);
        }
      };

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // the attempts below end with the test thread's flag set, on purpose
  }

  private Outcome runOne(JobHandler<Step> handler) {
    var handlers = new HandlerRegistry();
    handlers.register(STEP, handler);
    var processor =
        new JobProcessor(
            claims,
            handlers,
            codec,
            clock,
            new SplittableRandom(2),
            new ProcessorOptions("node-a", Duration.ofSeconds(30)));
    client.submit(JobRequest.of(STEP, new Step("one")).build());
    Job claimed = processor.claim("default", 1).get(0);
    return processor.execute(claimed);
  }

  @Test
  void theLastProgressReport_ofAnAttemptEndedByAnInterrupt_isStillStored() {
    Outcome outcome =
        runOne(
            (step, context) -> {
              context.progress(10, "started");
              context.progress(60, "the last report"); // within the interval: held back
              // A handler that learns the worker is stopping, and keeps the flag as it should.
              Thread.currentThread().interrupt();
              throw new IllegalStateException("stopping");
            });

    assertThat(outcome)
        .as("an interrupt still releases the job")
        .isInstanceOf(Outcome.Released.class);
    assertThat(Thread.currentThread().isInterrupted()).as("the flag, restored").isTrue();
    Progress stored = storage.find(outcome.jobId()).orElseThrow().progress().orElseThrow();
    assertThat(stored.percent()).isEqualTo(60);
    assertThat(stored.message()).isEqualTo("the last report");
  }

  @Test
  void aProgressWriteTheStoreRefuses_tellsTheHandlerItsLeaseIsLost() {
    var sawCancellation = new AtomicBoolean();
    refuseProgress.set(true);

    runOne(
        (step, context) -> {
          context.progress(10, "started");
          sawCancellation.set(context.isCancellationRequested());
        });

    assertThat(sawCancellation).as("the handler was told to stop").isTrue();
  }

  @Test
  void aProgressWriteTheStoreTakes_leavesTheHandlerRunning() {
    var sawCancellation = new AtomicBoolean(true);

    runOne(
        (step, context) -> {
          context.progress(10, "started");
          sawCancellation.set(context.isCancellationRequested());
        });

    assertThat(sawCancellation).isFalse();
  }
}
