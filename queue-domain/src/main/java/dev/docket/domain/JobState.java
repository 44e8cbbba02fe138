package dev.docket.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states a job moves through.
 *
 * <pre>
 *   PENDING ──claim──▶ RUNNING ──complete──▶ COMPLETED
 *      ▲  │               │ │ └──attempts exhausted──▶ FAILED (the dead letter)
 *      │  │               │ └──────cancel────────────▶ CANCELLED
 *      │  └────cancel─────┼──────────────────────────▶ CANCELLED
 *      └──retry, release──┘
 *   FAILED, CANCELLED ──retry by hand──▶ PENDING
 * </pre>
 *
 * <p>A pending job is either runnable now or scheduled for later: its run-at time decides, so there
 * is no separate "scheduled" state to keep in step with the clock. {@link #allowedTargets()} is the
 * one place that says which moves are legal.
 */
public enum JobState {
  /** Waiting to run, now or at its run-at time. */
  PENDING,
  /** Claimed by a worker that holds its lease. */
  RUNNING,
  /** Finished successfully. Final. */
  COMPLETED,
  /** Failed on its last allowed attempt, or permanently: the dead letter. */
  FAILED,
  /** Cancelled before it finished. */
  CANCELLED;

  /**
   * The states this one may move to. Listed positively, in an exhaustive switch, so that a new
   * state does not compile until someone decides where it may go.
   */
  public Set<JobState> allowedTargets() {
    return switch (this) {
      case PENDING -> EnumSet.of(RUNNING, CANCELLED);
      case RUNNING -> EnumSet.of(COMPLETED, PENDING, FAILED, CANCELLED);
      case COMPLETED -> EnumSet.noneOf(JobState.class);
      case FAILED, CANCELLED -> EnumSet.of(PENDING);
    };
  }

  /** Whether a job in this state may move to {@code target}. */
  public boolean canTransitionTo(JobState target) {
    return allowedTargets().contains(target);
  }

  /** Whether the job has stopped: completed, failed or cancelled. */
  public boolean isFinished() {
    return switch (this) {
      case PENDING, RUNNING -> false;
      case COMPLETED, FAILED, CANCELLED -> true;
    };
  }
}
