package dev.docket.usecase;

import dev.docket.domain.Names;
import java.util.Objects;

/**
 * A kind of job and the type of its payload, shared by the code that submits such jobs and the
 * handler that runs them, so that both agree at compile time.
 *
 * <pre>{@code
 * static final JobType<SendEmail> SEND_EMAIL = JobType.of("email.send", SendEmail.class);
 * }</pre>
 *
 * @param kind the kind, see {@link Names#requireKind}
 * @param payloadType the class the JSON payload is read as, typically a record
 * @param <P> the payload type
 */
public record JobType<P>(String kind, Class<P> payloadType) {
  /** Validates the kind. */
  public JobType {
    Names.requireKind(kind);
    Objects.requireNonNull(payloadType, "payloadType");
  }

  /** The job type with this kind and payload class. */
  public static <P> JobType<P> of(String kind, Class<P> payloadType) {
    return new JobType<>(kind, payloadType);
  }
}
