package dev.docket.usecase.port;

import dev.docket.domain.Names;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the store remembers of a recurring schedule: whether it is enabled, the latest slot that was
 * fired, and what the schedule does, as the runtime that defined it last wrote it.
 *
 * @param name the schedule's name, see {@link Names#requireKind}
 * @param enabled whether it fires
 * @param lastSlot the latest slot fired, if any
 * @param definition the schedule's trigger and job as its runtime wrote them with {@link
 *     ScheduleStates#define}, if one did: text the store keeps as it is
 */
public record ScheduleState(
    String name, boolean enabled, Optional<Instant> lastSlot, Optional<String> definition) {
  /** Validates the name. */
  public ScheduleState {
    Names.requireKind(name);
    Objects.requireNonNull(lastSlot, "lastSlot");
    Objects.requireNonNull(definition, "definition");
  }

  /** A state without a definition: a schedule that was registered, never defined. */
  public ScheduleState(String name, boolean enabled, Optional<Instant> lastSlot) {
    this(name, enabled, lastSlot, Optional.empty());
  }
}
