package dev.docket.testkit;

import dev.docket.domain.AttemptError;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Lease;
import dev.docket.domain.Priority;
import java.time.Instant;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * Fluent checks of one {@link Job} snapshot, started with {@link DocketAssertions#assertThat(Job)}.
 *
 * <p>Every failure message names the job's id, what was expected and what the job has, and
 * carries both values so that an IDE can show the difference. A check on a null job fails. Not
 * thread-safe, like every AssertJ assertion: use an instance on the thread that made it.
 */
public final class JobAssert extends AbstractAssert<JobAssert, Job> {

  JobAssert(Job actual) {
    super(actual, JobAssert.class);
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
