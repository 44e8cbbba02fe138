package dev.docket.store.memory;

import dev.docket.domain.Names;
import dev.docket.usecase.port.ScheduleState;
import dev.docket.usecase.port.ScheduleStates;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Schedule states in a concurrent map; each change is one atomic compute. */
final class InMemoryScheduleStates implements ScheduleStates {
  private final ConcurrentSkipListMap<String, ScheduleState> states = new ConcurrentSkipListMap<>();

  @Override
  public ScheduleState register(String name) {
    return states.computeIfAbsent(
        Names.requireKind(name), n -> new ScheduleState(n, true, Optional.empty()));
  }

  @Override
  public void define(String name, String definition) {
    Objects.requireNonNull(definition, "definition");
    states.compute(
        Names.requireKind(name),
        (n, state) ->
            state == null
                ? new ScheduleState(n, true, Optional.empty(), Optional.of(definition))
                : new ScheduleState(n, state.enabled(), state.lastSlot(), Optional.of(definition)));
  }

  @Override
  public Optional<ScheduleState> find(String name) {
    return Optional.ofNullable(states.get(Objects.requireNonNull(name, "name")));
  }

  @Override
  public List<ScheduleState> list() {
    return List.copyOf(states.values());
  }

  @Override
  public boolean setEnabled(String name, boolean enabled) {
    return states.computeIfPresent(
            name, (n, state) -> new ScheduleState(n, enabled, state.lastSlot(), state.definition()))
        != null;
  }

  @Override
  public void markFired(String name, Instant slot) {
    Objects.requireNonNull(slot, "slot");
    states.compute(
        Names.requireKind(name),
        (n, state) -> {
          boolean enabled = state == null || state.enabled();
          Optional<Instant> last = state == null ? Optional.empty() : state.lastSlot();
          Optional<String> definition = state == null ? Optional.empty() : state.definition();
          Instant latest = last.filter(l -> l.isAfter(slot)).orElse(slot);
          return new ScheduleState(n, enabled, Optional.of(latest), definition);
        });
  }
}
