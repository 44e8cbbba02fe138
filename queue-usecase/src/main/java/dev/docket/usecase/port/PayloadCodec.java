package dev.docket.usecase.port;

/**
 * Turns payload objects into JSON text and back.
 *
 * <p>Implementations are thread-safe. Every method reports bad input with {@link PayloadException},
 * never with a library's own exception.
 */
public interface PayloadCodec {
  /**
   * The JSON text of {@code payload}.
   *
   * @throws PayloadException if it cannot be written as JSON that every store accepts
   */
  String encode(Object payload);

  /**
   * Reads {@code json} as a {@code type}.
   *
   * @throws PayloadException if the text is not JSON or does not fit the type
   */
  <P> P decode(String json, Class<P> type);

  /**
   * Checks that {@code json} is one complete JSON value that every store accepts.
   *
   * @return the text, unchanged
   * @throws PayloadException naming what is wrong, if it is not
   */
  String validate(String json);

  /**
   * Gets ready to read and write {@code type}, so that the first job of a kind does not pay for it.
   * A runtime calls it for each handler's payload type when it is built. Does nothing by default; a
   * type that cannot be read is reported when a payload is, not here.
   */
  default void prepare(Class<?> type) {}
}
