package dev.docket.usecase.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The shared state of recurring schedules, so that every node sees the same enabled flag and knows
 * which slot was fired last. Which jobs a slot makes is not decided here: each slot's job carries a
 * unique key, so nodes firing the same slot make one job. Thread-safe.
 */
public interface ScheduleStates {
  /** Makes the schedule known, enabled, if it is not yet; returns its state either way. */
  ScheduleState register(String name);

  /** The state of one schedule. */
  Optional<ScheduleState> find(String name);

  /** Every known schedule, by name. */
  List<ScheduleState> list();

  /**
   * Enables or disables a schedule.
   *
   * @return whether the schedule is known
   */
  boolean setEnabled(String name, boolean enabled);

  /** Records that {@code slot} fired; the latest slot never moves back. */
  void markFired(String name, Instant slot);
}
