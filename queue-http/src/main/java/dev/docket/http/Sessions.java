package dev.docket.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * The dashboard's sessions, in this node's memory.
 *
 * <p>Each login (and each browser let in by the open-on-localhost mode) gets a session of its own:
 * a cookie value of 256 random bits from {@link SecureRandom}, and a CSRF value of as many bits,
 * for {@value #LENGTH_HOURS} hours. Logging out revokes the session here and then, so its cookie
 * opens nothing from that moment on. Kept in memory on purpose: a session works on the node that
 * made it, and a restart of that node ends every session it held, so a revocation can never be
 * forgotten while its cookie still works. Several nodes behind one address need sticky sessions for
 * the dashboard; API clients, which send the token, need nothing.
 *
 * <p>The table is keyed by a digest of the cookie, so looking one up takes no time that depends on
 * a secret, and holds at most {@value #MAX_SESSIONS} sessions: past that, the oldest goes first.
 * Thread-safe.
 */
final class Sessions {
  static final int LENGTH_HOURS = 12;
  static final Duration LENGTH = Duration.ofHours(LENGTH_HOURS);
  static final int MAX_SESSIONS = 10_000;
  static final SecureRandom RANDOM = new SecureRandom();

  /** How many hex digits of a session's digest name it in the audit log. */
  static final int SESSION_ID_LENGTH = 8;

  /**
   * A session.
   *
   * @param local whether the open-on-localhost mode made it, rather than a login with the token
   * @param expires when it ends, if not revoked before
   * @param csrf the value its changes must carry in the CSRF header
   * @param readOnly whether it logged in with the read-only token, so it may only read
   * @param id a short name of it for the audit log: the start of its cookie's digest, which tells
   *     sessions apart and gives nothing of the cookie away
   */
  record Session(boolean local, Instant expires, String csrf, boolean readOnly, String id) {
    @Override
    public String toString() {
      // never the CSRF value
      return "Session[id=%s, local=%s, readOnly=%s, expires=%s]"
          .formatted(id, local, readOnly, expires);
    }
  }

  /** A new session and the cookie value that names it, which only its browser gets. */
  record Opened(String cookie, Session session) {
    @Override
    public String toString() {
      return session.toString();
    }
  }

  // Insertion order is age order: eviction removes from the front.
  private final LinkedHashMap<String, Session> byDigest = new LinkedHashMap<>();

  /** Opens a session that may change things and lasts {@link #LENGTH} from {@code now}. */
  Opened open(boolean local, Instant now) {
    return open(local, false, now);
  }

  /** Opens a session that lasts {@link #LENGTH} from {@code now}. */
  Opened open(boolean local, boolean readOnly, Instant now) {
    String cookie = random();
    String key = digest(cookie);
    String id =
        HexFormat.of().formatHex(Base64.getDecoder().decode(key)).substring(0, SESSION_ID_LENGTH);
    var session = new Session(local, now.plus(LENGTH), random(), readOnly, id);
    synchronized (byDigest) {
      if (byDigest.size() >= MAX_SESSIONS) {
        dropExpired(now);
      }
      Iterator<String> oldest = byDigest.keySet().iterator();
      while (byDigest.size() >= MAX_SESSIONS && oldest.hasNext()) {
        oldest.next();
        oldest.remove();
      }
      byDigest.put(key, session);
    }
    return new Opened(cookie, session);
  }

  /** The live session {@code cookie} names, if any. */
  Optional<Session> find(String cookie, Instant now) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > 100) {
      return Optional.empty();
    }
    String key = digest(cookie);
    synchronized (byDigest) {
      Session session = byDigest.get(key);
      if (session == null) {
        return Optional.empty();
      }
      if (!now.isBefore(session.expires())) {
        byDigest.remove(key);
        return Optional.empty();
      }
      return Optional.of(session);
    }
  }

  /** Ends the session {@code cookie} names, if there is one. */
  void revoke(String cookie) {
    if (cookie != null && !cookie.isEmpty() && cookie.length() <= 100) {
      synchronized (byDigest) {
        byDigest.remove(digest(cookie));
      }
    }
  }

  int size() {
    synchronized (byDigest) {
      return byDigest.size();
    }
  }

  private void dropExpired(Instant now) {
    byDigest.values().removeIf(s -> !now.isBefore(s.expires()));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String digest(String cookie) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(cookie.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JDK has no SHA-256, which every JDK must have.", e);
    }
  }
}
