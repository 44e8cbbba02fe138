package dev.docket.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobEvent;
import dev.docket.usecase.JobProcessor;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.Maintenance;
import dev.docket.usecase.ProcessorOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JobEventsTest {
  record Ping(int n) {}

  static final JobType<Ping> PING = JobType.of("ping", Ping.class);

  @Test
  void listener_hearsEveryStepOfAJobThatFailsOnceThenSucceeds_inOrder() {
    var h = new Harness();
    var events = new CopyOnWriteArrayList<JobEvent>();
    var client = new JobClient(h.storage, h.codec, h.clock, h.random, events::add);
    var calls = new AtomicInteger();
    h.handlers.register(
        PING,
        (ping, context) -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("first try fails");
          }
        });
    var worker =
        new JobProcessor(
            h.storage,
            h.handlers,
            h.codec,
            h.clock,
            h.random,
            ProcessorOptions.of("w"),
            events::add);
    Job job =
        client.submit(
            JobRequest.of(PING, new Ping(1)).retryPolicy(RetryPolicy.fixed(Duration.ZERO)).build());
    client.submit(JobRequest.of(PING, new Ping(2)).uniqueKey("once").build());
    client.submit(JobRequest.of(PING, new Ping(3)).uniqueKey("once").build());

    worker.processBatch("default", 1);
    worker.processBatch("default", 1);

    assertThat(events.stream().filter(e -> e.jobId().equals(job.id())).map(JobEvent::type).toList())
        .containsExactly(
            JobEvent.Type.SUBMITTED,
            JobEvent.Type.STARTED,
            JobEvent.Type.RETRIED,
            JobEvent.Type.STARTED,
            JobEvent.Type.COMPLETED);
    assertThat(events.stream().filter(e -> e.type() == JobEvent.Type.SUBMITTED).count())
        .as("a duplicate unique key submits nothing new")
        .isEqualTo(2);
    JobEvent retried =
        events.stream().filter(e -> e.type() == JobEvent.Type.RETRIED).findFirst().orElseThrow();
    assertThat(retried.error().orElseThrow().message()).isEqualTo("first try fails");
    assertThat(
            events.stream()
                .filter(e -> e.type() == JobEvent.Type.COMPLETED)
                .findFirst()
                .orElseThrow()
                .runTime())
        .contains(Duration.ZERO);
  }

  @Test
  void refusedOutcomes_andRescues_areReportedTruthfully() {
    var h = new Harness();
    var events = new CopyOnWriteArrayList<JobEvent>();
    h.handlers.register(PING, (ping, context) -> {});
    var stale =
        new JobProcessor(
            h.storage,
            h.handlers,
            h.codec,
            h.clock,
            h.random,
            ProcessorOptions.of("stale"),
            events::add);
    var maintenance = new Maintenance(h.storage, h.clock, h.random, events::add);
    Job job = h.client.submit(PING, new Ping(1));
    Job claimed = stale.claim("default", 1).get(0);
    h.clock.advance(ProcessorOptions.DEFAULT_LEASE);
    maintenance.rescueExpiredLeases();
    h.clock.set(h.client.get(job.id()).runAt());
    h.worker.processBatch("default", 1);

    stale.report(List.of(stale.execute(claimed)));

    assertThat(events.stream().map(JobEvent::type).toList())
        .containsExactly(JobEvent.Type.RESCUED, JobEvent.Type.STARTED);
  }
}
