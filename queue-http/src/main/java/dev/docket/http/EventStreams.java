package dev.docket.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.docket.domain.Names;
import dev.docket.usecase.JobFilter;
import dev.docket.usecase.JobSubscriber;
import dev.docket.usecase.JobSubscriptions;
import dev.docket.usecase.Subscription;
import dev.docket.usecase.port.JobChange;
import dev.docket.usecase.port.QueueStats;
import io.javalin.http.sse.SseClient;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The streams of {@code GET /api/events}. However many are open, they share one subscription to the
 * runtime's job changes (so the store carries changes for this node once, and only while some
 * stream is open), and each stream has a bounded queue and a virtual thread that writes it, so a
 * slow client is dropped without slowing the others.
 *
 * <p>Every job event has an id, {@code <epoch>-<sequence>}. The shared subscription keeps the last
 * {@value #REPLAY} events; a client that reconnects with {@code Last-Event-ID} gets the ones after
 * its id that pass its filter, or a {@code missed} event when they are no longer kept (or came from
 * another node, or an earlier subscription, whose epoch differs), telling it to read afresh.
 */
final class EventStreams implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EventStreams.class.getName());

  /** How many of the latest job events are kept for clients that reconnect. */
  static final int REPLAY = 10_000;

  /** How many events may wait for one client before it is dropped. */
  static final int STREAM_BUFFER = 2_000;

  /**
   * How long the shared subscription stays after the last stream closes, so a client that
   * reconnects at once can resume.
   */
  static final Duration LINGER = Duration.ofSeconds(30);

  private volatile Duration linger = LINGER;

  /** How often the statistics are read for the streams that asked for them. */
  static final Duration STATS_INTERVAL = Duration.ofSeconds(1);

  /** How long statistics that did not change go unsent. */
  static final Duration STATS_IDLE_INTERVAL = Duration.ofSeconds(15);

  private final JobSubscriptions subscriptions;
  private final Supplier<List<QueueStats>> stats;
  private final InstantSource clock;
  private final int maxStreams;
  private final Duration heartbeat;
  private final ScheduledExecutorService timer;

  private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

  // guarded by this: the shared subscription and the events it keeps
  private Subscription feed;
  private String epoch;
  private long sequence;
  private final ArrayDeque<Event> recent = new ArrayDeque<>();
  private ScheduledFuture<?> release;
  private boolean closed;
  private int reserved;

  // only on the timer's thread
  private List<QueueStats> lastStats;
  private Instant lastStatsAt = Instant.MIN;

  EventStreams(
      JobSubscriptions subscriptions,
      Supplier<List<QueueStats>> stats,
      InstantSource clock,
      int maxStreams,
      Duration heartbeat) {
    this.subscriptions = subscriptions;
    this.stats = stats;
    this.clock = clock;
    this.maxStreams = maxStreams;
    this.heartbeat = heartbeat;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("docket-http-events").factory());
    timer.scheduleWithFixedDelay(
        this::pushStats,
        STATS_INTERVAL.toMillis(),
        STATS_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** For tests: how long the subscription stays after the last stream. */
  void linger(Duration linger) {
    this.linger = linger;
  }

  /** How many streams are open now. */
  int open() {
    return streams.size();
  }

  /** Whether the shared subscription is held now. */
  synchronized boolean subscribed() {
    return feed != null;
  }

  /**
   * Holds a place for one more stream, before its response starts (after that, no error status can
   * be sent).
   *
   * @throws ApiException 503 when the server is closing, or {@code maxStreams} streams are open or
   *     about to open
   */
  synchronized void reserve() {
    if (closed) {
      throw new ApiException(
          503, ErrorCode.UNAVAILABLE, "The server is stopping: connect to another node.");
    }
    if (streams.size() + reserved >= maxStreams) {
      throw new ApiException(
          503,
          ErrorCode.TOO_MANY_STREAMS,
          "This node serves %d event streams, its limit: connect to another node or try again"
                  .formatted(maxStreams)
              + " later.");
    }
    reserved++;
  }

  /**
   * Serves one stream, in the place {@link #reserve()} held, until the client goes away, the server
   * closes or the client falls behind. Returns at once; a thread of the stream's own writes, and
   * its first line (a comment) goes out once the stream is registered.
   */
  void serve(SseClient client, JobFilter filter, boolean changes, Optional<String> lastEventId) {
    var stream = new Stream(client, filter, changes);
    synchronized (this) {
      reserved--;
      if (closed) {
        throw new ApiException(
            503, ErrorCode.UNAVAILABLE, "The server is stopping: connect to another node.");
      }
      if (changes) {
        if (feed == null) {
          subscribe(); // first: if the runtime refuses, nothing is registered yet
        }
        if (release != null) {
          release.cancel(false);
          release = null;
        }
      }
      client.keepAlive();
      streams.add(stream);
      if (changes) {
        lastEventId.ifPresent(id -> replay(stream, id));
      }
    }
    client.onClose(() -> remove(stream));
    Thread.ofVirtual().name("docket-http-events").start(stream::write);
  }

  /** Replays what {@code stream} missed after {@code lastId}, or tells it that it cannot. */
  private void replay(Stream stream, String lastId) {
    int dash = lastId.lastIndexOf('-');
    long after = -1;
    if (dash > 0 && lastId.substring(0, dash).equals(epoch)) {
      try {
        after = Long.parseLong(lastId.substring(dash + 1));
      } catch (NumberFormatException e) {
        after = -1;
      }
    }
    long oldest = recent.isEmpty() ? sequence + 1 : recent.peekFirst().sequence();
    if (after < 0 || after > sequence || after < oldest - 1) {
      stream.offer(
          Message.missed(
              "Event %s is not one this node still keeps: read what you show afresh."
                  .formatted(
                      Names.quote(lastId.length() > 60 ? lastId.substring(0, 60) + "…" : lastId))));
      return;
    }
    for (Event event : recent) {
      if (event.sequence() > after && stream.filter.matches(event.change())) {
        stream.offer(Message.job(event));
      }
    }
  }

  private void subscribe() {
    epoch = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    sequence = 0;
    recent.clear();
    feed = subscriptions.subscribe(JobFilter.all(), new Hub());
  }

  private void remove(Stream stream) {
    stream.stop();
    synchronized (this) {
      if (!streams.remove(stream) || wantChanges() || closed || feed == null || release != null) {
        return;
      }
      release = timer.schedule(this::releaseIfIdle, linger.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private boolean wantChanges() {
    return streams.stream().anyMatch(s -> s.changes);
  }

  private synchronized void releaseIfIdle() {
    release = null;
    if (!wantChanges() && feed != null) {
      feed.close();
      feed = null;
      recent.clear();
    }
  }

  /**
   * Sends the statistics to the streams that asked for them: when they changed, every {@link
   * #STATS_IDLE_INTERVAL} when they did not, and at once to a stream that has none yet. They are
   * read here rather than taken from the job changes, so that a page of counts costs the store no
   * change feed, only the read the runtime caches for every caller.
   */
  private void pushStats() {
    try {
      List<Stream> asking = streams.stream().filter(s -> s.filter.stats()).toList();
      if (asking.isEmpty()) {
        lastStats = null;
        return;
      }
      Instant now = clock.instant();
      List<QueueStats> current = stats.get();
      boolean due =
          !current.equals(lastStats) || !now.isBefore(lastStatsAt.plus(STATS_IDLE_INTERVAL));
      Message all = null;
      for (Stream stream : asking) {
        if (!due && stream.hasStats) {
          continue;
        }
        stream.hasStats = true;
        if (stream.filter.queues().isEmpty()) {
          if (all == null) {
            all = Message.stats(current, now);
          }
          stream.offer(all);
        } else {
          stream.offer(
              Message.stats(
                  current.stream().filter(q -> stream.filter.queues().contains(q.queue())).toList(),
                  now));
        }
      }
      if (due) {
        lastStats = current;
        lastStatsAt = now;
      }
    } catch (RuntimeException e) {
      // the store does not answer: the next tick tries again, and the streams stay open
      LOG.log(Level.DEBUG, "Statistics for event streams could not be read: {0}", e.toString());
    }
  }

  /** Ends every stream and the shared subscription. */
  @Override
  public void close() {
    List<Stream> open;
    synchronized (this) {
      closed = true;
      open = new ArrayList<>(streams);
      if (feed != null) {
        feed.close();
        feed = null;
      }
    }
    open.forEach(Stream::end);
    timer.shutdownNow();
  }

  /** Hears the shared subscription, on its thread, and hands each stream what passes its filter. */
  private final class Hub implements JobSubscriber {
    @Override
    public void onChange(JobChange change) {
      synchronized (EventStreams.this) {
        if (feed == null) {
          return;
        }
        var event = new Event(++sequence, epoch, change);
        recent.addLast(event);
        if (recent.size() > REPLAY) {
          recent.removeFirst();
        }
        Message message = null;
        for (Stream stream : streams) {
          if (stream.changes && stream.filter.matches(change)) {
            if (message == null) {
              message = Message.job(event);
            }
            stream.offer(message);
          }
        }
      }
    }

    @Override
    public void onMissed() {
      synchronized (EventStreams.this) {
        // Events before the gap can no longer be resumed from: a client would not learn of it.
        epoch = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        recent.clear();
        var missed =
            Message.missed("The store's connection was interrupted: read what you show afresh.");
        streams.forEach(s -> s.offer(missed));
      }
    }

    @Override
    public void onDropped(String reason) {
      LOG.log(Level.WARNING, "The event streams fell behind the job changes ({0}).", reason);
      synchronized (EventStreams.this) {
        feed = null;
        if (closed || !wantChanges()) {
          return;
        }
        subscribe();
        var missed =
            Message.missed("This node fell behind the changes: read what you show afresh.");
        streams.forEach(s -> s.offer(missed));
      }
    }
  }

  /** A job change as numbered by the shared subscription. */
  private record Event(long sequence, String epoch, JobChange change) {
    String id() {
      return epoch + "-" + sequence;
    }
  }

  /** One SSE message: its event name, data and id (null for none). */
  private record Message(String name, String data, String id) {
    static Message job(Event event) {
      return new Message("job", json(ApiJson.event(event.change())), event.id());
    }

    static Message stats(List<QueueStats> stats, Instant at) {
      return new Message("stats", json(ApiJson.stats(stats, at)), null);
    }

    static Message missed(String reason) {
      return new Message("missed", json(new ApiJson.StreamNoticeView(reason)), null);
    }

    static Message dropped(String reason) {
      return new Message("dropped", json(new ApiJson.StreamNoticeView(reason)), null);
    }

    private static String json(Object value) {
      try {
        return ApiJson.MAPPER.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("An event cannot be written as JSON.", e);
      }
    }
  }

  /** One client: its filter, its bounded queue and the thread that writes to it. */
  private final class Stream {
    private final SseClient client;
    private final JobFilter filter;
    private final boolean changes;
    private volatile boolean hasStats;
    private final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(STREAM_BUFFER);
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile String droppedReason;
    private volatile Thread writer;

    Stream(SseClient client, JobFilter filter, boolean changes) {
      this.client = client;
      this.filter = filter;
      this.changes = changes;
    }

    void offer(Message message) {
      if (droppedReason == null && !queue.offer(message)) {
        droppedReason =
            "More than %d events waited for this client: it was dropped. Reconnect and read what"
                    .formatted(STREAM_BUFFER)
                + " you show afresh.";
      }
    }

    /** Writes until the client goes, falls behind or the server closes; runs on its own thread. */
    void write() {
      writer = Thread.currentThread();
      try {
        // A first line at once, so that the client's connection is open before any change.
        client.sendComment("connected");
        while (!stopped.get() && !client.terminated()) {
          if (droppedReason != null) {
            send(Message.dropped(droppedReason));
            break;
          }
          Message message = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
          if (message == null) {
            // Also how a client that went away silently is noticed: the write fails.
            client.sendComment("keep-alive");
          } else {
            send(message);
          }
        }
      } catch (InterruptedException e) {
        // stopped or closed: ends below
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "An event stream ended: {0}", e.toString());
      } finally {
        client.close();
        remove(this);
      }
    }

    private void send(Message message) {
      if (message.id() == null) {
        client.sendEvent(message.name(), message.data());
      } else {
        client.sendEvent(message.name(), message.data(), message.id());
      }
    }

    private void wake() {
      Thread thread = writer;
      if (thread != null) {
        thread.interrupt();
      }
    }

    void stop() {
      if (stopped.compareAndSet(false, true)) {
        wake();
      }
    }

    void end() {
      stop();
      if (writer == null) {
        client.close();
      }
    }
  }
}
