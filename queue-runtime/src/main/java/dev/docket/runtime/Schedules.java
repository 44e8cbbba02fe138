package dev.docket.runtime;

import dev.docket.domain.Job;
import dev.docket.domain.Names;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.port.ScheduleState;
import dev.docket.usecase.port.ScheduleStates;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What operators do with recurring schedules: list them with their state and next slot, enable and
 * disable them for every node, and run one's job now. A runtime acts on its own schedules through
 * one of these ({@link DocketRuntime#schedules()} and the methods beside it); a tool that works on
 * the store without the application's code, such as the {@code docket schedules} command, acts on
 * the schedules as the store keeps them ({@link #stored}): each node defines its schedules in the
 * store when it first fires them.
 *
 * <p>Thread-safe; every call reads the store afresh.
 */
public final class Schedules {
  /**
   * One schedule as operators see it.
   *
   * @param name its name
   * @param schedule its trigger and job; empty for a schedule the store knows by name only (its
   *     nodes are older than this version, or its stored definition cannot be read)
   * @param enabled whether it fires
   * @param lastSlot the latest slot fired
   * @param nextSlot the next slot it will fire, if it is enabled and its trigger is known
   */
  public record Entry(
      String name,
      Optional<Schedule> schedule,
      boolean enabled,
      Optional<Instant> lastSlot,
      Optional<Instant> nextSlot) {
    /** Checks for nulls. */
    public Entry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(lastSlot, "lastSlot");
      Objects.requireNonNull(nextSlot, "nextSlot");
    }
  }

  private final Optional<List<Schedule>> own;
  private final ScheduleStates states;
  private final JobClient client;
  private final InstantSource clock;

  private Schedules(
      Optional<List<Schedule>> own, ScheduleStates states, JobClient client, InstantSource clock) {
    this.own = own;
    this.states = Objects.requireNonNull(states, "states");
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The schedules of a runtime, defined in its code, with their state in {@code states}. */
  static Schedules of(
      List<Schedule> schedules, ScheduleStates states, JobClient client, InstantSource clock) {
    return new Schedules(Optional.of(List.copyOf(schedules)), states, client, clock);
  }

  /**
   * The schedules the store knows, as their nodes defined them there.
   *
   * @param states the store's schedule states
   * @param client submits the jobs of {@link #runNow}, on the same store
   * @param clock the time of next slots and of enabling
   */
  public static Schedules stored(ScheduleStates states, JobClient client, InstantSource clock) {
    return new Schedules(Optional.empty(), states, client, clock);
  }

  /** Every schedule, by name. */
  public List<Entry> list() {
    Instant now = clock.instant();
    var entries = new ArrayList<Entry>();
    if (own.isPresent()) {
      for (Schedule schedule : own.get()) {
        entries.add(entry(states.register(schedule.name()), Optional.of(schedule), now));
      }
    } else {
      for (ScheduleState state : states.list()) {
        entries.add(entry(state, definition(state), now));
      }
    }
    return entries;
  }

  /** The schedule named {@code name}, if there is one. */
  public Optional<Entry> find(String name) {
    Objects.requireNonNull(name, "name");
    Instant now = clock.instant();
    if (own.isPresent()) {
      return own.get().stream()
          .filter(s -> s.name().equals(name))
          .findFirst()
          .map(s -> entry(states.register(name), Optional.of(s), now));
    }
    return states.find(name).map(state -> entry(state, definition(state), now));
  }

  /**
   * Enables or disables a schedule on every node. Slots that pass while a schedule is disabled are
   * skipped on purpose: enabling it again does not catch them up.
   *
   * @return whether it changed: false if it was enabled or disabled already
   * @throws IllegalArgumentException if no schedule has that name
   */
  public boolean setEnabled(String name, boolean enabled) {
    Entry entry = require(name);
    if (entry.enabled() == enabled) {
      return false;
    }
    Scheduler.setEnabled(states, name, enabled, clock.instant());
    return true;
  }

  /**
   * Submits a schedule's job now, outside its slots: the slots fire as before.
   *
   * @return the submitted job
   * @throws IllegalArgumentException if no schedule has that name
   * @throws IllegalStateException if the store knows the schedule by name only
   */
  public Job runNow(String name) {
    Entry entry = require(name);
    Schedule schedule =
        entry
            .schedule()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        ("Schedule %s has no definition in the store that this version can read,"
                                + " so its job is unknown here: %s")
                            .formatted(Names.quote(name), whyUndefined(name))));
    // A key of its own, so the schedule's history can tell a run by hand from its slots' runs.
    return client.submit(
        schedule.job().toBuilder().uniqueKey(schedule.handKey(clock.instant())).build());
  }

  private Entry require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "There is no schedule %s.".formatted(Names.quote(name))));
  }

  /** Why the store's definition of {@code name} is of no use here. */
  private String whyUndefined(String name) {
    Optional<String> text = states.find(name).flatMap(ScheduleState::definition);
    if (text.isEmpty()) {
      return "the nodes that run it are older than this version. Run it from a node's dashboard"
          + " or API, or restart a node on this version.";
    }
    try {
      ScheduleDefinitions.read(name, text.get());
      return "it was defined only now; try again.";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static Optional<Schedule> definition(ScheduleState state) {
    return state.definition().flatMap(text -> ScheduleDefinitions.tryRead(state.name(), text));
  }

  private static Entry entry(ScheduleState state, Optional<Schedule> schedule, Instant now) {
    return new Entry(
        state.name(),
        schedule,
        state.enabled(),
        state.lastSlot(),
        state.enabled()
            ? schedule.flatMap(s -> Scheduler.nextSlot(s, now))
            : Optional.<Instant>empty());
  }
}
