package dev.docket.usecase.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The shared state of recurring schedules, so that every node sees the same enabled flag and knows
 * which slot was fired last. Which jobs a slot makes is not decided here: each slot's job carries a
 * unique key, so nodes firing the same slot make one job. Thread-safe.
 *
 * <p>A schedule is defined in the application's code; {@link #define} keeps a copy of that
 * definition in the store, so that tools working on the store without that code (the {@code docket
 * schedules} command) can list a schedule's trigger and run its job.
 */
public interface ScheduleStates {
  /** Makes the schedule known, enabled, if it is not yet; returns its state either way. */
  ScheduleState register(String name);

  /**
   * Records what {@code name} does, replacing what was recorded before, and makes the schedule
   * known, enabled, if it is not yet; its enabled flag and last slot stay as they are. The text is
   * the runtime's (a JSON document of the trigger and the job): the store keeps it as it is and
   * reads nothing into it.
   */
  void define(String name, String definition);

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
