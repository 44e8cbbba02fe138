package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The model of a job's timeline on its page ({@link Dashboard#timeline}), and how the page finds
 * the schedule that made a job. Jobs are made through the domain's own transitions.
 */
class JobTimelineTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  private static JobSpec spec(Instant runAt, Optional<String> uniqueKey) {
    return new JobSpec(
        "mail",
        "mail.send",
        "{}",
        Priority.NORMAL,
        3,
        RetryPolicy.fixed(Duration.ofSeconds(10)),
        runAt,
        uniqueKey,
        List.of());
  }

  private static Job submitted(Instant runAt) {
    return Job.submit(
        JobId.of(UUID.fromString("01900000-0000-7000-8000-000000000001")),
        spec(runAt, Optional.empty()),
        T0);
  }

  private static List<String> kinds(List<Map<String, Object>> steps) {
    return steps.stream().map(s -> (String) s.get("tlKind")).toList();
  }

  @Test
  void aJobThatFailedOnce_andCompleted_readsCreatedScheduledTwoAttemptsFinished() {
    Job pending = submitted(T0.plusSeconds(60));
    Job first = pending.claim("node-a", T0.plusSeconds(61), LEASE);
    Job retried =
        first.retry(
            first.lease().orElseThrow().fence(),
            AttemptError.reason(1, T0.plusSeconds(63), "Boom", "it broke"),
            T0.plusSeconds(73),
            T0.plusSeconds(63));
    Job second = retried.claim("node-b", T0.plusSeconds(75), LEASE);
    Job done = second.complete(second.lease().orElseThrow().fence(), T0.plusSeconds(76));

    var steps = Dashboard.timeline(ApiJson.job(done, true), T0.plusSeconds(136));

    assertThat(kinds(steps))
        .containsExactly("created", "scheduled", "attempt", "attempt", "finished");
    var attempt1 = steps.get(2);
    assertThat(attempt1.get("tlNode")).isEqualTo("node-a");
    assertThat(attempt1.get("tlWaited")).isEqualTo("1 s");
    assertThat(attempt1.get("tlRan")).isEqualTo("2 s");
    assertThat(attempt1.get("tlOutcome")).isEqualTo("failed");
    assertThat(attempt1.get("tlAgo")).isEqualTo("1 min ago");
    assertThat(attempt1.get("tlUtc")).isEqualTo("2030-01-01 00:01:01 UTC");
    assertThat(attempt1.get("tlIso")).isEqualTo("2030-01-01T00:01:01Z");
    @SuppressWarnings("unchecked")
    var error = (Map<String, Object>) attempt1.get("tlError");
    assertThat(error.get("attempt")).isEqualTo(1);
    assertThat(error.get("open")).isEqualTo(true);
    assertThat((String) error.get("copyText")).startsWith("Boom: it broke");
    var attempt2 = steps.get(3);
    assertThat(attempt2.get("tlNode")).isEqualTo("node-b");
    assertThat(attempt2.get("tlWaited")).isEqualTo("2 s");
    assertThat(attempt2.get("tlOutcome")).isEqualTo("completed");
    assertThat(attempt2.get("tlError")).isNull();
    assertThat(steps.get(4).get("tlOutcome")).isEqualTo("completed");
  }

  @Test
  void aRunningJob_endsWithItsRunningAttempt_andAWaitingRetry_withTheNextDue() {
    Job running = submitted(T0).claim("node-a", T0.plusSeconds(1), LEASE);
    Job retried =
        running.retry(
            running.lease().orElseThrow().fence(),
            AttemptError.reason(1, T0.plusSeconds(2), "Boom", "it broke"),
            T0.plusSeconds(12),
            T0.plusSeconds(2));

    var whileRunning = Dashboard.timeline(ApiJson.job(running, true), T0.plusSeconds(5));
    var whileWaiting = Dashboard.timeline(ApiJson.job(retried, true), T0.plusSeconds(5));

    assertThat(kinds(whileRunning)).containsExactly("created", "running");
    assertThat(whileRunning.get(1).get("tlNode")).isEqualTo("node-a");
    assertThat(whileRunning.get(1).get("tlRan")).isEqualTo("4 s");
    assertThat(kinds(whileWaiting)).containsExactly("created", "attempt", "next");
    assertThat(whileWaiting.get(2).get("tlAgo")).isEqualTo("in 7 s");
  }

  @Test
  void errorsWithoutAnAttemptRecord_standOnTheirOwn_inTimeOrder() {
    Job failed = submitted(T0).claim("node-a", T0, LEASE);
    Job dead =
        failed.deadLetter(
            failed.lease().orElseThrow().fence(),
            AttemptError.reason(1, T0.plusSeconds(3), "Boom", "it broke"),
            T0.plusSeconds(3));
    // As a store that kept no records when the attempt ended reads it back.
    Job old =
        Job.restore(
            dead.id(),
            dead.spec(),
            dead.state(),
            dead.attempt(),
            dead.createdAt(),
            dead.updatedAt(),
            dead.finishedAt(),
            dead.errors(),
            List.of(),
            Optional.empty(),
            dead.version(),
            false,
            Optional.empty(),
            Optional.empty());

    var steps = Dashboard.timeline(ApiJson.job(old, true), T0.plusSeconds(4));

    assertThat(kinds(steps)).containsExactly("created", "attempt", "finished");
    assertThat(steps.get(1).get("tlNode")).isNull();
    assertThat(steps.get(1).get("tlError")).isNotNull();
    assertThat(steps.get(1).get("tlOutcome")).isEqualTo("failed");
  }

  @Test
  void theScheduleOfAJob_isReadFromItsUniqueKey_slotOrByHand() {
    assertThat(Dashboard.scheduleOf("docket:schedule:monthly-invoices:2030-01-01T06:00:00Z"))
        .contains("monthly-invoices");
    assertThat(
            Dashboard.scheduleOf(
                "docket:schedule:monthly-invoices, run now at 2030-01-01T06:00:00.123Z"))
        .contains("monthly-invoices");
    assertThat(Dashboard.scheduleOf("docket:schedule:a:b:2030-01-01T06:00:00Z")).contains("a:b");
    assertThat(Dashboard.scheduleOf("welcome-ada")).isEmpty();
    assertThat(Dashboard.scheduleOf(null)).isEmpty();
    assertThat(Dashboard.scheduleOf("docket:schedule:no-slot")).isEmpty();
  }
}
