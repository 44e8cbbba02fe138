package dev.docket.store.postgres;

import dev.docket.domain.Names;
import dev.docket.usecase.port.WakeUps;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Holds the store's one listening connection, for both of its channels: wake-ups (the payload is a
 * queue name), passed to the subscribers, and job changes, passed to {@link PostgresJobChanges}.
 * However many wake-up listeners and change sinks a node has, they share this one connection.
 *
 * <p>When the connection breaks it reconnects with jittered backoff, and after every reconnect
 * wakes every subscriber for every queue and tells every change sink that it missed changes, since
 * notifications sent meanwhile are gone. Sinks hear that on the first connect too: one that
 * subscribed before the LISTEN may have missed a change. The outage is logged once when it starts
 * and once when it ends, not once per attempt.
 */
final class NotificationListener implements WakeUps, AutoCloseable {
  /** What {@code pg_stat_activity} shows for the listening connection. */
  static final String APPLICATION_NAME = "docket-listener";

  private static final System.Logger LOG = System.getLogger(NotificationListener.class.getName());
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  interface ConnectionSource {
    Connection open() throws SQLException;
  }

  private final ConnectionSource connections;
  private final boolean abortable;
  private final String channel;
  private final PostgresJobChanges changes;
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition stopped = lock.newCondition();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean listening;
  private volatile Connection open;

  /**
   * @param abortable whether {@link #close} may abort a connection of {@code connections} from its
   *     own thread: true for connections opened for the listener alone, false for an application's
   *     pooled ones, which are not the store's to break
   */
  NotificationListener(
      ConnectionSource connections, boolean abortable, String channel, PostgresJobChanges changes) {
    this.connections = connections;
    this.abortable = abortable;
    this.channel = channel;
    this.changes = changes;
    this.thread =
        Thread.ofPlatform().daemon().name("docket-listener-" + channel).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Whether the LISTEN connection is up now. */
  boolean isListening() {
    return listening;
  }

  /**
   * The statements that start listening on the two channels, as {@code pg_stat_activity} shows
   * them. Names are quoted: the changes channel has a '.'.
   */
  List<String> listenStatements() {
    return List.of("LISTEN \"" + channel + "\"", "LISTEN \"" + changes.channel() + "\"");
  }

  @Override
  public Subscription subscribe(Listener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void run() {
    boolean reconnecting = false;
    boolean outageLogged = false;
    Duration backoff = MIN_BACKOFF;
    while (running) {
      try (Connection connection = connections.open()) {
        open = connection;
        try (Statement statement = connection.createStatement()) {
          statement.execute("SET application_name = '" + APPLICATION_NAME + "'");
          for (String listen : listenStatements()) {
            statement.execute(listen);
          }
        }
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
        listening = true;
        if (outageLogged) {
          LOG.log(Level.INFO, "Wake-ups on channel {0} are back.", channel);
          outageLogged = false;
        }
        if (reconnecting) {
          listeners.forEach(Listener::wakeAll);
        }
        changes.missed();
        backoff = MIN_BACKOFF;
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              if (notification.getName().equals(channel)) {
                dispatch(notification.getParameter());
              } else if (notification.getName().equals(changes.channel())) {
                changes.received(notification.getParameter());
              }
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        open = null;
        if (!running) {
          break;
        }
        if (!outageLogged) {
          LOG.log(
              Level.WARNING,
              "Wake-ups on channel {0} are down ({1}); reconnecting, and workers poll meanwhile.",
              channel,
              dev.docket.domain.LogText.escape(e.getMessage()));
          outageLogged = true;
        }
        reconnecting = true;
        pause(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
    listening = false;
  }

  private void dispatch(String queue) {
    try {
      Names.requireQueue(queue);
    } catch (IllegalArgumentException e) {
      return; // not ours: someone else notified on the channel
    }
    for (Listener listener : listeners) {
      try {
        listener.wake(queue);
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "A wake-up listener failed for queue " + dev.docket.domain.LogText.escape(queue),
            e);
      }
    }
  }

  /** Waits a jittered backoff, or until the listener is closed. */
  private void pause(Duration backoff) {
    long nanos = ThreadLocalRandom.current().nextLong(backoff.toNanos() / 2, backoff.toNanos() + 1);
    lock.lock();
    try {
      while (running && nanos > 0) {
        nanos = stopped.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    running = false;
    lock.lock();
    try {
      stopped.signalAll();
    } finally {
      lock.unlock();
    }
    // The listening thread sees the flag when its wait for notifications ends, up to a poll later;
    // a close would wait that long (a quarter of a second) on every stop of a node. Breaking the
    // connection ends the wait at once.
    Connection connection = open;
    if (connection != null && abortable) {
      try {
        connection.abort(Runnable::run);
      } catch (SQLException | RuntimeException e) {
        LOG.log(Level.DEBUG, "Aborting the listening connection failed: {0}", e.toString());
      }
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
