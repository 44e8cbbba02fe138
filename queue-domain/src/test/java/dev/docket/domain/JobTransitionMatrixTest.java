package dev.docket.domain;

import static dev.docket.domain.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every transition method tried from every state: legal ones move, the others throw. */
class JobTransitionMatrixTest {
  private static final AttemptError ERROR = AttemptError.reason(1, T0, "Boom", "it broke");

  enum Action {
    CLAIM(
        EnumSet.of(JobState.PENDING),
        JobState.RUNNING,
        j -> j.claim("w2", T0, Duration.ofSeconds(5))),
    COMPLETE(EnumSet.of(JobState.RUNNING), JobState.COMPLETED, j -> j.complete(fence(j), T0)),
    RETRY(
        EnumSet.of(JobState.RUNNING),
        JobState.PENDING,
        j -> j.retry(fence(j), ERROR, T0.plusSeconds(5), T0)),
    DEAD_LETTER(
        EnumSet.of(JobState.RUNNING), JobState.FAILED, j -> j.deadLetter(fence(j), ERROR, T0)),
    ACKNOWLEDGE_CANCEL(
        EnumSet.of(JobState.RUNNING), JobState.CANCELLED, j -> j.acknowledgeCancel(fence(j), T0)),
    RELEASE(EnumSet.of(JobState.RUNNING), JobState.PENDING, j -> j.release(fence(j), T0)),
    CANCEL_PENDING(EnumSet.of(JobState.PENDING, JobState.RUNNING), null, j -> j.cancel(T0)),
    REQUEUE(EnumSet.of(JobState.FAILED, JobState.CANCELLED), JobState.PENDING, j -> j.requeue(T0)),
    RAISE_PRIORITY(EnumSet.of(JobState.PENDING), JobState.PENDING, j -> j.raisePriority(10, T0)),
    EXTEND_LEASE(
        EnumSet.of(JobState.RUNNING),
        JobState.RUNNING,
        j -> j.extendLease(fence(j), T0.plusSeconds(60), T0)),
    EXPIRE_LEASE(
        EnumSet.of(JobState.RUNNING),
        JobState.PENDING,
        j -> j.expireLease(T0.plusSeconds(31), new SplittableRandom(1)));

    final Set<JobState> allowedFrom;
    final JobState target;
    final UnaryOperator<Job> apply;

    Action(Set<JobState> allowedFrom, JobState target, UnaryOperator<Job> apply) {
      this.allowedFrom = allowedFrom;
      this.target = target;
      this.apply = apply;
    }
  }

  static long fence(Job job) {
    return Fixtures.fence(job);
  }

  static Stream<Arguments> everyStateWithEveryAction() {
    List<Arguments> all = new ArrayList<>();
    for (JobState state : JobState.values()) {
      for (Action action : Action.values()) {
        all.add(Arguments.of(state, action));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{1} from {0}")
  @MethodSource("everyStateWithEveryAction")
  void action_movesTheJob_onlyFromTheStatesThatAllowIt(JobState state, Action action) {
    Job job = Fixtures.inState(state);
    if (action.allowedFrom.contains(state)) {
      Job next = action.apply.apply(job);
      JobState expected =
          action == Action.CANCEL_PENDING
              ? (state == JobState.RUNNING ? JobState.RUNNING : JobState.CANCELLED)
              : action.target;
      assertThat(next.state()).isEqualTo(expected);
      assertThat(next.version()).isEqualTo(job.version() + 1);
      assertThat(next.id()).isEqualTo(job.id());
      if (next.state() != state) {
        assertThat(state.canTransitionTo(next.state())).isTrue();
      }
    } else {
      assertThatThrownBy(() -> action.apply.apply(job))
          .isInstanceOfSatisfying(
              IllegalTransitionException.class,
              e -> {
                assertThat(e.jobId()).isEqualTo(job.id());
                assertThat(e.from()).isEqualTo(state);
                // In words, with the states as operators see them: never "PENDING".
                assertThat(e.getMessage())
                    .contains(job.id().toString())
                    .contains(state.name().toLowerCase(java.util.Locale.ROOT))
                    .doesNotContainPattern("PENDING|RUNNING|COMPLETED|FAILED|CANCELLED")
                    .endsWith(".");
              });
    }
  }

  @org.junit.jupiter.api.Test
  void operatorsRefusedCancelsAndRetries_sayWhyInWords() {
    assertThatThrownBy(() -> Fixtures.cancelled().cancel(T0))
        .hasMessage("Job %s is already cancelled.", Fixtures.ID);
    assertThatThrownBy(() -> Fixtures.completed().cancel(T0))
        .hasMessage(
            "Job %s has completed: only pending or running jobs can be cancelled.", Fixtures.ID);
    assertThatThrownBy(() -> Fixtures.failed().cancel(T0))
        .hasMessage(
            "Job %s has failed: only pending or running jobs can be cancelled.", Fixtures.ID);
    assertThatThrownBy(() -> Fixtures.completed().requeue(T0))
        .hasMessage(
            "Job %s has completed: only failed or cancelled jobs can be retried.", Fixtures.ID);
    assertThatThrownBy(() -> Fixtures.pending().requeue(T0))
        .hasMessage(
            "Job %s is pending: only failed or cancelled jobs can be retried.", Fixtures.ID);
    assertThatThrownBy(() -> Fixtures.running().requeue(T0))
        .hasMessage(
            "Job %s is running: only failed or cancelled jobs can be retried.", Fixtures.ID);
  }

  @org.junit.jupiter.api.Test
  void aWorkersRefusedReport_namesTheActionAndTheState() {
    Job completed = Fixtures.completed();

    assertThatThrownBy(() -> completed.complete(1, T0))
        .isInstanceOfSatisfying(
            IllegalTransitionException.class,
            e -> {
              assertThat(e.from()).isEqualTo(JobState.COMPLETED);
              assertThat(e.to()).isEqualTo(JobState.COMPLETED);
            })
        .hasMessage("Job %s cannot complete: it has completed.", Fixtures.ID);
    assertThatThrownBy(() -> Fixtures.pending().extendLease(1, T0, T0))
        .hasMessage("Job %s cannot extend its lease: it is pending.", Fixtures.ID);
  }
}
