package dev.docket.store.postgres;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docket.domain.JobId;
import dev.docket.domain.LogText;
import dev.docket.domain.Names;
import dev.docket.domain.Progress;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.JobChanges;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@link JobChanges} of a PostgreSQL store: the notifications that the jobs table's triggers
 * (migration V4) send on the changes channel, read back into {@link JobChange}s.
 *
 * <p>{@link NotificationListener} hands over each notification on its own thread, and says when the
 * connection came back after an outage, which this passes on as {@link Sink#missed()}. A payload is
 * not trusted: anyone who can connect may notify on the channel, so a line that does not read as a
 * change is skipped, and logged (the first one as a warning, later ones at debug level, so that a
 * stranger's chatter does not flood the log). A sink that throws is logged and the others still get
 * the changes. Thread-safe.
 */
final class PostgresJobChanges implements JobChanges {
  private static final System.Logger LOG = System.getLogger(PostgresJobChanges.class.getName());

  /** Jackson, loaded at the first change heard rather than at the store's start. */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** The fields of one line, in the order the triggers write them. */
  private static final int FIELDS = 12;

  private final String channel;
  private final CopyOnWriteArrayList<Sink> sinks = new CopyOnWriteArrayList<>();
  private final AtomicBoolean malformedLogged = new AtomicBoolean();

  /**
   * How often a node with sinks renews its row in change_listeners; the row lives three times as
   * long.
   */
  static final Duration LISTENER_RENEWAL = Duration.ofSeconds(30);

  /**
   * How long after its row is committed a registration tells the sinks they may have missed
   * changes. A writer whose trigger looked for a row before this one was committed sent nothing,
   * and its transaction may commit after the sink's first read: by then such transactions have
   * committed (or are long-running, which the awaits' own rechecks cover).
   */
  static final Duration REGISTRATION_SETTLE = Duration.ofSeconds(1);

  /** How long stopping waits for a renewal in progress, before it deletes the row. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final Jdbi jdbi;
  private final Sql sql;

  /**
   * Guards the registration and the closed flag. A lock rather than a monitor: the first sink's
   * subscribe writes the row while holding it, and may run on a virtual thread.
   */
  private final ReentrantLock lock = new ReentrantLock();

  /** This node's row while it has sinks; null while it has none. Guarded by lock. */
  private Registration registration;

  /** Set by close: no sink is taken after it. Guarded by lock. */
  private boolean closed;

  /** A feed that reads notifications only, and never asks the triggers to send them. */
  PostgresJobChanges(String channel) {
    this(channel, null, null);
  }

  /**
   * A feed that, while it has sinks, keeps a row of its own in the schema's change_listeners, so
   * that the triggers send changes: with no row alive anywhere they send nothing.
   *
   * @param jdbi the store's connections, or null for a feed that never asks
   * @param sql the store's statements
   */
  PostgresJobChanges(String channel, Jdbi jdbi, Sql sql) {
    this.channel = channel;
    this.jdbi = jdbi;
    this.sql = sql;
  }

  String channel() {
    return channel;
  }

  /**
   * Adds {@code sink}, for every change. The first sink of this store registers it as a listener,
   * before this returns, so that the triggers send every change committed from then on; the last
   * one to go unregisters it. About {@link #REGISTRATION_SETTLE} after registering, every sink
   * hears {@link Sink#missed()}, for changes whose transactions were already under way.
   *
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public Subscription subscribe(Sink sink) {
    return subscribe(sink, true);
  }

  /**
   * Adds {@code sink}, for every change or for the jobs it watches only: while no sink of any node
   * wants every change, the triggers send only the changes of watched jobs.
   *
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public Subscription subscribe(Sink sink, boolean everyChange) {
    java.util.Objects.requireNonNull(sink, "sink");
    var subscription = new SinkSubscription(sink, everyChange);
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("The PostgreSQL store is closed: it sends no job changes.");
      }
      sinks.add(sink);
      if (jdbi != null) {
        if (registration == null) {
          // Under the lock: a sink that subscribes meanwhile waits, so that it too finds the row
          // committed when its subscribe returns.
          registration = new Registration(everyChange);
          registration.start();
        } else if (everyChange) {
          registration.addEveryChange();
        }
        subscription.registration = registration;
      }
    } finally {
      lock.unlock();
    }
    return subscription;
  }

  private void unsubscribe(SinkSubscription subscription) {
    Registration ending = null;
    lock.lock();
    try {
      if (!sinks.remove(subscription.sink)) {
        return;
      }
      Registration current = subscription.registration;
      subscription.registration = null; // a late watch or unwatch of a closed sink does nothing
      if (current != null && current == registration) {
        if (sinks.isEmpty()) {
          ending = registration;
          registration = null;
        } else {
          if (subscription.every) {
            current.removeEveryChange();
          }
          for (UUID job : List.copyOf(subscription.watched.keySet())) {
            // removed one by one: a concurrent unwatch of the sink finds nothing left to undo
            Integer times = subscription.watched.remove(job);
            for (int i = 0; times != null && i < times; i++) {
              current.unwatch(job);
            }
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (ending != null) {
      // Outside the lock: a new first sink meanwhile makes a registration of its own, under a
      // new id, which this one's DELETE does not touch.
      ending.stop();
    }
  }

  /** Stops asking for changes, and takes no more sinks: the store is closing. */
  void close() {
    Registration ending;
    lock.lock();
    try {
      closed = true;
      ending = registration;
      registration = null;
    } finally {
      lock.unlock();
    }
    if (ending != null) {
      ending.stop();
    }
  }

  /** One sink's registration: whether it wants every change, and which jobs it watches. */
  private final class SinkSubscription implements Subscription {
    private final Sink sink;

    /** How many times this sink watches each job: a watch per await, undone by its unwatch. */
    private final java.util.concurrent.ConcurrentHashMap<UUID, Integer> watched =
        new java.util.concurrent.ConcurrentHashMap<>();

    private volatile boolean every;
    private volatile Registration registration;

    SinkSubscription(Sink sink, boolean every) {
      this.sink = sink;
      this.every = every;
    }

    @Override
    public void close() {
      unsubscribe(this);
    }

    @Override
    public void everyChange(boolean wanted) {
      lock.lock();
      try {
        if (wanted == every || registration == null || registration != currentRegistration()) {
          every = wanted;
          return;
        }
        every = wanted;
        if (wanted) {
          registration.addEveryChange();
        } else {
          registration.removeEveryChange();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void watch(JobId id) {
      Registration current = registration;
      if (current != null) {
        watched.merge(id.value(), 1, Integer::sum);
        current.watch(id.value());
      }
    }

    @Override
    public void unwatch(JobId id) {
      Registration current = registration;
      var had = new AtomicBoolean();
      watched.computeIfPresent(
          id.value(),
          (key, n) -> {
            had.set(true);
            return n == 1 ? null : n - 1;
          });
      if (current != null && had.get()) {
        current.unwatch(id.value());
      }
    }
  }

  private Registration currentRegistration() {
    return registration;
  }

  /**
   * One stretch of this node's asking for changes, from a first sink to the last one's going: a row
   * of its own in change_listeners, under an id of its own, renewed on a thread of its own, with
   * the jobs its sinks watch in change_watches.
   */
  private final class Registration {
    private final UUID listener = UUID.randomUUID();
    private final ScheduledThreadPoolExecutor renewals;

    /** How many sinks want every change. Guarded by the feed's lock. */
    private int everySinks;

    /**
     * Set when a write of what this node wants failed (the flag or a watch): the next renewal that
     * works writes it all again and tells the sinks they may have missed changes.
     */
    private volatile boolean stale;

    /**
     * How many sinks watch each job, and the jobs no longer watched whose rows are still to go.
     * Guarded by watchLock, under which the rows are written too: an unwatch's delete, which runs
     * later, then never removes a row that a watch meanwhile wants again.
     */
    private final java.util.Map<UUID, Integer> watchCounts = new java.util.HashMap<>();

    private final java.util.Set<UUID> unwatched = new java.util.HashSet<>();
    private final ReentrantLock watchLock = new ReentrantLock();
    private boolean flushPending;

    Registration(boolean everyChange) {
      everySinks = everyChange ? 1 : 0;
      renewals =
          new ScheduledThreadPoolExecutor(
              1, Thread.ofPlatform().daemon().name("docket-change-listener").factory());
      // On stop, a pending renewal or notice is dropped, while one in progress is waited for.
      renewals.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      renewals.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** Writes the row, and renews it from now on. */
    void start() {
      boolean registered = renew();
      if (registered) {
        missedSoon();
      }
      renewals.scheduleWithFixedDelay(
          new Runnable() {
            private boolean up = registered;

            @Override
            public void run() {
              boolean now = renew();
              if (now && (!up || stale)) {
                stale = false;
                rewatchAll(); // the row may have been deleted, and its watches with it
                missed(); // changes made while the row was missing were not sent
                missedSoon(); // nor those whose triggers ran just before it was back
              }
              if (now) {
                flushUnwatched(); // rows a failed delete left
              }
              up = now;
            }
          },
          LISTENER_RENEWAL.toMillis(),
          LISTENER_RENEWAL.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    /** One more sink wants every change; the first one widens the row at once. Under lock. */
    void addEveryChange() {
      if (everySinks++ == 0) {
        setEveryChange(true);
        // Changes whose triggers ran while the row was narrow may commit after this.
        missedSoon();
      }
    }

    /** One sink fewer wants every change; the last one narrows the row. Under lock. */
    void removeEveryChange() {
      if (everySinks > 0 && --everySinks == 0) {
        setEveryChange(false);
      }
    }

    private void setEveryChange(boolean every) {
      try {
        jdbi.useHandle(
            h ->
                h.createUpdate(sql.listenToEveryChange)
                    .bind("listener", listener)
                    .bind("every", every)
                    .execute());
      } catch (RuntimeException e) {
        // The next renewal writes the flag again.
        stale = true;
        LOG.log(Level.WARNING, "Changing what this node listens to failed: {0}", e.toString());
      }
    }

    /** Watches a job: its row is committed before this returns. */
    void watch(UUID job) {
      watchLock.lock();
      try {
        int count = watchCounts.merge(job, 1, Integer::sum);
        unwatched.remove(job);
        if (count == 1 && !writeWatches(sql.watchJobs, List.of(job))) {
          stale = true; // the next renewal writes every watch again
        }
      } finally {
        watchLock.unlock();
      }
    }

    /** Stops watching a job; its row goes with the next flush, about a second later. */
    void unwatch(UUID job) {
      watchLock.lock();
      try {
        Integer count = watchCounts.computeIfPresent(job, (key, n) -> n == 1 ? null : n - 1);
        if (count == null) {
          unwatched.add(job);
          if (!flushPending) {
            flushPending = true;
            try {
              renewals.schedule(this::flushUnwatched, 1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
              flushPending = false; // stopping: the row and its watches go together
            }
          }
        }
      } finally {
        watchLock.unlock();
      }
    }

    private void flushUnwatched() {
      watchLock.lock();
      try {
        flushPending = false;
        if (!unwatched.isEmpty() && writeWatches(sql.unwatchJobs, List.copyOf(unwatched))) {
          unwatched.clear(); // on failure they stay, for the next renewal's flush
        }
      } finally {
        watchLock.unlock();
      }
    }

    private void rewatchAll() {
      watchLock.lock();
      try {
        if (!watchCounts.isEmpty()) {
          writeWatches(sql.watchJobs, List.copyOf(watchCounts.keySet()));
        }
      } finally {
        watchLock.unlock();
      }
    }

    /** Writes watches or removes them; whether it worked. */
    private boolean writeWatches(String statement, List<UUID> jobs) {
      try {
        jdbi.useHandle(
            h ->
                h.createUpdate(statement)
                    .bind("listener", listener)
                    .bind("ids", jobs.toArray(UUID[]::new))
                    .execute());
        return true;
      } catch (RuntimeException e) {
        // An await still finishes by its own rechecks; a renewal after an outage writes them all.
        LOG.log(Level.DEBUG, "Writing the watched jobs failed: {0}", e.toString());
        return false;
      }
    }

    private void missedSoon() {
      renewals.schedule(
          PostgresJobChanges.this::missed, REGISTRATION_SETTLE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops renewing, waits for a renewal in progress (whose upsert would otherwise land after the
     * DELETE and keep the triggers sending for nobody until the row lapses), and deletes the row,
     * and with it its watches.
     */
    void stop() {
      renewals.shutdown();
      try {
        if (!renewals.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.log(Level.DEBUG, "A renewal of change listener {0} is still running", listener);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        jdbi.useHandle(
            h -> h.createUpdate(sql.unregisterListener).bind("listener", listener).execute());
      } catch (RuntimeException e) {
        // The row lapses on its own within three renewals; until then the triggers send for
        // nobody.
        LOG.log(
            Level.DEBUG, "Unregistering change listener {0} failed: {1}", listener, e.toString());
      }
    }

    /** Registers or renews this row; whether it worked. */
    private boolean renew() {
      // Under the lock, the write too: a widening meanwhile would otherwise be written over.
      lock.lock();
      try {
        return upsert(everySinks > 0);
      } finally {
        lock.unlock();
      }
    }

    private boolean upsert(boolean every) {
      try {
        jdbi.useHandle(
            h ->
                h.createUpdate(sql.registerListener)
                    .bind("listener", listener)
                    .bind("seconds", (double) LISTENER_RENEWAL.multipliedBy(3).toSeconds())
                    .bind("every", every)
                    .execute());
        return true;
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "Asking the database for job changes failed ({0}); subscribers and awaits hear of"
                + " changes once it answers, and awaits read their jobs meanwhile.",
            LogText.escape(e.getMessage()));
        return false;
      }
    }
  }

  /** Passes one notification's changes to every sink; called on the listener's thread. */
  void received(String payload) {
    if (sinks.isEmpty()) {
      return; // nobody to read them for
    }
    List<JobChange> changes = parse(payload);
    if (changes.isEmpty()) {
      return;
    }
    for (Sink sink : sinks) {
      try {
        sink.changed(changes);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "A job change sink failed on " + changes.size() + " changes.", e);
      }
    }
  }

  /**
   * Tells every sink that changes may have been lost: the listener's connection was down, or this
   * node has just asked for changes.
   */
  void missed() {
    for (Sink sink : sinks) {
      try {
        sink.missed();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "A job change sink failed on hearing of missed changes.", e);
      }
    }
  }

  /** The changes of a payload, lines that don't read as one left out. */
  List<JobChange> parse(String payload) {
    var changes = new ArrayList<JobChange>();
    int start = 0;
    while (start <= payload.length()) {
      int end = payload.indexOf('\n', start);
      if (end < 0) {
        end = payload.length();
      }
      String line = payload.substring(start, end);
      try {
        changes.add(change(line));
      } catch (IOException | RuntimeException e) {
        malformed(line, e);
      }
      start = end + 1;
    }
    return changes;
  }

  private static JobChange change(String line) throws IOException {
    JsonNode row = Json.MAPPER.readTree(line);
    if (row == null || !row.isArray() || row.size() != FIELDS) {
      throw new IllegalArgumentException("not an array of " + FIELDS + " fields");
    }
    JobChange.Type type =
        switch (text(row, 0)) {
          case "C" -> JobChange.Type.CREATED;
          case "S" -> JobChange.Type.STATE;
          case "P" -> JobChange.Type.PROGRESS;
          default -> throw new IllegalArgumentException("an unknown type");
        };
    var tags = new ArrayList<String>();
    JsonNode tagArray = row.get(4);
    if (!tagArray.isArray()) {
      throw new IllegalArgumentException("tags are not an array");
    }
    for (JsonNode tag : tagArray) {
      if (!tag.isTextual()) {
        throw new IllegalArgumentException("a tag is not text");
      }
      tags.add(Names.requireTag(tag.textValue()));
    }
    tags.sort(null);
    Optional<Progress> progress =
        row.get(8).isNull()
            ? Optional.empty()
            : Optional.of(
                new Progress(integer(row, 8), text(row, 9), micros(number(row, 10).longValue())));
    return new JobChange(
        type,
        new JobId(UUID.fromString(text(row, 1))),
        Names.requireQueue(text(row, 2)),
        Names.requireKind(text(row, 3)),
        tags,
        JobRows.domainState(text(row, 5)),
        integer(row, 6),
        number(row, 7).longValue(),
        progress,
        micros(number(row, 11).longValue()));
  }

  private static String text(JsonNode row, int field) {
    JsonNode node = row.get(field);
    if (!node.isTextual()) {
      throw new IllegalArgumentException("field " + field + " is not text");
    }
    return node.textValue();
  }

  private static JsonNode number(JsonNode row, int field) {
    JsonNode node = row.get(field);
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IllegalArgumentException("field " + field + " is not a whole number");
    }
    return node;
  }

  private static int integer(JsonNode row, int field) {
    JsonNode node = number(row, field);
    if (!node.canConvertToInt()) {
      throw new IllegalArgumentException("field " + field + " is out of range");
    }
    return node.intValue();
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  private void malformed(String line, Exception e) {
    boolean first = malformedLogged.compareAndSet(false, true);
    LOG.log(
        first ? Level.WARNING : Level.DEBUG,
        "Skipped a notification on channel {0} that is not a job change ({1}): {2}{3}",
        channel,
        LogText.escape(e.getMessage()),
        LogText.escape(line),
        first ? "; further ones are logged at debug level" : "");
  }
}
