package dev.docket.http;

import dev.docket.domain.LogText;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the requests Jetty refuses before routing (a URI or header too large, a duplicate {@code
 * Host}, a bad port): anyone who can connect can send them at any rate, so each one is counted, in
 * {@code docket_http_malformed_requests_total}, and logged at debug level; at most once per {@link
 * #SUMMARY_EVERY} a summary goes to the log at info level. Thread-safe.
 */
final class MalformedRequests {
  static final Duration SUMMARY_EVERY = Duration.ofMinutes(1);

  private static final System.Logger LOG = System.getLogger(MalformedRequests.class.getName());

  private final AtomicLong count = new AtomicLong();
  private final AtomicLong unsummarized = new AtomicLong();
  private final AtomicLong lastSummaryNanos = new AtomicLong(System.nanoTime() - 2 * nanos());

  /** One more refused, with Jetty's status and reason. */
  void refused(int status, String reason) {
    count.incrementAndGet();
    unsummarized.incrementAndGet();
    LOG.log(
        Level.DEBUG,
        "Refused a malformed request: {0} {1}",
        status,
        reason == null ? "(no reason given)" : LogText.escape(reason));
    long now = System.nanoTime();
    long last = lastSummaryNanos.get();
    if (now - last >= nanos() && lastSummaryNanos.compareAndSet(last, now)) {
      long since = unsummarized.getAndSet(0);
      LOG.log(
          Level.INFO,
          "Refused {0} malformed request(s) since the last such line, the latest: {1} {2}."
              + " Counted in docket_http_malformed_requests_total; at most one line a minute.",
          since,
          status,
          reason == null ? "(no reason given)" : LogText.escape(reason));
    }
  }

  /** Refused since start. */
  long count() {
    return count.get();
  }

  private static long nanos() {
    return SUMMARY_EVERY.toNanos();
  }
}
