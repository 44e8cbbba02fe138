package dev.docket.http;

import java.util.Locale;

/**
 * The stable codes of the API's JSON errors, {@code {"error": "<code>", "message": ...}}: every
 * refusal names one of these, so programs can branch on the code while people read the message.
 * {@code docs/operations.md} lists each; a test keeps that list and this enum equal.
 */
enum ErrorCode {
  BODY_TOO_LARGE,
  CONFLICT,
  CROSS_SITE,
  CSRF,
  EMPTY_BODY,
  FORBIDDEN,
  INTERNAL_ERROR,
  INVALID_CURSOR,
  INVALID_FIELD,
  INVALID_ID,
  INVALID_JOB,
  INVALID_JSON,
  INVALID_PARAMETER,
  INVALID_PAYLOAD,
  INVALID_QUEUE,
  INVALID_REQUEST,
  METHOD_NOT_ALLOWED,
  METRICS_DISABLED,
  NOT_FOUND,
  PAYLOAD_TOO_LARGE,
  STORE_UNAVAILABLE,
  TOO_MANY_FAILURES,
  TOO_MANY_JOBS,
  TOO_MANY_STREAMS,
  UNAUTHORIZED,
  UNAVAILABLE,
  UNKNOWN_FIELD,
  UNREADABLE_BODY,
  UNSUPPORTED_MEDIA_TYPE;

  /** The code as the JSON error carries it, such as {@code invalid_json}. */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
