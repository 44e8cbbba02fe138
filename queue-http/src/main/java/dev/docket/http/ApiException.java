package dev.docket.http;

/**
 * A request the API refuses: the HTTP status, a stable error code and a sentence for people. Thrown
 * by the routes and turned into a JSON error by the server.
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final ErrorCode code;

  ApiException(int status, ErrorCode code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  static ApiException badRequest(ErrorCode code, String message) {
    return new ApiException(400, code, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, ErrorCode.NOT_FOUND, message);
  }

  int status() {
    return status;
  }

  ErrorCode code() {
    return code;
  }
}
