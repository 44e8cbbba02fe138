package dev.docket.testkit;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Lease;
import dev.docket.domain.Priority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Fluent checks of one {@link Job} snapshot, started with {@link DocketAssertions#assertThat(Job)}.
 *
 * <p>Every failure message names the job's id, what was expected and what the job has, and carries
 * both values so that an IDE can show the difference. A check on a null job fails. Not thread-safe,
 * like every AssertJ assertion: use an instance on the thread that made it.
 */
public final class JobAssert extends AbstractAssert<JobAssert, Job> {
  private static final int MAX_SHOWN = 300;

  JobAssert(Job actual) {
    super(actual, JobAssert.class);
  }

  /**
   * Checks that the job equals {@code expected} in every field, as {@link Job#equals} does, and
   * names each field that differs. Use it to compare what a store returns with what the domain
   * computed.
   *
   * @param expected the snapshot the job should equal
   * @return this, for chaining
   */
  public JobAssert hasSameFieldsAs(Job expected) {
    isNotNull();
    Objects.requireNonNull(expected, "expected");
    var differences = new ArrayList<String>();
    compare(differences, "id", actual.id(), expected.id());
    compare(differences, "queue", actual.queue(), expected.queue());
    compare(differences, "kind", actual.kind(), expected.kind());
    compare(differences, "payload", actual.payload(), expected.payload());
    compare(differences, "priority", actual.priority(), expected.priority());
    compare(differences, "max attempts", actual.maxAttempts(), expected.maxAttempts());
    compare(differences, "retry policy", actual.retryPolicy(), expected.retryPolicy());
    compare(differences, "run-at", actual.runAt(), expected.runAt());
    compare(differences, "unique key", actual.uniqueKey(), expected.uniqueKey());
    compare(differences, "tags", actual.tags(), expected.tags());
    compare(differences, "state", actual.state(), expected.state());
    compare(differences, "attempt", actual.attempt(), expected.attempt());
    compare(differences, "created-at", actual.createdAt(), expected.createdAt());
    compare(differences, "updated-at", actual.updatedAt(), expected.updatedAt());
    compare(differences, "finish time", actual.finishedAt(), expected.finishedAt());
    compare(differences, "errors", actual.errors(), expected.errors());
    compare(differences, "attempts", actual.attempts(), expected.attempts());
    compare(differences, "lease", actual.lease(), expected.lease());
    compare(differences, "version", actual.version(), expected.version());
    compare(
        differences, "cancel request", actual.isCancelRequested(), expected.isCancelRequested());
    if (differences.isEmpty() && !actual.equals(expected)) {
      differences.add("a field this check does not know (Job.equals says they differ)");
    }
    if (!differences.isEmpty()) {
      failWithActualExpectedAndMessage(
          actual,
          expected,
          "Expected job %s to equal %s in every field, but these differ:%n%s",
          actual.id(),
          expected,
          String.join(System.lineSeparator(), differences));
    }
    return this;
  }

  /**
   * Checks the job's id.
   *
   * @param expected the id the job should have
   * @return this, for chaining
   */
  public JobAssert hasId(JobId expected) {
    isNotNull();
    return check("id", actual.id(), expected);
  }

  /**
   * Checks the job's state.
   *
   * @param expected the state the job should be in
   * @return this, for chaining
   */
  public JobAssert hasState(JobState expected) {
    isNotNull();
    return check("state", actual.state(), expected);
  }

  /**
   * Checks how many attempts have started.
   *
   * @param expected the attempt count, 0 before the first claim
   * @return this, for chaining
   */
  public JobAssert hasAttempt(int expected) {
    isNotNull();
    return check("attempt", actual.attempt(), expected);
  }

  /**
   * Checks how many attempts the job gets in all.
   *
   * @param expected the maximum attempts
   * @return this, for chaining
   */
  public JobAssert hasMaxAttempts(int expected) {
    isNotNull();
    return check("max attempts", actual.maxAttempts(), expected);
  }

  /**
   * Checks the job's version.
   *
   * @param expected the version, 1 for a new job
   * @return this, for chaining
   */
  public JobAssert hasVersion(long expected) {
    isNotNull();
    return check("version", actual.version(), expected);
  }

  /**
   * Checks the job's priority.
   *
   * @param expected the priority
   * @return this, for chaining
   */
  public JobAssert hasPriority(Priority expected) {
    isNotNull();
    return check("priority", actual.priority(), expected);
  }

  /**
   * Checks the earliest time the job may run.
   *
   * @param expected the run-at time
   * @return this, for chaining
   */
  public JobAssert hasRunAt(Instant expected) {
    isNotNull();
    return check("run-at", actual.runAt(), expected);
  }

  /**
   * Checks when the job last changed.
   *
   * @param expected the update time
   * @return this, for chaining
   */
  public JobAssert hasUpdatedAt(Instant expected) {
    isNotNull();
    return check("updated-at", actual.updatedAt(), expected);
  }

  /**
   * Checks when the job finished.
   *
   * @param expected the finish time
   * @return this, for chaining
   */
  public JobAssert hasFinishedAt(Instant expected) {
    isNotNull();
    if (actual.finishedAt().isEmpty()) {
      failWithActualExpectedAndMessage(
          null,
          expected,
          "Expected job %s to have finished at %s, but it has not finished (it is %s).",
          actual.id(),
          expected,
          actual.state());
    }
    return check("finish time", actual.finishedAt().get(), expected);
  }

  /**
   * Checks that the job has no finish time, as a pending or running job has not.
   *
   * @return this, for chaining
   */
  public JobAssert hasNoFinishedAt() {
    isNotNull();
    actual
        .finishedAt()
        .ifPresent(
            at ->
                failWithActualExpectedAndMessage(
                    at,
                    null,
                    "Expected job %s to have no finish time, but it finished at %s (it is %s).",
                    actual.id(),
                    at,
                    actual.state()));
    return this;
  }

  /**
   * Checks that the job is leased by {@code owner}.
   *
   * @param owner the worker that should hold the lease
   * @return this, for chaining
   */
  public JobAssert isLeasedBy(String owner) {
    return check("lease owner", lease(owner, "be leased by %s").owner(), owner);
  }

  /**
   * Checks the fence of the job's lease.
   *
   * @param expected the fence
   * @return this, for chaining
   */
  public JobAssert hasLeaseFence(long expected) {
    return check("lease fence", lease(expected, "be leased under fence %s").fence(), expected);
  }

  /**
   * Checks when the job's lease expires.
   *
   * @param expected the expiry
   * @return this, for chaining
   */
  public JobAssert hasLeaseExpiringAt(Instant expected) {
    return check(
        "lease expiry", lease(expected, "have a lease expiring at %s").expiresAt(), expected);
  }

  /**
   * Checks when the job's lease started: when the worker took the job, the start of its attempt.
   *
   * @param expected the start
   * @return this, for chaining
   */
  public JobAssert hasLeaseStartedAt(Instant expected) {
    return check(
        "lease start", lease(expected, "have a lease started at %s").startedAt(), expected);
  }

  /**
   * Checks that the job has no lease, as every job but a running one.
   *
   * @return this, for chaining
   */
  public JobAssert hasNoLease() {
    isNotNull();
    actual
        .lease()
        .ifPresent(
            lease ->
                failWithActualExpectedAndMessage(
                    lease,
                    null,
                    "Expected job %s to have no lease, but it has %s (it is %s).",
                    actual.id(),
                    lease,
                    actual.state()));
    return this;
  }

  /**
   * Checks how many attempt errors the job keeps.
   *
   * @param expected the number of errors
   * @return this, for chaining
   */
  public JobAssert hasErrorCount(int expected) {
    isNotNull();
    return check("error count", actual.errors().size(), expected);
  }

  /**
   * Checks the type of the job's most recent attempt error.
   *
   * @param expected the type, an exception's class name or a reason such as {@code LeaseExpired}
   * @return this, for chaining
   */
  public JobAssert hasLastErrorType(String expected) {
    return check("last error type", lastError(expected, "type").type(), expected);
  }

  /**
   * Checks the attempt number of the job's most recent attempt error.
   *
   * @param expected the attempt that failed last
   * @return this, for chaining
   */
  public JobAssert hasLastErrorAttempt(int expected) {
    return check("last error attempt", lastError(expected, "attempt").attempt(), expected);
  }

  /**
   * Checks that someone asked the running job to stop.
   *
   * @return this, for chaining
   */
  public JobAssert isCancelRequested() {
    isNotNull();
    return check("cancel request", actual.isCancelRequested(), true);
  }

  /**
   * Checks that nobody asked the job to stop.
   *
   * @return this, for chaining
   */
  public JobAssert isNotCancelRequested() {
    isNotNull();
    return check("cancel request", actual.isCancelRequested(), false);
  }

  /**
   * Checks that the job may run at {@code now}: pending and due.
   *
   * @param now the time to check at
   * @return this, for chaining
   */
  public JobAssert isRunnableAt(Instant now) {
    isNotNull();
    if (!actual.isRunnableAt(now)) {
      failWithMessage(
          "Expected job %s to be runnable at %s, but it is %s with run-at %s.",
          actual.id(), now, actual.state(), actual.runAt());
    }
    return this;
  }

  /**
   * Checks that the job may not run at {@code now}: not pending, or not yet due.
   *
   * @param now the time to check at
   * @return this, for chaining
   */
  public JobAssert isNotRunnableAt(Instant now) {
    isNotNull();
    if (actual.isRunnableAt(now)) {
      failWithMessage(
          "Expected job %s not to be runnable at %s, but it is %s with run-at %s.",
          actual.id(), now, actual.state(), actual.runAt());
    }
    return this;
  }

  private Lease lease(Object expected, String what) {
    isNotNull();
    if (actual.lease().isEmpty()) {
      failWithActualExpectedAndMessage(
          null,
          expected,
          "Expected job %s to " + what + ", but it has no lease (it is %s).",
          actual.id(),
          expected,
          actual.state());
    }
    return actual.lease().get();
  }

  private AttemptError lastError(Object expected, String what) {
    isNotNull();
    if (actual.errors().isEmpty()) {
      failWithActualExpectedAndMessage(
          null,
          expected,
          "Expected job %s's last error to have %s %s, but the job has no errors.",
          actual.id(),
          what,
          expected);
    }
    return actual.errors().getLast();
  }

  private static void compare(
      List<String> differences, String field, Object actualValue, Object expectedValue) {
    if (Objects.equals(actualValue, expectedValue)) {
      return;
    }
    if (actualValue instanceof String a && expectedValue instanceof String e) {
      int at = firstDifference(a, e);
      differences.add(
          "  %s: differs from character %d on (expected %d characters, was %d):%n"
                  .formatted(field, at, e.length(), a.length())
              + "    expected ...%s%n    but was  ...%s".formatted(window(e, at), window(a, at)));
    } else if (actualValue instanceof List<?> a && expectedValue instanceof List<?> e) {
      if (a.size() != e.size()) {
        differences.add(
            "  %s: expected %d items but was %d: expected %s but was %s"
                .formatted(field, e.size(), a.size(), abbreviate(e), abbreviate(a)));
      } else {
        int at = 0;
        while (Objects.equals(a.get(at), e.get(at))) {
          at++;
        }
        differences.add(
            "  %s: item %d differs: expected %s but was %s"
                .formatted(field, at, abbreviate(e.get(at)), abbreviate(a.get(at))));
      }
    } else {
      differences.add(
          "  %s: expected %s but was %s"
              .formatted(field, abbreviate(expectedValue), abbreviate(actualValue)));
    }
  }

  private static int firstDifference(String a, String b) {
    int at = 0;
    while (at < a.length() && at < b.length() && a.charAt(at) == b.charAt(at)) {
      at++;
    }
    return at;
  }

  private static String window(String text, int at) {
    int from = Math.max(0, at - 20);
    return abbreviate(text.substring(from, Math.min(text.length(), from + 60)));
  }

  // Payloads and stack traces can be a megabyte: show their start and their length.
  private static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() <= MAX_SHOWN
        ? text
        : text.substring(0, MAX_SHOWN) + "... (%d characters)".formatted(text.length());
  }

  private JobAssert check(String what, Object actualValue, Object expected) {
    if (!Objects.equals(actualValue, expected)) {
      failWithActualExpectedAndMessage(
          actualValue,
          expected,
          "Expected job %s to have %s %s, but it has %s.",
          actual.id(),
          what,
          expected,
          actualValue);
    }
    return this;
  }
}
