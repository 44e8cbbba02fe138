package dev.docket.http;

import java.util.Objects;
import java.util.Optional;

/**
 * How the HTTP server of {@link DocketServer} listens and whom it lets in.
 *
 * <p>Defaults: bound to {@value #DEFAULT_HOST} (this machine only) on port {@value #DEFAULT_PORT},
 * a random token made at start and logged when none is configured, the dashboard behind the token
 * too, request bodies up to {@value #DEFAULT_MAX_BODY_BYTES} bytes. Immutable and thread-safe.
 */
public final class HttpOptions {
  /** The address the server binds when none is given: the loopback interface. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The port the server listens on when none is given. */
  public static final int DEFAULT_PORT = 7070;

  /** The largest request body accepted, in bytes: room for a bulk enqueue of big payloads. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** The shortest token accepted: shorter ones can be guessed. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private final String host;
  private final int port;
  private final String token;
  private final boolean openOnLocalhost;
  private final int maxBodyBytes;

  private HttpOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.token = b.token;
    this.openOnLocalhost = b.openOnLocalhost;
    this.maxBodyBytes = b.maxBodyBytes;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static HttpOptions defaults() {
    return builder().build();
  }

  /** The address to bind. */
  public String host() {
    return host;
  }

  /** The port to listen on; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** The bearer token for the API and the dashboard; empty means one is made at start. */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /**
   * Whether the dashboard opens without the token for browsers on this machine. The API still wants
   * the token from every other client.
   */
  public boolean openOnLocalhost() {
    return openOnLocalhost;
  }

  /** The largest request body accepted, in bytes. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Builds {@link HttpOptions}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String token;
    private boolean openOnLocalhost;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    private Builder() {}

    /** The address to bind, such as {@code 0.0.0.0} for every interface. */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("The HTTP host is blank: name an address to bind.");
      }
      this.host = host.strip();
      return this;
    }

    /** The port, 0 to 65535; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(
            "HTTP port %d is out of range: use 0 to 65535.".formatted(port));
      }
      this.port = port;
      return this;
    }

    /** The bearer token changes and the dashboard require, at least 16 characters. */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            "The API token has %d characters, too few to be safe: use at least %d."
                .formatted(token.length(), MIN_TOKEN_LENGTH));
      }
      if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "The API token has spaces or characters outside printable ASCII, which an"
                + " Authorization header cannot carry.");
      }
      this.token = token;
      return this;
    }

    /** Opens the dashboard without the token to browsers on this machine. */
    public Builder openOnLocalhost(boolean open) {
      this.openOnLocalhost = open;
      return this;
    }

    /** The largest request body, 1 KiB to 256 MiB. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024 || bytes > 256 * 1024 * 1024) {
        throw new IllegalArgumentException(
            "Largest request body %d is out of range: use 1024 to 268435456 bytes."
                .formatted(bytes));
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** The options. */
    public HttpOptions build() {
      return new HttpOptions(this);
    }
  }
}
