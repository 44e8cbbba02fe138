package dev.docket.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.AttemptRecord;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.JobNotFoundException;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.JobType;
import dev.docket.usecase.NonRetryableException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RerunTest {
  @SuppressWarnings("rawtypes")
  private static final JobType<java.util.Map> EMAIL = JobType.of("email.send", java.util.Map.class);

  private static JobRequest request() {
    return JobRequest.ofJson("email.send", "{\"to\":\"ada@example.com\"}")
        .queue("mail")
        .priority(Priority.HIGH)
        .tags("welcome", "vip")
        .maxAttempts(7)
        .retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(3)))
        .uniqueKey("welcome-ada")
        .delay(Duration.ofMinutes(1))
        .build();
  }

  @Test
  void rerun_ofACompletedJob_submitsANewJob_ofTheSameDefinition_runnableNow_withoutItsUniqueKey() {
    var h = new Harness();
    h.handlers.register(EMAIL, (payload, context) -> {});
    Job old = h.client.submit(request());
    h.clock.advance(Duration.ofMinutes(2));
    h.worker.processBatch("mail", 1);
    h.clock.advance(Duration.ofMinutes(1));

    Job rerun = h.client.rerun(old.id());

    assertThat(rerun.id()).isNotEqualTo(old.id());
    assertThat(rerun.state()).isEqualTo(JobState.PENDING);
    assertThat(rerun.attempt()).isZero();
    assertThat(rerun.attempts()).isEmpty();
    assertThat(rerun.errors()).isEmpty();
    assertThat(rerun.queue()).isEqualTo("mail");
    assertThat(rerun.kind()).isEqualTo("email.send");
    assertThat(rerun.payload()).isEqualTo(old.payload());
    assertThat(rerun.priority()).isEqualTo(Priority.HIGH);
    assertThat(rerun.tags()).containsExactly("vip", "welcome");
    assertThat(rerun.maxAttempts()).isEqualTo(7);
    assertThat(rerun.retryPolicy()).isEqualTo(RetryPolicy.fixed(Duration.ofSeconds(3)));
    assertThat(rerun.uniqueKey()).isEmpty();
    assertThat(rerun.runAt()).isEqualTo(h.clock.instant());
    assertThat(rerun.createdAt()).isEqualTo(h.clock.instant());
    assertThat(h.client.get(rerun.id())).isEqualTo(rerun);
    assertThat(h.client.get(old.id()).state()).isEqualTo(JobState.COMPLETED);
    assertThat(h.client.get(old.id()).uniqueKey()).contains("welcome-ada");
  }

  @Test
  void rerun_ofAFailedJob_runsTheNewJob_andLeavesTheDeadOneAsItWas() {
    var h = new Harness();
    var fail = new AtomicBoolean(true);
    h.handlers.register(
        EMAIL,
        (payload, context) -> {
          if (fail.get()) {
            throw new NonRetryableException("mailbox does not exist");
          }
        });
    Job old = h.client.submit(JobRequest.ofJson("email.send", "{}").build());
    h.worker.processBatch("default", 1);
    Job dead = h.client.get(old.id());
    assertThat(dead.state()).isEqualTo(JobState.FAILED);
    fail.set(false);

    Job rerun = h.client.rerun(old.id());
    h.worker.processBatch("default", 1);

    Job done = h.client.get(rerun.id());
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.attempts())
        .extracting(AttemptRecord::ending)
        .containsExactly(AttemptRecord.Ending.COMPLETED);
    assertThat(h.client.get(old.id())).isEqualTo(dead);
  }

  @Test
  void rerun_ofACancelledJob_isAllowed() {
    var h = new Harness();
    Job old = h.client.submit(JobRequest.ofJson("email.send", "{}").build());
    h.client.cancel(old.id());

    assertThat(h.client.rerun(old.id()).state()).isEqualTo(JobState.PENDING);
  }

  @Test
  void rerun_ofAJobThatHasNotFinished_isRefused_andSubmitsNothing() {
    var h = new Harness();
    Job pending = h.client.submit(JobRequest.ofJson("email.send", "{}").build());

    assertThatThrownBy(() -> h.client.rerun(pending.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(pending.id().toString())
        .hasMessageContaining("is pending")
        .hasMessageContaining("only a finished job");
    assertThat(h.client.list(dev.docket.usecase.port.JobQuery.all()).jobs()).hasSize(1);
  }

  @Test
  void rerun_ofAnUnknownJob_isNotFound() {
    var h = new Harness();
    JobId unknown = JobId.of(UUID.fromString("01900000-0000-7000-8000-00000000ffff"));

    assertThatThrownBy(() -> h.client.rerun(unknown))
        .isInstanceOf(JobNotFoundException.class)
        .hasMessageContaining(unknown.toString());
  }
}
