package dev.docket.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.docket.runtime.DocketModule;
import dev.docket.runtime.DocketRuntime;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStoreModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runtime on the memory store with its HTTP server on a free port, and a small client for it: the
 * JDK's {@link HttpClient} for ordinary requests, a raw socket for requests the JDK client refuses
 * to send (a forged {@code Host} header, a body that does not match its length). One per test
 * class; closing it stops the server, then the runtime.
 */
final class HttpFixture implements AutoCloseable {
  static final String TOKEN = "http-test-token-0123456789abcdef";

  static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern CSRF_META =
      Pattern.compile("<meta name=\"docket-csrf\" content=\"([^\"]+)\">");

  final Injector injector;
  final DocketRuntime runtime;
  final DocketServer server;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private HttpFixture(Injector injector) {
    this.injector = injector;
    this.runtime = injector.getInstance(DocketRuntime.class);
    this.server = injector.getInstance(DocketServer.class);
  }

  /** The runtime and the server, both started. */
  static HttpFixture start(RuntimeOptions options, HttpOptions http, Module... extra) {
    HttpFixture fixture = create(options, http, extra);
    fixture.runtime.start();
    fixture.server.start();
    return fixture;
  }

  /** The runtime on {@code store} and the server, both started. */
  static HttpFixture startOn(
      Module store, RuntimeOptions options, HttpOptions http, Module... extra) {
    HttpFixture fixture = createOn(store, options, http, extra);
    fixture.runtime.start();
    fixture.server.start();
    return fixture;
  }

  /** The runtime and the server, neither started. */
  static HttpFixture create(RuntimeOptions options, HttpOptions http, Module... extra) {
    return createOn(new MemoryStoreModule(), options, http, extra);
  }

  /** The runtime on {@code store} and the server, neither started. */
  static HttpFixture createOn(
      Module store, RuntimeOptions options, HttpOptions http, Module... extra) {
    var modules = new ArrayList<Module>();
    modules.add(store);
    modules.add(new DocketModule(options));
    modules.add(new HttpModule(http));
    modules.addAll(List.of(extra));
    return new HttpFixture(Guice.createInjector(modules));
  }

  /** Options with the test token on a free port of the loopback interface. */
  static HttpOptions.Builder httpOptions() {
    return HttpOptions.builder().port(0).token(TOKEN);
  }

  int port() {
    return server.port();
  }

  String origin() {
    return "http://127.0.0.1:" + port();
  }

  URI uri(String pathAndQuery) {
    return URI.create(origin() + pathAndQuery);
  }

  /** A request with the bearer token. */
  HttpRequest.Builder request(String pathAndQuery) {
    return anonymous(pathAndQuery).header("Authorization", "Bearer " + TOKEN);
  }

  /** A request with no credentials. */
  HttpRequest.Builder anonymous(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
  }

  Response get(String pathAndQuery) {
    return send(request(pathAndQuery).GET());
  }

  Response post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response post(String path) {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  Response postBytes(String path, byte[] body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  Response delete(String path) {
    return send(request(path).DELETE());
  }

  Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends {@code head} (request line and headers, each ending in CRLF, without the blank line) and
   * then {@code body} over a fresh socket, with {@code Connection: close}, and reads the answer.
   */
  Response raw(String head, byte[] body) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IllegalStateException("No HTTP response head in: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    var headers = new TreeMap<String, List<String>>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(lines[i].substring(0, colon).strip(), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).strip());
    }
    byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
    boolean chunked =
        headers.getOrDefault("Transfer-Encoding", List.of()).stream()
            .anyMatch(v -> v.equalsIgnoreCase("chunked"));
    String body = new String(chunked ? dechunk(rest) : rest, StandardCharsets.UTF_8);
    return new Response(status, headers, body);
  }

  private static byte[] dechunk(byte[] data) {
    var out = new ByteArrayOutputStream();
    int i = 0;
    while (i < data.length) {
      int lineEnd = indexOfCrlf(data, i);
      String sizeText = new String(data, i, lineEnd - i, StandardCharsets.ISO_8859_1);
      int size = Integer.parseInt(sizeText.split(";")[0].strip(), 16);
      if (size == 0) {
        break;
      }
      out.write(data, lineEnd + 2, size);
      i = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] data, int from) {
    for (int i = from; i + 1 < data.length; i++) {
      if (data[i] == '\r' && data[i + 1] == '\n') {
        return i;
      }
    }
    return data.length;
  }

  /** Enqueues {@code json} with the token and returns the stored job; fails unless 201. */
  JsonNode enqueue(String json) {
    Response response = post("/api/jobs", json);
    if (response.status() != 201) {
      throw new IllegalStateException("Enqueue answered " + response);
    }
    return response.json();
  }

  /** The state of job {@code id}, read with the token. */
  String state(String id) {
    return get("/api/jobs/" + id).json().path("state").asText();
  }

  /** Forgets the wrong tokens this machine sent, which would shut the tests out for a while. */
  void forgiveWrongTokens() {
    server.throttle().succeeded("127.0.0.1");
  }

  /** The CSRF value in the {@code docket-csrf} meta tag of a dashboard page. */
  static String csrfOf(Response page) {
    Matcher matcher = CSRF_META.matcher(page.body());
    if (!matcher.find()) {
      throw new IllegalStateException("No docket-csrf meta tag in: " + page);
    }
    return matcher.group(1);
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      runtime.stop(Duration.ZERO);
    }
  }

  /** A status, the headers and the body as text. */
  record Response(int status, Map<String, List<String>> headers, String body) {
    /** The first value of a header, named in any case. */
    Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }

    /** Every value of a header, named in any case. */
    List<String> headers(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .toList();
    }

    String contentType() {
      return header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("Not JSON: " + this, e);
      }
    }

    @Override
    public String toString() {
      String shown = body.length() > 2_000 ? body.substring(0, 2_000) + "..." : body;
      return "HTTP " + status + " " + headers + "\n" + shown;
    }
  }
}
