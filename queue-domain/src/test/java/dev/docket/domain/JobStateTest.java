package dev.docket.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class JobStateTest {

  /** The whole state-by-state matrix, written out so that a changed rule shows up here. */
  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @CsvSource({
    "PENDING,   PENDING,   false",
    "PENDING,   RUNNING,   true",
    "PENDING,   COMPLETED, false",
    "PENDING,   FAILED,    false",
    "PENDING,   CANCELLED, true",
    "RUNNING,   PENDING,   true",
    "RUNNING,   RUNNING,   false",
    "RUNNING,   COMPLETED, true",
    "RUNNING,   FAILED,    true",
    "RUNNING,   CANCELLED, true",
    "COMPLETED, PENDING,   false",
    "COMPLETED, RUNNING,   false",
    "COMPLETED, COMPLETED, false",
    "COMPLETED, FAILED,    false",
    "COMPLETED, CANCELLED, false",
    "FAILED,    PENDING,   true",
    "FAILED,    RUNNING,   false",
    "FAILED,    COMPLETED, false",
    "FAILED,    FAILED,    false",
    "FAILED,    CANCELLED, false",
    "CANCELLED, PENDING,   true",
    "CANCELLED, RUNNING,   false",
    "CANCELLED, COMPLETED, false",
    "CANCELLED, FAILED,    false",
    "CANCELLED, CANCELLED, false",
  })
  void transitionMatrix_allowsExactlyTheDrawnMoves(JobState from, JobState to, boolean allowed) {
    assertThat(from.canTransitionTo(to)).isEqualTo(allowed);
  }

  @ParameterizedTest
  @EnumSource(JobState.class)
  void finishedStates_areExactlyCompletedFailedAndCancelled(JobState state) {
    boolean expected =
        state == JobState.COMPLETED || state == JobState.FAILED || state == JobState.CANCELLED;
    assertThat(state.isFinished()).isEqualTo(expected);
  }
}
