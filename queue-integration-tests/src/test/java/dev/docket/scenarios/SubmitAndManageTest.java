package dev.docket.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.IllegalTransitionException;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.JobNotFoundException;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.PayloadException;
import dev.docket.usecase.port.QueueStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SubmitAndManageTest {
  record Email(String to, String subject) {}

  static final JobType<Email> EMAIL = JobType.of("email.send", Email.class);

  @Test
  void submit_storesThePayloadAsJson_withTheDocumentedDefaults() {
    var h = new Harness();

    Job job = h.client.submit(EMAIL, new Email("ada@example.com", "Hi"));

    assertThat(h.client.get(job.id())).isEqualTo(job);
    assertThat(job.payload()).isEqualTo("{\"to\":\"ada@example.com\",\"subject\":\"Hi\"}");
    assertThat(job.queue()).isEqualTo(JobSpec.DEFAULT_QUEUE);
    assertThat(job.priority()).isEqualTo(Priority.NORMAL);
    assertThat(job.maxAttempts()).isEqualTo(25);
    assertThat(job.retryPolicy()).isEqualTo(RetryPolicy.exponential());
    assertThat(job.runAt()).isEqualTo(h.clock.instant());
    assertThat(job.state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void submitJson_thatIsNotJson_isRefused_andNothingIsStored() {
    var h = new Harness();

    assertThatThrownBy(() -> h.client.submit(JobRequest.ofJson("email.send", "{\"to\":").build()))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> h.client.submit(JobRequest.ofJson("email.send", "{} {}").build()))
        .isInstanceOf(PayloadException.class);
    assertThatThrownBy(
            () -> h.client.submit(JobRequest.ofJson("email.send", "{\"a\":\"\\u0000\"}").build()))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("NUL");
    assertThat(h.client.list(JobQuery.all()).jobs()).isEmpty();
  }

  @Test
  void submitAll_withOneBadRequest_storesNone() {
    var h = new Harness();
    List<JobRequest> requests =
        List.of(
            JobRequest.of(EMAIL, new Email("a@x", "1")).build(),
            JobRequest.ofJson("email.send", "not json").build());

    assertThatThrownBy(() -> h.client.submitAll(requests)).isInstanceOf(PayloadException.class);
    assertThat(h.client.stats()).isEmpty();
  }

  @Test
  void bulkSubmit_ofTenThousand_keepsSubmissionOrder_forEqualPriorityAndRunAt() {
    var h = new Harness();
    var requests = new ArrayList<JobRequest>();
    for (int i = 0; i < 10_000; i++) {
      requests.add(JobRequest.ofJson("email.send", "{\"n\":" + i + "}").build());
    }

    List<Job> stored = h.client.submitAll(requests);

    assertThat(stored).hasSize(10_000);
    assertThat(stored).extracting(Job::id).isSorted().doesNotHaveDuplicates();
    h.handlers.register(EMAIL, (email, context) -> {}); // a worker claims only kinds it runs
    List<Job> claimed = h.worker.claim("default", 1_000);
    assertThat(claimed).extracting(Job::payload).first().isEqualTo("{\"n\":0}");
    assertThat(claimed).extracting(Job::id).isSorted();
  }

  @Test
  void uniqueKey_secondSubmitReturnsTheExistingJob_insteadOfACopy() {
    var h = new Harness();
    Job first =
        h.client.submit(
            JobRequest.of(EMAIL, new Email("a@x", "1")).uniqueKey("welcome-ada").build());

    Job second =
        h.client.submit(
            JobRequest.of(EMAIL, new Email("a@x", "2")).uniqueKey("welcome-ada").build());

    assertThat(second).isEqualTo(first);
    assertThat(second.payload()).contains("\"1\"");
    assertThat(h.client.list(JobQuery.all()).jobs()).hasSize(1);
  }

  @Test
  void delayedJob_runsOnlyOnceItsDelayHasPassed() {
    var h = new Harness();
    var ran = new CopyOnWriteArrayList<String>();
    h.handlers.register(EMAIL, (email, context) -> ran.add(email.subject()));
    Job job =
        h.client.submit(
            JobRequest.of(EMAIL, new Email("a@x", "later")).delay(Duration.ofMinutes(5)).build());

    assertThat(job.runAt()).isEqualTo(h.clock.instant().plus(Duration.ofMinutes(5)));
    h.clock.advance(Duration.ofMinutes(4));
    assertThat(h.worker.processBatch("default", 5)).isEmpty();
    h.clock.advance(Duration.ofMinutes(1));
    assertThat(h.worker.processBatch("default", 5)).hasSize(1);
    assertThat(ran).containsExactly("later");
  }

  @Test
  void request_withBothRunAtAndDelay_isRefusedWhenBuilt() {
    assertThatThrownBy(
            () ->
                JobRequest.of(EMAIL, new Email("a@x", "s"))
                    .runAt(java.time.Instant.parse("2030-01-02T00:00:00Z"))
                    .delay(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("choose one");
  }

  @Test
  void higherPriority_runsFirst_acrossTheWholeQueue() {
    var h = new Harness();
    var order = new CopyOnWriteArrayList<String>();
    h.handlers.register(EMAIL, (email, context) -> order.add(email.subject()));
    h.client.submit(JobRequest.of(EMAIL, new Email("a", "low")).priority(Priority.LOW).build());
    h.client.submit(JobRequest.of(EMAIL, new Email("a", "normal")).build());
    h.client.submit(
        JobRequest.of(EMAIL, new Email("a", "urgent")).priority(Priority.URGENT).build());
    h.client.submit(JobRequest.of(EMAIL, new Email("a", "high")).priority(Priority.HIGH).build());

    h.worker.processBatch("default", 10);

    assertThat(order).containsExactly("urgent", "high", "normal", "low");
  }

  @Test
  void cancel_ofAPendingJob_meansItNeverRuns() {
    var h = new Harness();
    var ran = new CopyOnWriteArrayList<String>();
    h.handlers.register(EMAIL, (email, context) -> ran.add(email.subject()));
    Job job = h.client.submit(EMAIL, new Email("a", "s"));

    Job cancelled = h.client.cancel(job.id());

    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(h.worker.processBatch("default", 10)).isEmpty();
    assertThat(ran).isEmpty();
  }

  @Test
  void cancel_andRetry_ofUnknownOrFinishedJobs_failWithClearErrors() {
    var h = new Harness();
    h.handlers.register(EMAIL, (email, context) -> {});
    Job job = h.client.submit(EMAIL, new Email("a", "s"));
    h.worker.processBatch("default", 1);
    JobId unknown = JobId.of(UUID.fromString("01900000-0000-7000-8000-00000000ffff"));

    assertThatThrownBy(() -> h.client.cancel(unknown))
        .isInstanceOf(JobNotFoundException.class)
        .hasMessageContaining(unknown.toString());
    assertThatThrownBy(() -> h.client.cancel(job.id()))
        .isInstanceOfSatisfying(
            IllegalTransitionException.class,
            e -> assertThat(e.from()).isEqualTo(JobState.COMPLETED));
    assertThatThrownBy(() -> h.client.retry(job.id()))
        .isInstanceOf(IllegalTransitionException.class);
    assertThat(h.client.get(job.id()).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void deadJob_retriedByHand_runsAgain_andCompletes() {
    var h = new Harness();
    var fail = new java.util.concurrent.atomic.AtomicBoolean(true);
    h.handlers.register(
        EMAIL,
        (email, context) -> {
          if (fail.get()) {
            throw new NonRetryableException("mailbox does not exist");
          }
        });
    Job job = h.client.submit(EMAIL, new Email("a", "s"));
    h.worker.processBatch("default", 1);
    assertThat(h.client.get(job.id()).state()).isEqualTo(JobState.FAILED);

    fail.set(false);
    Job requeued = h.client.retry(job.id());
    h.worker.processBatch("default", 1);

    assertThat(requeued.state()).isEqualTo(JobState.PENDING);
    Job done = h.client.get(job.id());
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("mailbox does not exist"));
  }

  @Test
  void list_filtersByQueueKindStateAndTag_andPagesWithACursor() {
    var h = new Harness();
    for (int i = 0; i < 7; i++) {
      h.client.submit(
          JobRequest.of(EMAIL, new Email("a", "s" + i))
              .queue(i % 2 == 0 ? "mail" : "bulk")
              .tags(i < 3 ? List.of("tenant:1") : List.of("tenant:2"))
              .build());
    }
    JobQuery mail = JobQuery.builder().queue("mail").limit(2).build();

    JobPage first = h.client.list(mail);
    JobPage second = h.client.list(mail.after(first.nextAfterId().orElseThrow()));

    assertThat(first.jobs()).hasSize(2);
    assertThat(second.jobs()).hasSize(2);
    assertThat(second.nextAfterId()).isEmpty();
    assertThat(h.client.list(JobQuery.builder().tag("tenant:1").build()).jobs()).hasSize(3);
    assertThat(
            h.client
                .list(JobQuery.builder().kind("email.send").state(JobState.PENDING).build())
                .jobs())
        .hasSize(7);
  }

  @Test
  void stats_countEachState_andTheAgeOfTheOldestRunnableJob() {
    var h = new Harness();
    h.handlers.register(EMAIL, (email, context) -> {});
    h.client.submit(EMAIL, new Email("a", "1"));
    h.clock.advance(Duration.ofSeconds(10));
    h.client.submit(EMAIL, new Email("a", "2"));
    h.client.submit(JobRequest.of(EMAIL, new Email("a", "3")).delay(Duration.ofHours(1)).build());
    h.clock.advance(Duration.ofSeconds(5));

    QueueStats stats = h.client.stats().get(0);

    assertThat(stats.queue()).isEqualTo("default");
    assertThat(stats.count(JobState.PENDING)).isEqualTo(3);
    assertThat(stats.due()).isEqualTo(2);
    assertThat(stats.oldestDueAge(h.clock.instant())).contains(Duration.ofSeconds(15));
  }
}
