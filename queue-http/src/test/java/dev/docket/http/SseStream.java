package dev.docket.http;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A test client of {@code /api/events}: it parses the stream into events on a virtual thread of its
 * own, by the rules of the EventSource standard (fields {@code event}, {@code data}, {@code id};
 * comment lines counted), and lets a test wait for them. Reading can start later, to play a client
 * that does not read.
 */
final class SseStream implements AutoCloseable {
  /** One event as a browser would dispatch it. */
  record Event(String name, String id, String data) {
    JsonNode json() {
      try {
        return HttpFixture.JSON.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final Event END = new Event("", null, "");

  final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final AtomicInteger comments = new AtomicInteger();
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean closed;

  private SseStream(HttpResponse<InputStream> response) {
    this.response = response;
  }

  /** Opens {@code pathAndQuery} with {@code headers} (name, value, ...); reading starts at once. */
  static SseStream open(HttpClient http, URI uri, String... headers) {
    SseStream stream = connect(http, uri, headers);
    if (stream.response.statusCode() == 200) {
      stream.startReading();
    }
    return stream;
  }

  /** Opens {@code uri} without reading what comes. */
  static SseStream connect(HttpClient http, URI uri, String... headers) {
    var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return new SseStream(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int status() {
    return response.statusCode();
  }

  /** The body of a refusal, which is JSON rather than a stream. */
  JsonNode errorBody() {
    try (InputStream in = response.body()) {
      return HttpFixture.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void startReading() {
    Thread.ofVirtual().name("sse-test-reader").start(this::read);
  }

  private void read() {
    var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    String name = null;
    String id = null;
    var data = new StringBuilder();
    try {
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Event(name == null ? "message" : name, id, data.toString()));
          }
          name = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          comments.incrementAndGet();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("data:")) {
          if (!data.isEmpty()) {
            data.append('\n');
          }
          data.append(line.substring(5).stripLeading());
        }
      }
    } catch (IOException e) {
      // closed by the test or the server: the end either way
    } finally {
      events.add(END);
      ended.countDown();
    }
  }

  /** The next event, failing the test if none comes within {@code timeout}. */
  Event next(Duration timeout) {
    try {
      Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (event == null) {
        fail("No event came within " + timeout);
      }
      if (event == END) {
        events.add(END);
        fail("The stream ended");
      }
      return event;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Events until one passes {@code last}, that one included. */
  List<Event> until(Predicate<Event> last, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    var seen = new ArrayList<Event>();
    while (true) {
      Event event = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      seen.add(event);
      if (last.test(event)) {
        return seen;
      }
    }
  }

  /** Every event that came until the server ended the stream. */
  List<Event> toEnd(Duration timeout) throws InterruptedException {
    if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("The stream did not end within " + timeout);
    }
    var all = new ArrayList<Event>();
    events.drainTo(all);
    all.remove(END);
    return all;
  }

  /** Events received so far, without waiting. */
  List<Event> drain() {
    var all = new ArrayList<Event>();
    events.drainTo(all);
    if (all.remove(END)) {
      events.add(END);
    }
    return all;
  }

  int comments() {
    return comments.get();
  }

  boolean ended() {
    return ended.getCount() == 0;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        response.body().close();
      } catch (IOException e) {
        // already gone
      }
    }
  }
}
