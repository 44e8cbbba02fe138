package dev.docket.usecase.port;

import dev.docket.domain.Names;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the store remembers of a recurring schedule: whether it is enabled, and the latest slot that
 * was fired.
 *
 * @param name the schedule's name, see {@link Names#requireKind}
 * @param enabled whether it fires
 * @param lastSlot the latest slot fired, if any
 */
public record ScheduleState(String name, boolean enabled, Optional<Instant> lastSlot) {
  /** Validates the name. */
  public ScheduleState {
    Names.requireKind(name);
    Objects.requireNonNull(lastSlot, "lastSlot");
  }
}
