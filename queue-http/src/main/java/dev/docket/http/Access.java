package dev.docket.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * Who may do what over HTTP.
 *
 * <p>Three kinds of caller: an API client that sends {@code Authorization: Bearer <token>} (the
 * admin token, or the read-only token, which may only read); a browser with a dashboard session, a
 * cookie it got by entering the token on the login page; and, only when {@link
 * HttpOptions#openOnLocalhost()} says so, a browser on this machine, which gets a <em>local</em>
 * session of its own without the token. A local session opens the dashboard's pages and the few API
 * routes its buttons use ({@link Dashboard#grantsLocally}), nothing else.
 *
 * <p>Sessions are {@link Sessions}: a random id per login, kept in this node's memory, revoked by
 * logging out. A browser's ambient credentials (the cookie) never suffice for a change: a change
 * also needs the {@value #CSRF_HEADER} header with its session's CSRF value, which only a page of
 * ours shows, which a cross-site form cannot send and a cross-site script cannot learn; and its
 * {@code Origin}, when the browser sends one, must be ours. Tokens and CSRF values are compared in
 * constant time. Thread-safe.
 */
final class Access {
  static final String SESSION_COOKIE = "docket_session";
  static final String CSRF_HEADER = "X-Docket-CSRF";
  static final Duration SESSION_LENGTH = Sessions.LENGTH;

  private final byte[] tokenDigest;
  private final byte[] readOnlyDigest;
  private final boolean openOnLocalhost;
  private final Sessions sessions;

  /** Who sent a request: what kind of caller, and the session it came with, if any. */
  record Caller(Kind kind, Sessions.Session session) {
    static final Caller TOKEN = new Caller(Kind.TOKEN, null);
    static final Caller NONE = new Caller(Kind.NONE, null);

    static final Caller READ_ONLY = new Caller(Kind.READ_ONLY, null);

    /** Whether it is a browser with a session, logged in or local. */
    boolean isBrowser() {
      return kind == Kind.SESSION || kind == Kind.LOCAL;
    }

    /** Whether it may only read: the read-only token, or a session that logged in with it. */
    boolean readOnly() {
      return kind == Kind.READ_ONLY || (session != null && session.readOnly());
    }

    /** Who it is in the audit log: the kind of credential, never the credential. */
    String actor() {
      return switch (kind) {
        case TOKEN -> "admin token";
        case READ_ONLY -> "read-only token";
        case SESSION -> (session.readOnly() ? "read-only session " : "session ") + session.id();
        case LOCAL -> "local session " + session.id();
        case NONE -> "nobody";
      };
    }
  }

  /** The kinds of caller. */
  enum Kind {
    /** An API client with the bearer token: everything. */
    TOKEN,
    /** An API client with the read-only token: every read, no change. */
    READ_ONLY,
    /**
     * A browser that logged in with a token: the dashboard and the API, changes with CSRF unless
     * the session is read-only.
     */
    SESSION,
    /** A browser on this machine, open mode: the dashboard's pages and actions, with CSRF. */
    LOCAL,
    /** Nobody we know. */
    NONE
  }

  Access(String token, boolean openOnLocalhost, Sessions sessions) {
    this(token, null, openOnLocalhost, sessions);
  }

  /**
   * @param readOnlyToken the token that may only read, or null for none
   */
  Access(String token, String readOnlyToken, boolean openOnLocalhost, Sessions sessions) {
    this.tokenDigest = sha256(token.getBytes(StandardCharsets.UTF_8));
    this.readOnlyDigest =
        readOnlyToken == null ? null : sha256(readOnlyToken.getBytes(StandardCharsets.UTF_8));
    this.openOnLocalhost = openOnLocalhost;
    this.sessions = sessions;
  }

  /** A random token of 32 bytes, URL-safe: for a server started without one. */
  static String randomToken() {
    byte[] bytes = new byte[32];
    Sessions.RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  Sessions sessions() {
    return sessions;
  }

  /** Whether {@code candidate} is the token, in time that does not depend on where they differ. */
  boolean isToken(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(tokenDigest, sha256(candidate.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether {@code candidate} is the read-only token, in time that does not depend on it. */
  boolean isReadOnlyToken(String candidate) {
    return candidate != null
        && readOnlyDigest != null
        && MessageDigest.isEqual(
            readOnlyDigest, sha256(candidate.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Who sent a request.
   *
   * @param authorization the Authorization header, or null
   * @param cookie the session cookie, or null
   * @param client the client's address
   * @param host the Host header, or null
   */
  Caller identify(String authorization, String cookie, String client, String host, Instant now) {
    if (authorization != null) {
      // A wrong token is a wrong token: no falling back to the cookie.
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return Caller.NONE;
      }
      String candidate = authorization.substring(7).strip();
      // Both compared every time, so the answer's timing does not say which one it was.
      boolean admin = isToken(candidate);
      boolean reader = isReadOnlyToken(candidate);
      return admin ? Caller.TOKEN : reader ? Caller.READ_ONLY : Caller.NONE;
    }
    if (cookie == null) {
      return Caller.NONE;
    }
    var session = sessions.find(cookie, now).orElse(null);
    if (session == null) {
      return Caller.NONE;
    }
    if (!session.local()) {
      return new Caller(Kind.SESSION, session);
    }
    // A local session counts only while the request still comes from, and names, this machine.
    return mayOpenLocally(client, host) ? new Caller(Kind.LOCAL, session) : Caller.NONE;
  }

  /** Whether a browser at {@code client} naming {@code host} may get a local session. */
  boolean mayOpenLocally(String client, String host) {
    return openOnLocalhost && isLoopback(client) && isLoopbackHost(host);
  }

  /** Whether {@code candidate} is the CSRF value of {@code session}. */
  static boolean isCsrfToken(Sessions.Session session, String candidate) {
    return session != null
        && candidate != null
        && MessageDigest.isEqual(
            session.csrf().getBytes(StandardCharsets.US_ASCII),
            candidate.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether a browser's change request comes from one of our pages: no {@code Origin}, or one whose
   * host and port are the request's own {@code Host}; and no {@code Sec-Fetch-Site} saying another
   * site sent it.
   */
  static boolean isSameOrigin(String origin, String host, String fetchSite) {
    if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
      return false;
    }
    if (origin == null) {
      return true;
    }
    if (host == null) {
      return false;
    }
    try {
      URI uri = URI.create(origin);
      if (uri.getHost() == null) {
        return false;
      }
      String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return authority.equalsIgnoreCase(host) || defaultPortMatches(uri, host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean defaultPortMatches(URI origin, String host) {
    int port = "https".equals(origin.getScheme()) ? 443 : 80;
    return origin.getPort() < 0 && host.equalsIgnoreCase(origin.getHost() + ":" + port);
  }

  /** Whether a literal address (as the socket reports the peer) is a loopback one. */
  static boolean isLoopback(String address) {
    if (address == null || address.isEmpty()) {
      return false;
    }
    String literal =
        address.startsWith("[") && address.endsWith("]")
            ? address.substring(1, address.length() - 1)
            : address;
    if (IPV4.matcher(literal).matches()) {
      return literal.startsWith("127.");
    }
    if (!IPV6.matcher(literal).matches()) {
      return false; // a name, not a literal: never looked up
    }
    try {
      // An IPv6 literal is parsed, not looked up.
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static final java.util.regex.Pattern IPV4 =
      java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final java.util.regex.Pattern IPV6 =
      java.util.regex.Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9]+)?");

  /**
   * Whether the Host header names this machine. Checked so a page on a hostile name that resolves
   * to 127.0.0.1 (DNS rebinding) does not count as local.
   */
  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      return end > 0 && isLoopback(name.substring(1, end));
    }
    int colon = name.lastIndexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    return name.equals("localhost") || (IPV4.matcher(name).matches() && isLoopback(name));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JDK has no SHA-256, which every JDK must have.", e);
    }
  }
}
