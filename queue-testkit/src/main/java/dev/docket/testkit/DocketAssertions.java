package dev.docket.testkit;

import dev.docket.domain.Job;

/**
 * The entry point of Docket's AssertJ assertions.
 *
 * <pre>{@code
 * import static dev.docket.testkit.DocketAssertions.assertThat;
 * import static org.assertj.core.api.Assertions.assertThat;
 *
 * assertThat(job).hasState(JobState.RUNNING).hasAttempt(1).isLeasedBy("worker-1");
 * }</pre>
 *
 * <p>Both static imports can sit side by side: for a {@link Job} the Java compiler picks the more
 * specific method here, for anything else AssertJ's. Stateless and thread-safe.
 */
public final class DocketAssertions {
  private DocketAssertions() {}

  /**
   * Starts assertions on a job.
   *
   * @param job the job to check; may be null, in which case every check fails saying so
   * @return the assertions on {@code job}
   */
  public static JobAssert assertThat(Job job) {
    return new JobAssert(job);
  }
}
