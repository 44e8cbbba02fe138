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

  /** The schedules this one defined in the store: each once, at its first tick that succeeds. */
  private final java.util.Set<String> defined = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The schedules whose definition could not be written, said once each. */
  private final java.util.Set<String> undefinable =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

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
        LOG.log(
            Level.WARNING,
            "Schedule {0} could not fire: {1}",
            schedule.name(),
            dev.docket.domain.LogText.escape(e.getMessage()));
      }
    }
    return fired;
  }

  private int tick(Schedule schedule, Instant now) {
    if (!defined.contains(schedule.name())) {
      define(schedule);
    }
    ScheduleState state = states.register(schedule.name());
    if (!state.enabled()) {
      return 0;
    }
    Instant recent = now.minus(LATE_WINDOW);
    // Walk forward from the last fired slot with the trigger's own next(): one direction, so a
    // local time that repeats when clocks go back is fired once, as the trigger counts it.
    // Slots up to the late window were missed: keep the newest `catchUp` of them. A walk too
    // long to finish (a very long outage) starts again at the late window.
    Instant from =
        state.lastSlot().filter(last -> !last.isBefore(recent.minus(LATE_WINDOW))).orElse(null);
    var missed = new java.util.ArrayDeque<Instant>();
    boolean skipped = false;
    if (from == null && state.lastSlot().isPresent()) {
      Optional<Instant> slot = schedule.trigger().next(state.lastSlot().get());
      Instant lastWalked = state.lastSlot().get();
      int walked = 0;
      while (slot.isPresent() && !slot.get().isAfter(recent) && walked++ < MAX_SLOTS_PER_TICK) {
        lastWalked = slot.get();
        missed.addLast(slot.get());
        if (missed.size() > schedule.catchUp()) {
          missed.removeFirst();
          skipped = true;
        }
        slot = schedule.trigger().next(slot.get());
      }
      skipped |= walked >= MAX_SLOTS_PER_TICK;
      from = walked >= MAX_SLOTS_PER_TICK ? recent : lastWalked;
    } else if (from == null) {
      from = recent;
    }
    List<Instant> fire = new ArrayList<>(missed);
    Optional<Instant> slot = schedule.trigger().next(from);
    for (int i = 0; slot.isPresent() && !slot.get().isAfter(now) && i < MAX_SLOTS_PER_TICK; i++) {
      if (fire.isEmpty() || slot.get().isAfter(fire.get(fire.size() - 1))) {
        fire.add(slot.get());
      }
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

  /**
   * Writes what {@code schedule} does to the store, for tools without this application's code
   * ({@code docket schedules list} and {@code run}): once per start, since the code is the same
   * until the next. A failure is logged and tried again at the next tick; it never keeps the
   * schedule from firing.
   */
  private void define(Schedule schedule) {
    try {
      var template = client.prepare(List.of(schedule.job())).get(0).spec();
      states.define(schedule.name(), ScheduleDefinitions.write(schedule, template));
      defined.add(schedule.name());
    } catch (RuntimeException e) {
      if (undefinable.add(schedule.name())) {
        LOG.log(
            Level.WARNING,
            "Schedule {0} fires, but its definition could not be written to the store, so docket"
                + " schedules cannot run it yet (tried again each second): {1}",
            schedule.name(),
            dev.docket.domain.LogText.escape(e.getMessage()));
      }
    }
  }

  /**
   * Enables or disables a schedule for every node. Slots that pass while a schedule is disabled
   * were skipped on purpose, not missed in an outage: enabling marks them done, so that catch-up
   * does not fire them.
   */
  static void setEnabled(ScheduleStates states, String name, boolean enabled, Instant now) {
    ScheduleState before = states.register(name);
    if (enabled && !before.enabled()) {
      states.markFired(name, now.minus(LATE_WINDOW));
    }
    states.setEnabled(name, enabled);
  }

  static String uniqueKey(Schedule schedule, Instant slot) {
    return schedule.slotKey(slot);
  }

  /** The next slot of {@code schedule} after {@code now}. */
  static Optional<Instant> nextSlot(Schedule schedule, Instant now) {
    return schedule.trigger().next(now);
  }
}
