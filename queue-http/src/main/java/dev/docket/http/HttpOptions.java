package dev.docket.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the HTTP server of {@link DocketServer} listens and whom it lets in.
 *
 * <p>Defaults: bound to {@value #DEFAULT_HOST} (this machine only) on port {@value #DEFAULT_PORT},
 * a random token made at start and logged when none is configured, the dashboard behind the token
 * too, request bodies up to {@value #DEFAULT_MAX_BODY_BYTES} bytes, session cookies marked {@code
 * Secure} only when the request came over HTTPS, proxy headers ignored, up to {@value
 * #DEFAULT_MAX_EVENT_STREAMS} event streams with a comment line after 15 idle seconds. Immutable
 * and thread-safe.
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

  /** The fewest different characters a token must have: {@code aaaaaaaaaaaaaaaa} is no secret. */
  public static final int MIN_TOKEN_DISTINCT_CHARACTERS = 8;

  /**
   * The largest body the login form accepts, in bytes: a token and a path fit many times over, and
   * nobody without the token makes the server read more.
   */
  public static final int MAX_LOGIN_BODY_BYTES = 4 * 1024;

  /** How many {@code /api/events} streams one server serves at once unless told otherwise. */
  public static final int DEFAULT_MAX_EVENT_STREAMS = 1_000;

  /**
   * How often an idle {@code /api/events} stream gets a comment line unless told otherwise: often
   * enough for proxies that close idle connections after 30 or 60 seconds.
   */
  public static final Duration DEFAULT_EVENT_HEARTBEAT = Duration.ofSeconds(15);

  private final String host;
  private final int port;
  private final String token;
  private final String readOnlyToken;
  private final boolean openOnLocalhost;
  private final int maxBodyBytes;
  private final boolean secureCookies;
  private final boolean trustProxy;
  private final int maxEventStreams;
  private final Duration eventHeartbeat;

  private HttpOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.token = b.token;
    this.readOnlyToken = b.readOnlyToken;
    this.openOnLocalhost = b.openOnLocalhost;
    this.maxBodyBytes = b.maxBodyBytes;
    this.secureCookies = b.secureCookies;
    this.trustProxy = b.trustProxy;
    this.maxEventStreams = b.maxEventStreams;
    this.eventHeartbeat = b.eventHeartbeat;
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
   * A second bearer token that may only read: every GET of the API and the dashboard works with it,
   * and every change is refused with {@code 403 forbidden}. A browser that logs in with it gets a
   * read-only session, whose pages show no action buttons. Empty when none is configured.
   */
  public Optional<String> readOnlyToken() {
    return Optional.ofNullable(readOnlyToken);
  }

  /**
   * Whether the dashboard opens without the token for browsers on this machine: its pages and the
   * API routes of its buttons (retry, cancel, delete, pause, resume, the schedules' run, enable and
   * disable, the throughput chart, the event stream), nothing else of the API. Every other client
   * still needs the token.
   */
  public boolean openOnLocalhost() {
    return openOnLocalhost;
  }

  /** The largest request body accepted, in bytes. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Whether session cookies are always marked {@code Secure}, for a server reached over HTTPS. */
  public boolean secureCookies() {
    return secureCookies;
  }

  /**
   * Whether the server sits behind a reverse proxy it trusts: then {@code X-Forwarded-Proto: https}
   * marks the session cookie {@code Secure}, and the last address of {@code X-Forwarded-For} is the
   * client's, for throttling wrong tokens and for the open-on-localhost mode. Without a proxy in
   * front, leave it off: any client could send these headers.
   */
  public boolean trustProxy() {
    return trustProxy;
  }

  /**
   * How many {@code /api/events} streams this server serves at once; one more is refused with
   * {@code 503 too_many_streams}.
   */
  public int maxEventStreams() {
    return maxEventStreams;
  }

  /**
   * How long an {@code /api/events} stream may stay silent before the server sends a comment line:
   * it keeps proxies from closing the connection, and it is how a client that went away is noticed.
   */
  public Duration eventHeartbeat() {
    return eventHeartbeat;
  }

  /**
   * Why {@code token} is too weak to guard the API, or empty if it is not: fewer than {@value
   * #MIN_TOKEN_LENGTH} characters, fewer than {@value #MIN_TOKEN_DISTINCT_CHARACTERS} different
   * ones, or more than three quarters of its neighbouring characters repeating or counting up or
   * down by one ({@code aaaa...}, {@code abcd...}, {@code 1234...}).
   */
  static Optional<String> weakness(String token) {
    if (token.length() < MIN_TOKEN_LENGTH) {
      return Optional.of(
          "it has %d characters, too few to be safe: use at least %d"
              .formatted(token.length(), MIN_TOKEN_LENGTH));
    }
    long distinct = token.chars().distinct().count();
    if (distinct < MIN_TOKEN_DISTINCT_CHARACTERS) {
      return Optional.of(
          "it has only %d different character(s), so it is easy to guess: use at least %d"
              .formatted(distinct, MIN_TOKEN_DISTINCT_CHARACTERS));
    }
    int runs = 0;
    for (int i = 1; i < token.length(); i++) {
      if (Math.abs(token.charAt(i) - token.charAt(i - 1)) <= 1) {
        runs++;
      }
    }
    if (runs * 4 > (token.length() - 1) * 3) {
      return Optional.of(
          "it is mostly a run of repeated or consecutive characters, so it is easy to guess");
    }
    return Optional.empty();
  }

  /** Builds {@link HttpOptions}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String token;
    private String readOnlyToken;
    private boolean openOnLocalhost;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private boolean secureCookies;
    private boolean trustProxy;
    private int maxEventStreams = DEFAULT_MAX_EVENT_STREAMS;
    private Duration eventHeartbeat = DEFAULT_EVENT_HEARTBEAT;

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

    /**
     * The bearer token the API and the dashboard require: at least {@value #MIN_TOKEN_LENGTH}
     * printable ASCII characters without spaces, at least {@value #MIN_TOKEN_DISTINCT_CHARACTERS}
     * of them different, and not mostly a run of repeated or consecutive characters. A random one
     * ({@code openssl rand -hex 24}) always passes.
     *
     * @throws IllegalArgumentException saying what is wrong with it, without showing it
     */
    public Builder token(String token) {
      this.token = checkToken("API token", token);
      return this;
    }

    /**
     * The read-only bearer token: the same rules as {@link #token(String)}, and it must differ from
     * it (checked by {@link #build()}).
     *
     * @throws IllegalArgumentException saying what is wrong with it, without showing it
     */
    public Builder readOnlyToken(String token) {
      this.readOnlyToken = checkToken("read-only API token", token);
      return this;
    }

    private static String checkToken(String name, String token) {
      Objects.requireNonNull(token, "token");
      if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "The "
                + name
                + " has spaces or characters outside printable ASCII, which an"
                + " Authorization header cannot carry.");
      }
      weakness(token)
          .ifPresent(
              why -> {
                throw new IllegalArgumentException(
                    "The "
                        + name
                        + " is refused: "
                        + why
                        + ". Make a random one, such as with: openssl rand -hex 24");
              });
      return token;
    }

    /** Opens the dashboard without the token to browsers on this machine; see the getter. */
    public Builder openOnLocalhost(boolean open) {
      this.openOnLocalhost = open;
      return this;
    }

    /** Always marks session cookies {@code Secure}: the server is reached over HTTPS only. */
    public Builder secureCookies(boolean secure) {
      this.secureCookies = secure;
      return this;
    }

    /** Trusts {@code X-Forwarded-Proto} and {@code X-Forwarded-For}; see the getter. */
    public Builder trustProxy(boolean trust) {
      this.trustProxy = trust;
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

    /** How many event streams the server serves at once, 1 to 100000; see the getter. */
    public Builder maxEventStreams(int streams) {
      if (streams < 1 || streams > 100_000) {
        throw new IllegalArgumentException(
            "Event stream limit %d is out of range: use 1 to 100000.".formatted(streams));
      }
      this.maxEventStreams = streams;
      return this;
    }

    /** How long an event stream may stay silent, 100 ms to 5 minutes; see the getter. */
    public Builder eventHeartbeat(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(100)) < 0
          || interval.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "Event heartbeat %s is out of range: use 100 ms to 5 minutes.".formatted(interval));
      }
      this.eventHeartbeat = interval;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException if the read-only token is the admin token
     */
    public HttpOptions build() {
      if (readOnlyToken != null && readOnlyToken.equals(token)) {
        throw new IllegalArgumentException(
            "The read-only API token is the same as the API token: make it a different one, or"
                + " it would be refused everything the API token may do.");
      }
      return new HttpOptions(this);
    }
  }
}
