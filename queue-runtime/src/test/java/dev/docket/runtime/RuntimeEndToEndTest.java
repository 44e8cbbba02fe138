package dev.docket.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.store.memory.MemoryStoreModule;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.port.JobQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three queues with their own concurrency, on the memory store, through Guice. */
class RuntimeEndToEndTest {
  record Work(String queue, String behaviour, int n) {}

  static final JobType<Work> WORK = JobType.of("work", Work.class);
  static final Map<String, Integer> LIMITS = Map.of("alpha", 1, "beta", 2, "gamma", 4);

  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> peak = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  @Test
  @Timeout(60)
  void threeQueues_completeEveryJob_retryFailures_deadLetterTheHopeless_neverExceedingLimits() {
    var options = RuntimeOptions.builder().pollInterval(Duration.ofMillis(50));
    LIMITS.forEach(options::queue);
    var injector =
        Guice.createInjector(
            new MemoryStoreModule(),
            new DocketModule(options.build()),
            new AbstractModule() {
              @Override
              protected void configure() {
                DocketModule.handlers(binder())
                    .addBinding()
                    .toInstance(
                        HandlerBinding.of(
                            WORK, (work, context) -> handle(work, context.attempt())));
              }
            });
    try (var docket = injector.getInstance(DocketRuntime.class)) {
      docket.start();
      var requests = new ArrayList<JobRequest>();
      int n = 0;
      for (String queue : LIMITS.keySet()) {
        for (String behaviour : List.of("ok", "ok", "ok", "flaky", "doomed")) {
          for (int i = 0; i < 6; i++) {
            requests.add(
                JobRequest.of(WORK, new Work(queue, behaviour, n++))
                    .queue(queue)
                    .priority(Priority.of(i * 20))
                    .maxAttempts(3)
                    .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(20)))
                    .build());
          }
        }
      }
      List<Job> submitted = docket.client().submitAll(requests);

      Awaitility.await()
          .atMost(Duration.ofSeconds(45))
          .until(
              () ->
                  submitted.stream()
                      .allMatch(job -> docket.client().get(job.id()).state().isFinished()));

      for (Job job : submitted) {
        Job done = docket.client().get(job.id());
        String behaviour =
            job.payload().contains("doomed")
                ? "doomed"
                : job.payload().contains("flaky") ? "flaky" : "ok";
        switch (behaviour) {
          case "doomed" -> {
            assertThat(done.state()).isEqualTo(JobState.FAILED);
            assertThat(done.errors()).hasSize(3);
          }
          case "flaky" -> {
            assertThat(done.state()).isEqualTo(JobState.COMPLETED);
            assertThat(done.attempt()).isEqualTo(2);
          }
          default -> {
            assertThat(done.state()).isEqualTo(JobState.COMPLETED);
            assertThat(done.attempt()).isEqualTo(1);
          }
        }
      }
      assertThat(docket.client().list(JobQuery.builder().state(JobState.PENDING).build()).jobs())
          .isEmpty();
      LIMITS.forEach(
          (queue, limit) ->
              assertThat(peak.get(queue).get())
                  .as("peak concurrency of %s", queue)
                  .isBetween(1, limit));
      assertThat(peak.get("gamma").get()).as("gamma runs jobs in parallel").isGreaterThan(1);
    }
  }

  private void handle(Work work, int attempt) throws InterruptedException {
    int now = running.computeIfAbsent(work.queue(), q -> new AtomicInteger()).incrementAndGet();
    peak.computeIfAbsent(work.queue(), q -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    try {
      attempts.computeIfAbsent(work.queue() + work.n(), k -> new AtomicInteger()).incrementAndGet();
      // Long enough for the handlers of one queue to overlap when the limit allows it.
      Thread.sleep(15);
      if (work.behaviour().equals("doomed") || (work.behaviour().equals("flaky") && attempt == 1)) {
        throw new IllegalStateException(work.behaviour() + " on attempt " + attempt);
      }
    } finally {
      running.get(work.queue()).decrementAndGet();
    }
  }
}
