package dev.docket.runtime;

import dev.docket.usecase.JobClient;
import dev.docket.usecase.port.ScheduleState;
import dev.docket.usecase.port.ScheduleStates;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fires the slots of every schedule that are due. Every node runs one; the unique key of each
 * slot's job makes the nodes' firings of one slot a single job, and the store's record of the last
 * slot lets a restarted node skip what was fired already.
 */
final class Scheduler {
  private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

  /** Slots this late still fire; older ones count as missed. */
  static final Duration LATE_WINDOW = Duration.ofMinutes(1);

  private static final int MAX_SLOTS_PER_TICK = 10_000;

  private final List<Schedule> schedules;
  private final ScheduleStates states;
  private final JobClient client;

  Scheduler(List<Schedule> schedules, ScheduleStates states, JobClient client) {
    this.schedules = List.copyOf(schedules);
    this.states = states;
    this.client = client;
  }

  /** Fires every due slot of every enabled schedule at {@code now}; returns how many fired. */
  int tick(Instant now) {
    int fired = 0;
    for (Schedule schedule : schedules) {
      try {
        fired += tick(schedule, now);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "Schedule {0} could not fire: {1}", schedule.name(), e.getMessage());
      }
    }
    return fired;
  }

  private int tick(Schedule schedule, Instant now) {
    ScheduleState state = states.register(schedule.name());
    if (!state.enabled()) {
      return 0;
    }
    Instant recent = now.minus(LATE_WINDOW);
    Optional<Instant> last = state.lastSlot();
    // Missed slots: between the last fired one and the late window, newest first, as many as
    // the schedule catches up. Walking back from the window keeps a long outage cheap.
    Instant lastFired = last.orElse(null);
    var missed = new java.util.ArrayDeque<Instant>();
    Optional<Instant> back = schedule.trigger().previous(recent.plusNanos(1));
    while (back.isPresent()
        && lastFired != null
        && back.get().isAfter(lastFired)
        && missed.size() < schedule.catchUp()) {
      missed.addFirst(back.get());
      back = schedule.trigger().previous(back.get());
    }
    boolean skipped = back.isPresent() && lastFired != null && back.get().isAfter(lastFired);
    // Due slots: after the late window began (and after the last fired one), up to now.
    Instant from = last.filter(l -> l.isAfter(recent)).orElse(recent);
    List<Instant> fire = new ArrayList<>(missed);
    Optional<Instant> slot = schedule.trigger().next(from);
    for (int i = 0; slot.isPresent() && !slot.get().isAfter(now) && i < MAX_SLOTS_PER_TICK; i++) {
      fire.add(slot.get());
      slot = schedule.trigger().next(slot.get());
    }
    if (skipped) {
      LOG.log(
          Level.INFO,
          "Schedule {0} skips slots missed before {1} (it catches up {2}).",
          schedule.name(),
          missed.isEmpty() ? recent : missed.getFirst(),
          schedule.catchUp());
    }
    for (Instant at : fire) {
      client.submit(
          schedule.job().toBuilder().runAt(at).uniqueKey(uniqueKey(schedule, at)).build());
      states.markFired(schedule.name(), at);
    }
    return fire.size();
  }

  static String uniqueKey(Schedule schedule, Instant slot) {
    return "docket:schedule:" + schedule.name() + ":" + slot;
  }

  /** The next slot of {@code schedule} after {@code now}. */
  static Optional<Instant> nextSlot(Schedule schedule, Instant now) {
    return schedule.trigger().next(now);
  }
}
