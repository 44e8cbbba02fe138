package dev.docket.usecase;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The handlers of a worker, one per kind.
 *
 * <p>Thread-safe: handlers may be registered while workers look them up.
 */
public final class HandlerRegistry {
  private final ConcurrentHashMap<String, Registration<?>> byKind = new ConcurrentHashMap<>();

  /** The kinds, copied once per registration rather than once per claim. */
  private volatile Set<String> kinds = Set.of();

  /** A handler with its job type. */
  record Registration<P>(JobType<P> type, ResultHandler<P, ?> handler) {
    /** Runs the handler; returns its result, or null for none. */
    Object invoke(Object payload, JobContext context) throws Exception {
      return handler.handle(type.payloadType().cast(payload), context);
    }
  }

  /**
   * Registers {@code handler} for jobs of {@code type}.
   *
   * @return this registry
   * @throws IllegalStateException if the kind has a handler already
   */
  public <P> HandlerRegistry register(JobType<P> type, JobHandler<P> handler) {
    Objects.requireNonNull(handler, "handler");
    return registerWithResult(
        type,
        (payload, context) -> {
          handler.handle(payload, context);
          return null;
        });
  }

  /**
   * Registers {@code handler}, whose return value is the job's result, for jobs of {@code type}.
   *
   * @return this registry
   * @throws IllegalStateException if the kind has a handler already
   */
  public synchronized <P> HandlerRegistry registerWithResult(
      JobType<P> type, ResultHandler<P, ?> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    Registration<?> existing = byKind.putIfAbsent(type.kind(), new Registration<>(type, handler));
    if (existing != null) {
      throw new IllegalStateException(
          "Kind '%s' has a handler already (for payload %s): each kind has exactly one handler."
              .formatted(type.kind(), existing.type().payloadType().getName()));
    }
    kinds = Set.copyOf(byKind.keySet());
    return this;
  }

  /** The kinds that have a handler. */
  public Set<String> kinds() {
    return kinds;
  }

  Optional<Registration<?>> find(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
