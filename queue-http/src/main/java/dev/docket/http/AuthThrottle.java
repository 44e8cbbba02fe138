package dev.docket.http;

import dev.docket.domain.LogText;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slows down whoever keeps sending wrong tokens, per client address.
 *
 * <p>An address may fail {@value #FREE_FAILURES} times; after that, each further failure shuts it
 * out for twice as long as the one before (1 s, 2 s, 4 s, ... up to {@link #MAX_LOCKOUT}), and
 * while it is shut out every attempt of it with a token, right or wrong, is refused with 429
 * without the token being looked at, so guessing gains nothing by speed. A success clears the
 * address; so does {@link #FORGET_AFTER} without a failure. IPv6 addresses count by their /64
 * network, which one host usually holds whole. The table holds at most {@value #MAX_ADDRESSES}
 * addresses, the least recently failed leaving first. A burst is logged once, when it starts being
 * slowed down, not per request. Thread-safe.
 */
final class AuthThrottle {
  static final int FREE_FAILURES = 5;
  static final Duration MAX_LOCKOUT = Duration.ofMinutes(1);
  static final Duration FORGET_AFTER = Duration.ofMinutes(15);
  static final int MAX_ADDRESSES = 10_000;

  private static final System.Logger LOG = System.getLogger(AuthThrottle.class.getName());

  private record Failures(int failures, Instant lastFailure, Instant shutUntil) {}

  private final Map<String, Failures> entries =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();

  /** How long {@code address} is still shut out, if it is. */
  Optional<Duration> shutOut(String address, Instant now) {
    String key = key(address);
    synchronized (entries) {
      Failures entry = entries.get(key);
      if (entry == null || !now.isBefore(entry.shutUntil())) {
        return Optional.empty();
      }
      refusals.incrementAndGet();
      return Optional.of(Duration.between(now, entry.shutUntil()));
    }
  }

  /** Records a wrong token from {@code address}. */
  void failed(String address, Instant now) {
    failures.incrementAndGet();
    String key = key(address);
    Failures entry;
    synchronized (entries) {
      Failures before = entries.get(key);
      int count =
          before == null || !now.isBefore(before.lastFailure().plus(FORGET_AFTER))
              ? 1
              : before.failures() + 1;
      Instant until = now;
      if (count > FREE_FAILURES) {
        int doublings = Math.min(count - FREE_FAILURES - 1, 16);
        Duration lockout = Duration.ofSeconds(1L << doublings);
        until = now.plus(lockout.compareTo(MAX_LOCKOUT) > 0 ? MAX_LOCKOUT : lockout);
      }
      entry = new Failures(count, now, until);
      entries.put(key, entry);
    }
    if (entry.failures() == FREE_FAILURES + 1) {
      LOG.log(
          Level.WARNING,
          "Client {0} sent a wrong token {1} times in a row; its attempts are slowed down from"
              + " now on (a longer wait after each failure, up to {2} s). Further failures of this"
              + " burst are counted, not logged.",
          LogText.escape(address),
          entry.failures(),
          MAX_LOCKOUT.toSeconds());
    }
  }

  /** Records a right token from {@code address}: its failures are forgiven. */
  void succeeded(String address) {
    String key = key(address);
    synchronized (entries) {
      entries.remove(key);
    }
  }

  /** Wrong tokens seen since start. */
  long failures() {
    return failures.get();
  }

  /** Attempts refused while their address was shut out, since start. */
  long refusals() {
    return refusals.get();
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /** The address, or for IPv6 its /64 network. */
  static String key(String address) {
    if (address == null) {
      return "";
    }
    String a = address.startsWith("[") ? address.substring(1, address.length() - 1) : address;
    if (!a.contains(":") || !a.matches("[0-9A-Fa-f:.]+")) {
      return a;
    }
    try {
      // A literal: parsed, never looked up.
      byte[] bytes = java.net.InetAddress.getByName(a).getAddress();
      if (bytes.length != 16) {
        return a;
      }
      var out = new StringBuilder();
      for (int i = 0; i < 8; i += 2) {
        out.append(Integer.toHexString((bytes[i] & 0xFF) << 8 | (bytes[i + 1] & 0xFF))).append(':');
      }
      return out.append(":/64").toString();
    } catch (java.net.UnknownHostException e) {
      return a;
    }
  }
}
