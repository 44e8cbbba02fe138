package dev.docket.runtime;

import dev.docket.usecase.JobHandler;
import dev.docket.usecase.JobType;
import dev.docket.usecase.ResultHandler;
import java.util.Objects;

/**
 * A handler and the job type it runs, as contributed to the runtime through {@link
 * DocketModule#handlers}.
 *
 * @param type the job type
 * @param handler its handler; one made from a {@link JobHandler} returns null, so no result
 * @param <P> the payload type
 */
public record HandlerBinding<P>(JobType<P> type, ResultHandler<P, ?> handler) {
  /** Checks for nulls. */
  public HandlerBinding {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
  }

  /** Binds {@code handler} to jobs of {@code type}. */
  public static <P> HandlerBinding<P> of(JobType<P> type, JobHandler<P> handler) {
    Objects.requireNonNull(handler, "handler");
    return new HandlerBinding<>(
        type,
        (payload, context) -> {
          handler.handle(payload, context);
          return null;
        });
  }

  /** Binds {@code handler}, whose return value is each job's result, to jobs of {@code type}. */
  public static <P> HandlerBinding<P> withResult(JobType<P> type, ResultHandler<P, ?> handler) {
    return new HandlerBinding<>(type, handler);
  }
}
