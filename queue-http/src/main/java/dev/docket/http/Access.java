package dev.docket.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may do what over HTTP.
 *
 * <p>Three kinds of caller: an API client that sends {@code Authorization: Bearer <token>}; a
 * browser with a dashboard session, a cookie it got by entering the token on the login page; and,
 * only when {@link HttpOptions#openOnLocalhost()} says so, a browser on this machine with neither.
 *
 * <p>A session is stateless, the expiry and an HMAC of it under a key derived from the token, so
 * every node with the same token accepts it and a new token ends every session. A browser's ambient
 * credentials (the cookie, or merely being on localhost) never suffice for a change: a change also
 * needs the {@value #CSRF_HEADER} header with a value only a page of ours can read, which a
 * cross-site form cannot send and a cross-site script cannot learn, and its {@code Origin}, when
 * the browser sends one, must be ours. Tokens and MACs are compared in constant time. Thread-safe.
 */
final class Access {
  static final String SESSION_COOKIE = "docket_session";
  static final String CSRF_HEADER = "X-Docket-CSRF";
  static final Duration SESSION_LENGTH = Duration.ofHours(12);

  private final byte[] tokenDigest;
  private final byte[] key;
  private final boolean openOnLocalhost;

  /** Who a request comes from, if anyone we know. */
  enum Caller {
    /** An API client with the bearer token. */
    TOKEN,
    /** A browser with a dashboard session, or on localhost when the dashboard is open there. */
    BROWSER,
    /** Nobody we know. */
    NONE
  }

  Access(String token, boolean openOnLocalhost) {
    this.tokenDigest = sha256(token.getBytes(StandardCharsets.UTF_8));
    this.key = sha256(("docket-session-key:" + token).getBytes(StandardCharsets.UTF_8));
    this.openOnLocalhost = openOnLocalhost;
  }

  /** A random token of 32 bytes, URL-safe: for a server started without one. */
  static String randomToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  boolean openOnLocalhost() {
    return openOnLocalhost;
  }

  /** Whether {@code candidate} is the token, in time that does not depend on where they differ. */
  boolean isToken(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(tokenDigest, sha256(candidate.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Who sent a request.
   *
   * @param authorization the Authorization header, or null
   * @param session the session cookie, or null
   * @param remote the peer's address
   * @param host the Host header, or null
   */
  Caller identify(String authorization, String session, String remote, String host, Instant now) {
    if (authorization != null) {
      // A wrong token is a wrong token: no falling back to the cookie.
      return authorization.regionMatches(true, 0, "Bearer ", 0, 7)
              && isToken(authorization.substring(7).strip())
          ? Caller.TOKEN
          : Caller.NONE;
    }
    if (session != null && isSession(session, now)) {
      return Caller.BROWSER;
    }
    if (openOnLocalhost && isLoopback(remote) && isLoopbackHost(host)) {
      return Caller.BROWSER;
    }
    return Caller.NONE;
  }

  /** A new session cookie value, valid until {@code now} plus {@link #SESSION_LENGTH}. */
  String newSession(Instant now) {
    long expires = now.plus(SESSION_LENGTH).getEpochSecond();
    byte[] payload = ByteBuffer.allocate(Long.BYTES).putLong(expires).array();
    return encode(payload) + "." + encode(mac("session", payload));
  }

  boolean isSession(String value, Instant now) {
    int dot = value.indexOf('.');
    if (dot < 0) {
      return false;
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(value.substring(0, dot));
      byte[] given = Base64.getUrlDecoder().decode(value.substring(dot + 1));
      if (payload.length != Long.BYTES || !MessageDigest.isEqual(mac("session", payload), given)) {
        return false;
      }
      return ByteBuffer.wrap(payload).getLong() > now.getEpochSecond();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The value the {@value #CSRF_HEADER} header must carry for a browser: bound to its session, or
   * to this token when the dashboard is open on localhost without one.
   */
  String csrfToken(String session) {
    String binding = session == null ? "open" : session;
    return encode(mac("csrf", binding.getBytes(StandardCharsets.UTF_8)));
  }

  boolean isCsrfToken(String session, String candidate) {
    return candidate != null
        && MessageDigest.isEqual(
            csrfToken(session).getBytes(StandardCharsets.US_ASCII),
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

  private byte[] mac(String purpose, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(purpose.getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) 0);
      return mac.doFinal(data);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("This JDK has no HmacSHA256, which every JDK must have.", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JDK has no SHA-256, which every JDK must have.", e);
    }
  }

  private static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
