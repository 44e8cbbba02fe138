package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.RetryPolicy;
import dev.docket.runtime.PostgresRuntimes;
import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.memory.MemoryStore;
import dev.docket.store.postgres.PostgresStore;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.store.postgres.TestDatabase;
import dev.docket.usecase.JobClient;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.PayloadException;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random input against the HTTP API, on the memory store and on PostgreSQL, and the Java
 * enqueue API. The seed is fixed and printed; set {@code -Ddocket.fuzz.seed=N} to replay a run.
 * Every HTTP answer must be a 2xx or a 4xx with a JSON error (a page may redirect or answer a
 * page), never a 5xx; every accepted job must read back as it was sent; a login without the token
 * never gets in, a cookie used after its logout opens nothing, a method-override header changes
 * nothing; and every refused Java request must be refused with a message.
 */
class FuzzTest {
  static final long SEED = Long.getLong("docket.fuzz.seed", 20_240_601L);
  static final int HTTP_INPUTS = 3_000;
  static final int POSTGRES_HTTP_INPUTS = 1_000;
  static final int JAVA_INPUTS = 3_000;
  static final int POSTGRES_INPUTS = 600;

  static HttpFixture docket;
  static HttpFixture onPostgres;
  static String schema;

  /** Reads numbers exactly, so 1e309 compares as itself rather than as infinity. */
  static final com.fasterxml.jackson.databind.ObjectMapper EXACT =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  @BeforeAll
  static void start() {
    System.out.println("fuzz: seed " + SEED + " (replay with -Ddocket.fuzz.seed=" + SEED + ")");
    // One idle queue: fuzzed jobs stay as they were stored, nobody runs them.
    docket =
        HttpFixture.start(
            RuntimeOptions.builder().queue("fuzz-idle", 1).build(),
            HttpFixture.httpOptions().build());
    TestDatabase db = TestDatabase.get();
    schema = db.freshSchema("fuzz_http");
    onPostgres =
        HttpFixture.startOn(
            new PostgresStoreModule(db.options(schema).listen(false).build()),
            RuntimeOptions.builder().queue("fuzz-idle", 1).build(),
            HttpFixture.httpOptions().build());
  }

  @AfterAll
  static void stop() {
    if (docket != null) {
      docket.close();
    }
    if (onPostgres != null) {
      onPostgres.close();
      TestDatabase.get().dropSchema(schema);
    }
  }

  // ---- (a) the HTTP API ---------------------------------------------------------------------

  @Test
  @Timeout(150)
  void randomHttpInput_isAnswered2xxOr4xx_andEveryAcceptedJobReadsBack_inMemory() {
    fuzzHttp(docket, "memory", HTTP_INPUTS, SEED);
  }

  @Test
  @Timeout(150)
  void randomHttpInput_isAnswered2xxOr4xx_andEveryAcceptedJobReadsBack_onPostgres() {
    fuzzHttp(onPostgres, "PostgreSQL", POSTGRES_HTTP_INPUTS, SEED + 3);
  }

  /**
   * Random requests at every kind of target: the JSON API, the login form, sessions (log in, use
   * the cookie, log out, use it again) and method-override headers. Each answer is a 2xx, a 3xx
   * where a page redirects, or a 4xx (JSON on the API); never a 5xx.
   */
  private static void fuzzHttp(HttpFixture docket, String store, int inputs, long seed) {
    var random = new SplittableRandom(seed);
    var gen = new Gen(random);
    var problems = new ArrayList<String>();
    var statuses = new TreeMap<Integer, Integer>();
    var perTarget = new TreeMap<String, Integer>();
    var knownIds = new ArrayList<String>();
    int accepted = 0;
    for (int i = 0; i < inputs; i++) {
      int pick = random.nextInt(100);
      String target;
      HttpFixture.Response response;
      String shown;
      boolean page = false;
      try {
        if (pick < 34) {
          target = "POST /api/jobs";
          byte[] body = gen.enqueueBody();
          shown = preview(body);
          response = docket.postBytes("/api/jobs", body);
          if (response.status() == 201) {
            accepted++;
            checkReadsBack(docket, exact(response.body()), body, problems, shown, knownIds);
          }
        } else if (pick < 46) {
          target = "POST /api/jobs/bulk";
          byte[] body = gen.bulkBody();
          shown = preview(body);
          response = docket.postBytes("/api/jobs/bulk", body);
          if (response.status() == 201) {
            for (JsonNode job : exact(response.body())) {
              accepted++;
              checkReadsBack(docket, job, null, problems, shown, knownIds);
            }
          }
        } else if (pick < 66) {
          target = "GET /api/jobs?";
          String query = gen.query();
          shown = query;
          response =
              query.startsWith("RAW:")
                  ? docket.raw(
                      "GET /api/jobs?"
                          + query.substring(4)
                          + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                          + HttpFixture.TOKEN
                          + "\r\n",
                      new byte[0])
                  : docket.get("/api/jobs?" + query);
        } else if (pick < 80) {
          target = "/api/jobs/{id}";
          String id =
              !knownIds.isEmpty() && random.nextInt(3) == 0
                  ? knownIds.get(random.nextInt(knownIds.size()))
                  : gen.id();
          String path = "/api/jobs/" + id;
          shown = path;
          response =
              switch (random.nextInt(4)) {
                case 0 -> docket.get(path);
                case 1 -> docket.post(path + "/cancel");
                case 2 -> docket.post(path + "/retry");
                default -> docket.delete(path);
              };
        } else if (pick < 88) {
          target = "POST /login";
          page = true;
          var login = gen.loginForm();
          shown = login.shown();
          response = docket.send(login.request(docket));
          int status = response.status();
          if (status == 303 && !login.rightToken()) {
            problems.add("input " + i + ": a login without the token got in: " + shown);
          }
          if (status != 303 && status != 413 && login.rightToken() && login.plain()) {
            problems.add("input " + i + ": a plain login with the token answered " + status);
          }
          docket.forgiveWrongTokens(); // the next inputs are not shut out for this one's guesses
        } else if (pick < 94) {
          target = "session";
          shown = "login, use, logout, reuse";
          response = sessionRound(docket, random, problems, i);
        } else {
          target = "method override";
          var override = gen.override(docket);
          shown = override.shown();
          response = docket.send(override.request());
          String state = docket.state(override.jobId());
          boolean paused = docket.get("/api/queues/fuzz-idle").json().path("paused").asBoolean();
          if (!state.equals("pending") || paused) {
            problems.add(
                "input %d: %s changed something: job %s, queue paused %s"
                    .formatted(i, shown, state, paused));
          }
        }
      } catch (UncheckedIOException e) {
        problems.add("input " + i + ": no answer (" + e.getMessage() + ")");
        continue;
      }
      perTarget.merge(target, 1, Integer::sum);
      statuses.merge(response.status(), 1, Integer::sum);
      checkAnswer(i, target, shown, response, problems, page);
    }
    int fivexx =
        statuses.entrySet().stream()
            .filter(e -> e.getKey() >= 500)
            .mapToInt(Map.Entry::getValue)
            .sum();
    System.out.println(
        "fuzz: %d HTTP inputs on the %s store, %d 5xx, %d jobs accepted; per target %s; statuses %s"
            .formatted(inputs, store, fivexx, accepted, perTarget, statuses));
    assertThat(problems).as("seed " + seed + " on " + store).isEmpty();
    assertThat(fivexx).isZero();
    assertThat(perTarget.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(inputs);
  }

  /**
   * Logs in, uses the cookie, and sometimes logs out and tries the cookie again, which must then
   * open nothing. Returns the last answer.
   */
  private static HttpFixture.Response sessionRound(
      HttpFixture docket, SplittableRandom random, List<String> problems, int i) {
    var login =
        docket.send(
            docket
                .anonymous("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + HttpFixture.TOKEN)));
    String cookie =
        login.headers("Set-Cookie").stream()
            .filter(c -> c.startsWith(Access.SESSION_COOKIE + "="))
            .map(c -> c.split(";")[0])
            .findFirst()
            .orElse(null);
    if (login.status() != 303 || cookie == null) {
      problems.add("input " + i + ": the login with the token answered " + login);
      return login;
    }
    var page = docket.send(docket.anonymous("/").header("Cookie", cookie).GET());
    String csrf = HttpFixture.csrfOf(page);
    if (random.nextInt(4) == 0) {
      return docket.send(docket.anonymous("/api/queues").header("Cookie", cookie).GET());
    }
    var logout =
        docket.send(
            docket
                .anonymous("/logout")
                .header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf)));
    if (logout.status() != 303) {
      problems.add("input " + i + ": the logout answered " + logout);
    }
    var reuse =
        random.nextBoolean()
            ? docket.send(docket.anonymous("/api/queues").header("Cookie", cookie).GET())
            : docket.send(
                docket
                    .anonymous("/api/queues/fuzz-idle/pause")
                    .header("Cookie", cookie)
                    .header(Access.CSRF_HEADER, csrf)
                    .POST(HttpRequest.BodyPublishers.noBody()));
    if (reuse.status() != 401) {
      problems.add("input " + i + ": a cookie used after its logout answered " + reuse);
    }
    return reuse;
  }

  private static void checkAnswer(
      int i,
      String target,
      String shown,
      HttpFixture.Response response,
      List<String> problems,
      boolean page) {
    int status = response.status();
    String where = "input " + i + " " + target + " " + shown + " -> " + status + " ";
    if (status >= 200 && status < 300 || page && status == 303) {
      return;
    }
    if (status < 400 || status >= 500) {
      problems.add(where + clip(response.body()));
      return;
    }
    if (page && response.contentType().startsWith("text/html")) {
      return; // a page's refusal is a page
    }
    if (shown.startsWith("HEAD ") && response.body().isEmpty()) {
      return; // an answer to HEAD has no body
    }
    try {
      JsonNode error = HttpFixture.JSON.readTree(response.body());
      if (error == null
          || error.path("error").asText("").isBlank()
          || error.path("message").asText("").isBlank()) {
        problems.add(where + "4xx without error and message: " + clip(response.body()));
      }
    } catch (java.io.IOException e) {
      problems.add(where + "4xx body is not JSON: " + clip(response.body()));
    }
  }

  /** The stored job reads back with the kind and queue the answer (and the request) named. */
  private static void checkReadsBack(
      HttpFixture docket,
      JsonNode answered,
      byte[] sent,
      List<String> problems,
      String shown,
      List<String> ids) {
    String id = answered.path("id").asText();
    ids.add(id);
    HttpFixture.Response read = docket.get("/api/jobs/" + id);
    if (read.status() != 200) {
      problems.add("accepted " + shown + " but GET " + id + " answered " + read);
      return;
    }
    JsonNode stored = exact(read.body());
    for (String field : List.of("kind", "queue", "priority", "maxAttempts", "uniqueKey", "tags")) {
      if (!stored.path(field).equals(answered.path(field))) {
        problems.add(
            "job %s: %s reads back as %s, was answered %s (sent %s)"
                .formatted(id, field, stored.path(field), answered.path(field), shown));
      }
    }
    if (!answered.path("payload").isMissingNode()
        && !answered.path("payload").isNull()
        && !jsonEquals(stored.path("payload"), answered.path("payload"))) {
      problems.add("job " + id + ": payload changed between answer and read (sent " + shown + ")");
    }
    if (sent != null) {
      try {
        JsonNode request = EXACT.readTree(sent);
        if (request.path("uniqueKey").isMissingNode()
            && !request.path("kind").asText().equals(stored.path("kind").asText())) {
          problems.add("job " + id + ": stored kind " + stored.path("kind") + ", sent " + shown);
        }
        String queue = request.path("queue").isTextual() ? request.path("queue").asText() : null;
        if (queue != null
            && !queue.isEmpty()
            && request.path("uniqueKey").isMissingNode()
            && !queue.equals(stored.path("queue").asText())) {
          problems.add("job " + id + ": stored queue " + stored.path("queue") + ", sent " + shown);
        }
        if (request.has("payload")
            && request.path("uniqueKey").isMissingNode()
            && !jsonEquals(request.get("payload"), stored.path("payload"))) {
          problems.add("job " + id + ": stored payload differs from the sent one: " + shown);
        }
      } catch (java.io.IOException e) {
        problems.add("accepted a body this test's parser refuses: " + shown);
      }
    }
  }

  static JsonNode exact(String json) {
    try {
      return EXACT.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Not JSON: " + clip(json), e);
    }
  }

  /** Equal as JSON, numbers compared by value (a store may write 1E+2 as 100). */
  static boolean jsonEquals(JsonNode a, JsonNode b) {
    Comparator<JsonNode> numbers =
        (x, y) -> {
          if (x instanceof NumericNode && y instanceof NumericNode) {
            return x.decimalValue().compareTo(y.decimalValue());
          }
          return x.equals(y) ? 0 : 1;
        };
    return a.equals(numbers, b);
  }

  private static String preview(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return clip(text.replaceAll("\\p{Cntrl}", "?"));
  }

  private static String clip(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + ")" : text;
  }

  // ---- (b) the Java enqueue API -------------------------------------------------------------

  @Test
  @Timeout(120)
  void randomJobRequests_areRefusedWithAMessage_orStoredAndReadBackEqual_inMemory() {
    JobStorage storage = MemoryStore.create();
    int[] counts = fuzzClient(storage, JAVA_INPUTS, SEED + 1);
    System.out.printf(
        "fuzz: %d Java enqueue inputs on the memory store, %d stored, %d refused%n",
        JAVA_INPUTS, counts[0], counts[1]);
    assertThat(counts[0] + counts[1]).isEqualTo(JAVA_INPUTS);
    assertThat(counts[0]).as("some inputs were valid").isPositive();
  }

  @Test
  @Timeout(120)
  void randomJobRequests_areStoredAsData_onPostgres() {
    TestDatabase db = TestDatabase.get();
    String schema = db.freshSchema("fuzz");
    try (PostgresStore store = PostgresStore.start(db.options(schema).listen(false).build())) {
      int[] counts = fuzzClient(store.storage(), POSTGRES_INPUTS, SEED + 2);
      // A second store on the same schema reads what the first one wrote.
      try (PostgresStore reader =
          PostgresStore.start(db.options(schema).listen(false).poolSize(2).build())) {
        long rows =
            reader.storage().stats(Instant.now()).stream()
                .mapToLong(s -> s.count(JobState.PENDING))
                .sum();
        assertThat(rows).as("one row per stored job").isEqualTo(counts[0]);
      }
      System.out.printf(
          "fuzz: %d Java enqueue inputs on PostgreSQL, %d stored, %d refused%n",
          POSTGRES_INPUTS, counts[0], counts[1]);
      assertThat(counts[0] + counts[1]).isEqualTo(POSTGRES_INPUTS);
      assertThat(counts[0]).isPositive();
    } finally {
      db.dropSchema(schema);
    }
  }

  /** Stored and refused counts; fails on the first input handled wrongly. */
  private static int[] fuzzClient(JobStorage storage, int n, long seed) {
    JobClient client = PostgresRuntimes.client(storage);
    var random = new SplittableRandom(seed);
    var gen = new Gen(random);
    int stored = 0;
    int refused = 0;
    var problems = new ArrayList<String>();
    for (int i = 0; i < n; i++) {
      var input = new StringBuilder("input " + i + " (seed " + seed + "):");
      JobRequest request;
      Instant before = Instant.now();
      try {
        request = gen.jobRequest(input);
      } catch (IllegalArgumentException | PayloadException e) {
        refused += refusal(e, input, problems);
        continue;
      } catch (RuntimeException e) {
        problems.add(input + " builder threw " + e);
        continue;
      }
      Job job;
      try {
        job = client.submit(request);
      } catch (IllegalArgumentException | PayloadException e) {
        refused += refusal(e, input, problems);
        continue;
      } catch (RuntimeException e) {
        problems.add(input + " submit threw " + e);
        continue;
      }
      Instant after = Instant.now();
      stored++;
      Job read = storage.find(job.id()).orElse(null);
      if (read == null) {
        problems.add(input + " stored job " + job.id() + " is not found");
        continue;
      }
      String diff = differences(request, gen.lastPayload, job, read, before, after, gen);
      if (!diff.isEmpty()) {
        problems.add(input + " " + diff);
      }
    }
    assertThat(problems).as("seed " + seed).isEmpty();
    return new int[] {stored, refused};
  }

  private static int refusal(RuntimeException e, CharSequence input, List<String> problems) {
    if (e.getMessage() == null || e.getMessage().isBlank()) {
      problems.add(input + " refused without a message: " + e);
    }
    return 1;
  }

  private static String differences(
      JobRequest request,
      String payload,
      Job submitted,
      Job read,
      Instant before,
      Instant after,
      Gen gen) {
    var out = new StringBuilder();
    check(out, "kind", request.kind(), read.kind());
    check(out, "queue", request.queue(), read.queue());
    check(out, "priority", gen.lastPriority, read.priority().value());
    check(out, "maxAttempts", gen.lastMaxAttempts, read.maxAttempts());
    check(out, "uniqueKey", java.util.Optional.ofNullable(gen.lastUniqueKey), read.uniqueKey());
    // JobSpec normalizes tags: distinct and sorted.
    check(out, "tags", gen.lastTags.stream().distinct().sorted().toList(), read.tags());
    check(out, "state", JobState.PENDING, read.state());
    check(out, "errors", List.of(), read.errors());
    check(out, "retryPolicy", gen.lastRetry, read.retryPolicy());
    check(out, "submitted vs read id", submitted.id(), read.id());
    try {
      JsonNode sent = EXACT.readTree(payload);
      JsonNode back = EXACT.readTree(read.payload());
      if (!jsonEquals(sent, back)) {
        out.append(" payload sent ")
            .append(clip(payload))
            .append(" read ")
            .append(clip(read.payload()));
      }
    } catch (java.io.IOException e) {
      out.append(" payload unreadable: ").append(e.getMessage());
    }
    if (gen.lastRunAt != null) {
      check(out, "runAt", gen.lastRunAt.truncatedTo(ChronoUnit.MICROS), read.runAt());
    } else {
      Duration delay = gen.lastDelay == null ? Duration.ZERO : gen.lastDelay;
      Instant low = before.plus(delay).truncatedTo(ChronoUnit.MICROS);
      Instant high = after.plus(delay).plusMillis(1);
      if (read.runAt().isBefore(low) || read.runAt().isAfter(high)) {
        out.append(" runAt ")
            .append(read.runAt())
            .append(" not in ")
            .append(low)
            .append("..")
            .append(high);
      }
    }
    return out.toString();
  }

  private static void check(StringBuilder out, String what, Object expected, Object actual) {
    if (!java.util.Objects.equals(expected, actual)) {
      out.append(" ")
          .append(what)
          .append(": expected ")
          .append(expected)
          .append(" read ")
          .append(actual);
    }
  }

  // ---- the generator ------------------------------------------------------------------------

  /** Random input; every choice comes from the seeded random. */
  static final class Gen {
    private final SplittableRandom random;
    private int counter;
    String lastPayload;
    int lastPriority;
    int lastMaxAttempts;
    String lastUniqueKey;
    List<String> lastTags;
    Instant lastRunAt;
    Duration lastDelay;
    RetryPolicy lastRetry;

    Gen(SplittableRandom random) {
      this.random = random;
    }

    static final String[] SQL = {
      "'", "''", "\"", ";", "--", "/*", "*/", "' OR '1'='1", "'; DROP TABLE jobs; --", "\\",
      "%", "_", "$1", "$$", "E'\\\\x00'", "::jsonb", "\\'", "`", "?", ":name"
    };
    static final String[] ODD = {
      "é", "ß", "日本", "😀", "\u202E", "\u0301", "\uFEFF", "\uFFFF", "\u2028", "\u00A0", "𝕏",
      "\u200B", "İ", "ǅ", "Ω"
    };
    static final String[] NUMBERS = {
      "1e309",
      "-1e309",
      "-0",
      "0",
      "-0.0",
      "9223372036854775808",
      "-9223372036854775809",
      "9223372036854775807",
      "2147483648",
      "-2147483649",
      "1" + "0".repeat(60),
      "1E-400",
      "0.1",
      "3.141592653589793238462643383279",
      "1.7976931348623157E308",
      "4.9E-324",
      "100",
      "50",
      "1",
      "1000",
      "1001",
      "-1",
      "00",
      "01",
      "1.",
      ".5",
      "+1",
      "0x10",
      "1e",
      "Infinity",
      "NaN",
      "12345678901234567890123456789012345678901234567890"
    };
    static final String[] DATES = {
      "2030-01-31T09:00:00Z",
      "1970-01-01T00:00:00Z",
      "2024-02-30T00:00:00Z",
      "+1000000000-01-01T00:00:00Z",
      "-999999999-01-01T00:00:00Z",
      "0000-00-00T00:00:00Z",
      "2030-01-31T09:00:00+25:00",
      "2030-01-31",
      "2030-13-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z",
      "0001-01-01T00:00:00Z",
      "2030-01-31T24:00:00Z",
      "1e309",
      "",
      " ",
      "2030-01-31T09:00:00.123456789123Z",
      "now"
    };
    static final String[] DURATIONS = {
      "PT1S",
      "-PT1S",
      "PT0S",
      "P99999999999D",
      "PT0.000000001S",
      "P1D",
      "PT-1S",
      "P36500D",
      "P36501D",
      "1",
      "",
      "PT",
      "P1Y",
      "PT9223372036854775807S"
    };

    String text() {
      int kind = random.nextInt(10);
      int length =
          switch (kind) {
            case 0 -> 0;
            case 1 -> random.nextInt(50_000, 120_000);
            case 2 -> random.nextInt(200, 2_000);
            default -> random.nextInt(1, 40);
          };
      var out = new StringBuilder();
      while (out.length() < length) {
        int c = random.nextInt(10);
        if (c < 4) {
          out.append((char) random.nextInt('a', 'z' + 1));
        } else if (c < 5) {
          out.append(SQL[random.nextInt(SQL.length)]);
        } else if (c < 6) {
          out.append(ODD[random.nextInt(ODD.length)]);
        } else if (c < 7) {
          out.append((char) random.nextInt(0, 0x20)); // control characters, NUL included
        } else if (c < 8) {
          out.append((char) random.nextInt(0xD800, 0xE000)); // a lone surrogate
        } else if (c < 9) {
          out.append((char) random.nextInt(0x20, 0x7F));
        } else {
          out.appendCodePoint(random.nextInt(0x20, 0x10FFFF) & ~0x800); // skips most surrogates
        }
      }
      return out.toString();
    }

    /** A name: mostly valid, often not. */
    String name() {
      int c = random.nextInt(6);
      String base =
          switch (c) {
            case 0, 1, 2 -> validName(random.nextInt(1, 20));
            case 3 -> validName(random.nextInt(60, 140));
            default -> text();
          };
      return c == 5 && !base.isEmpty() ? validName(3) + base : base;
    }

    String validName(int length) {
      String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:";
      var out = new StringBuilder();
      out.append((char) random.nextInt('a', 'z' + 1));
      while (out.length() < length) {
        out.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return out.toString();
    }

    /** A JSON string literal of {@code s}; lone surrogates and controls escaped or raw. */
    String jsonString(String s) {
      var out = new StringBuilder("\"");
      boolean raw = random.nextInt(10) == 0;
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '"' || ch == '\\') {
          out.append('\\').append(ch);
        } else if (ch < 0x20 || Character.isSurrogate(ch) && !raw) {
          if (raw && ch < 0x20) {
            out.append(ch); // invalid JSON: a raw control character
          } else {
            out.append(String.format("\\u%04x", (int) ch));
          }
        } else {
          out.append(ch);
        }
      }
      return out.append('"').toString();
    }

    String jsonValue(int depth) {
      int c = random.nextInt(depth > 6 ? 6 : 9);
      return switch (c) {
        case 0 -> "null";
        case 1 -> random.nextBoolean() ? "true" : "false";
        case 2, 3 -> NUMBERS[random.nextInt(NUMBERS.length)];
        case 4 -> String.valueOf(random.nextLong());
        case 5 -> jsonString(text());
        case 6 -> {
          var out = new StringBuilder("[");
          int n = random.nextInt(5);
          for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append(jsonValue(depth + 1));
          }
          yield out.append(']').toString();
        }
        case 7 -> {
          var out = new StringBuilder("{");
          int n = random.nextInt(5);
          for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",")
                .append(jsonString(random.nextBoolean() ? validName(4) : text()))
                .append(':')
                .append(jsonValue(depth + 1));
          }
          yield out.append('}').toString();
        }
        default -> {
          int deep = random.nextInt(2) == 0 ? random.nextInt(10, 60) : random.nextInt(200, 3_000);
          yield "[".repeat(deep) + "]".repeat(deep);
        }
      };
    }

    /** A valid-looking enqueue object, as ordered fields. */
    Map<String, String> validJob() {
      var job = new java.util.LinkedHashMap<String, String>();
      job.put("kind", jsonString(validName(random.nextInt(1, 30))));
      if (random.nextBoolean()) {
        job.put("queue", jsonString("fuzz-" + validName(random.nextInt(1, 20))));
      }
      if (random.nextBoolean()) {
        job.put(
            "payload",
            random.nextInt(3) == 0 ? jsonValue(0) : "{\"text\":" + jsonString(text()) + "}");
      }
      if (random.nextBoolean()) {
        job.put(
            "priority",
            random.nextBoolean()
                ? String.valueOf(random.nextInt(0, 101))
                : jsonString(List.of("LOW", "NORMAL", "HIGH", "URGENT").get(random.nextInt(4))));
      }
      if (random.nextBoolean()) {
        job.put("maxAttempts", String.valueOf(random.nextInt(1, 20)));
      }
      switch (random.nextInt(3)) {
        case 0 ->
            job.put(
                "runAt",
                jsonString(Instant.now().plusSeconds(random.nextInt(1_000_000)).toString()));
        case 1 -> job.put("delay", jsonString("PT" + random.nextInt(1, 10_000) + "S"));
        default -> {}
      }
      if (random.nextInt(4) == 0) {
        job.put("uniqueKey", jsonString("u-" + UUID.randomUUID()));
      }
      if (random.nextBoolean()) {
        job.put("tags", "[" + jsonString(validName(5)) + "," + jsonString(validName(7)) + "]");
      }
      if (random.nextInt(4) == 0) {
        job.put(
            "retry",
            random.nextBoolean()
                ? "{\"policy\":\"fixed\",\"delay\":\"PT5S\"}"
                : "{\"policy\":\"exponential\",\"base\":\"PT1S\",\"cap\":\"PT1H\"}");
      }
      return job;
    }

    static final List<String> FIELDS =
        List.of(
            "kind",
            "queue",
            "payload",
            "priority",
            "maxAttempts",
            "runAt",
            "delay",
            "uniqueKey",
            "tags",
            "retry");

    /** A valid-shaped job with one field mutated, written as JSON text. */
    String mutatedJob() {
      Map<String, String> job = validJob();
      String field = FIELDS.get(random.nextInt(FIELDS.size()));
      switch (random.nextInt(8)) {
        case 0 -> job.remove(field);
        case 1 -> job.put(field, jsonValue(0));
        case 2 -> job.put(field, jsonString(text() + SQL[random.nextInt(SQL.length)]));
        case 3 -> job.put(field, NUMBERS[random.nextInt(NUMBERS.length)]);
        case 4 -> job.put(field, jsonString(DATES[random.nextInt(DATES.length)]));
        case 5 -> job.put(field, jsonString(DURATIONS[random.nextInt(DURATIONS.length)]));
        case 6 -> job.put(random.nextBoolean() ? validName(6) : text(), jsonValue(0));
        default -> {} // valid as it is
      }
      var out = new StringBuilder("{");
      job.forEach(
          (k, v) ->
              out.append(out.length() == 1 ? "" : ",").append(jsonString(k)).append(':').append(v));
      return out.append('}').toString();
    }

    /** Malformed bytes made from otherwise fine JSON. */
    byte[] malformed(String json) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      int c = random.nextInt(6);
      switch (c) {
        case 0 -> {
          return java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)); // truncated
        }
        case 1 -> {
          byte[] noise = new byte[random.nextInt(1, 200)];
          random.nextBytes(noise);
          return noise;
        }
        case 2 -> {
          byte[][] invalid = {
            {(byte) 0xC3, 0x28},
            {(byte) 0xFF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}
          };
          return insert(bytes, invalid[random.nextInt(invalid.length)]);
        }
        case 3 -> {
          return insert(bytes, new byte[] {0});
        }
        case 4 -> {
          return insert(bytes, new byte[] {(byte) random.nextInt(1, 0x20)});
        }
        default -> {
          return insert(bytes, SQL[random.nextInt(SQL.length)].getBytes(StandardCharsets.UTF_8));
        }
      }
    }

    private byte[] insert(byte[] into, byte[] what) {
      int at = random.nextInt(into.length + 1);
      var out = new ByteArrayOutputStream();
      out.write(into, 0, at);
      out.writeBytes(what);
      out.write(into, at, into.length - at);
      return out.toByteArray();
    }

    byte[] enqueueBody() {
      int c = random.nextInt(10);
      String json = c < 6 ? mutatedJob() : c < 8 ? jsonValue(0) : mutatedJob();
      return c >= 8 ? malformed(json) : json.getBytes(StandardCharsets.UTF_8);
    }

    byte[] bulkBody() {
      int c = random.nextInt(10);
      String json;
      if (c < 7) {
        var out = new StringBuilder("{\"jobs\":[");
        int n = random.nextInt(0, 6);
        for (int i = 0; i < n; i++) {
          out.append(i == 0 ? "" : ",")
              .append(random.nextInt(4) == 0 ? jsonValue(1) : mutatedJob());
        }
        json = out.append("]}").toString();
      } else {
        json = "{\"jobs\":" + jsonValue(0) + "}";
      }
      return c == 9 ? malformed(json) : json.getBytes(StandardCharsets.UTF_8);
    }

    static final List<String> PARAMETERS =
        List.of("state", "queue", "kind", "tag", "createdFrom", "createdBefore", "cursor", "limit");

    /** A query string, encoded; "RAW:" first for one sent as it is over a socket. */
    String query() {
      var parts = new ArrayList<String>();
      int n = random.nextInt(0, 5);
      for (int i = 0; i < n; i++) {
        String name =
            random.nextInt(6) == 0 ? text() : PARAMETERS.get(random.nextInt(PARAMETERS.size()));
        String value =
            switch (random.nextInt(7)) {
              case 0 -> List.of("pending", "RUNNING", "failed", "dead", "").get(random.nextInt(5));
              case 1 -> DATES[random.nextInt(DATES.length)];
              case 2 -> NUMBERS[random.nextInt(NUMBERS.length)];
              case 3 -> validName(random.nextInt(1, 80));
              case 4 -> Base64url(random.nextInt(0, 40));
              default -> text();
            };
        if (value.length() > 3_000) {
          value = value.substring(0, 3_000);
        }
        parts.add(encode(name) + "=" + encode(value));
      }
      if (random.nextInt(15) == 0) {
        String[] raw = {"%", "%zz", "%00", "a=%C3%28", "limit=%FF", "&&&", "=", "kind=%E2%82"};
        return "RAW:" + raw[random.nextInt(raw.length)];
      }
      return String.join("&", parts);
    }

    private String Base64url(int n) {
      byte[] bytes = new byte[n];
      random.nextBytes(bytes);
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    String id() {
      String text = text();
      String id =
          switch (random.nextInt(5)) {
            case 0 -> UUID.randomUUID().toString();
            case 1 -> UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
            case 2 -> encode(text.length() > 500 ? text.substring(0, 500) : text);
            case 3 -> NUMBERS[random.nextInt(NUMBERS.length)];
            default -> "01" + "0".repeat(random.nextInt(0, 40));
          };
      return id.replace("+", "%2B").replace(".", random.nextBoolean() ? "." : "%2E");
    }

    /** A login form: the token or not, a next path, odd encodings, sometimes too long. */
    record LoginForm(
        String body, String contentType, boolean rightToken, boolean plain, boolean chunked) {
      HttpRequest.Builder request(HttpFixture docket) {
        var request = docket.anonymous("/login");
        if (contentType != null) {
          request.header("Content-Type", contentType);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return request.POST(
            chunked
                ? HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes));
      }

      String shown() {
        return (chunked ? "chunked " : "")
            + contentType
            + " "
            + clip(body.replace(HttpFixture.TOKEN, "<token>"));
      }
    }

    LoginForm loginForm() {
      boolean right = random.nextInt(4) == 0;
      String token =
          right
              ? HttpFixture.TOKEN
              : switch (random.nextInt(4)) {
                case 0 -> "";
                case 1 -> HttpFixture.TOKEN + "x";
                case 2 -> validName(random.nextInt(1, 40));
                default -> text();
              };
      String next =
          switch (random.nextInt(4)) {
            case 0 -> "/jobs";
            case 1 -> "https://evil.example/";
            case 2 -> "/" + validName(random.nextInt(1, 30));
            default -> text();
          };
      var body = new StringBuilder();
      boolean plain = true;
      switch (random.nextInt(8)) {
        case 0 -> {
          body.append("next=").append(encode(next)).append("&token=").append(encode(token));
        }
        case 1 -> {
          body.append("token=")
              .append(encode(token))
              .append("&pad=")
              .append("p".repeat(random.nextInt(3_000, 20_000)));
          plain = false;
        }
        case 2 -> {
          body.append(text());
          plain = false;
        }
        case 3 -> {
          body.append("token=").append(encode(token)).append("&token=x&next=%zz");
          plain = false;
        }
        default ->
            body.append("token=").append(encode(token)).append("&next=").append(encode(next));
      }
      String type =
          switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "application/json";
            case 2 -> "multipart/form-data; boundary=x";
            default -> "application/x-www-form-urlencoded";
          };
      boolean chunked = random.nextInt(5) == 0;
      return new LoginForm(body.toString(), type, right, plain, chunked);
    }

    /** A GET or HEAD on a change's path, carrying a method-override header. */
    record Override(HttpRequest.Builder request, String jobId, String shown) {}

    Override override(HttpFixture docket) {
      String id = docket.enqueue("{\"kind\": \"k\", \"queue\": \"fuzz-idle\"}").path("id").asText();
      String header =
          List.of(
                  "X-HTTP-Method-Override",
                  "X-HTTP-Method",
                  "X-Method-Override",
                  "x-http-method-override")
              .get(random.nextInt(4));
      String value =
          List.of("DELETE", "POST", "PUT", "PATCH", "delete", text()).get(random.nextInt(6));
      String path =
          List.of(
                  "/api/jobs/" + id,
                  "/api/jobs/" + id + "/cancel",
                  "/api/jobs/" + id + "/retry",
                  "/api/queues/fuzz-idle/pause",
                  "/api/jobs",
                  "/api/schedules/none/run")
              .get(random.nextInt(6));
      String method = random.nextBoolean() ? "GET" : "HEAD";
      var request = docket.request(path).method(method, HttpRequest.BodyPublishers.noBody());
      if (value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        request.header(header, value);
      } else {
        request.header(header, "DELETE");
      }
      return new Override(request, id, method + " " + path + " " + header + ": " + clip(value));
    }

    /** A request from random builder inputs; {@code input} says what was tried. */
    JobRequest jobRequest(StringBuilder input) {
      lastPriority = dev.docket.domain.Priority.NORMAL.value();
      lastMaxAttempts = dev.docket.domain.JobSpec.DEFAULT_MAX_ATTEMPTS;
      lastRetry = RetryPolicy.exponential();
      lastUniqueKey = null;
      lastTags = List.of();
      lastRunAt = null;
      lastDelay = null;
      String kind = name();
      lastPayload =
          switch (random.nextInt(5)) {
            case 0 -> jsonValue(0);
            case 1 -> "{\"s\":" + jsonString(text()) + "}";
            case 2 -> text();
            default -> mutatedJob(); // any JSON object will do as a payload
          };
      input.append(" kind=").append(clip(kind)).append(" payload=").append(clip(lastPayload));
      JobRequest.Builder b = JobRequest.ofJson(kind, lastPayload);
      List<Supplier<String>> steps = new ArrayList<>();
      steps.add(
          () -> {
            String queue = name();
            b.queue(queue);
            return "queue=" + clip(queue);
          });
      steps.add(
          () -> {
            int p = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(-5, 110);
            b.priority(p);
            lastPriority = p;
            return "priority=" + p;
          });
      steps.add(
          () -> {
            int m = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(-2, 1_100);
            b.maxAttempts(m);
            lastMaxAttempts = m;
            return "maxAttempts=" + m;
          });
      steps.add(
          () -> {
            Instant at =
                switch (random.nextInt(4)) {
                  case 0 ->
                      Instant.ofEpochSecond(random.nextLong(-100_000_000_000L, 100_000_000_000L));
                  case 1 -> Instant.MAX;
                  case 2 -> Instant.EPOCH.plusNanos(random.nextLong());
                  default -> Instant.now().plusSeconds(random.nextLong(-1_000_000, 1_000_000));
                };
            b.runAt(at);
            lastRunAt = at;
            return "runAt=" + at;
          });
      steps.add(
          () -> {
            Duration d =
                switch (random.nextInt(4)) {
                  case 0 -> Duration.ofSeconds(random.nextLong(), random.nextInt(1_000_000_000));
                  case 1 -> Duration.ofDays(random.nextLong(36_400, 36_600));
                  case 2 -> Duration.ofNanos(random.nextLong(-5, 5));
                  default -> Duration.ofSeconds(random.nextLong(0, 100_000));
                };
            b.delay(d);
            lastDelay = d;
            return "delay=" + d;
          });
      steps.add(
          () -> {
            String key = (random.nextBoolean() ? text() : validName(10)) + "#" + counter++;
            b.uniqueKey(key);
            lastUniqueKey = key;
            return "uniqueKey=" + clip(key);
          });
      steps.add(
          () -> {
            var tags = new ArrayList<String>();
            int n = random.nextInt(0, random.nextInt(8) == 0 ? 30 : 5);
            for (int i = 0; i < n; i++) {
              tags.add(random.nextInt(3) == 0 ? text() : validName(random.nextInt(1, 70)));
            }
            b.tags(tags);
            lastTags = List.copyOf(tags);
            return "tags=" + clip(tags.toString());
          });
      steps.add(
          () -> {
            RetryPolicy policy =
                switch (random.nextInt(3)) {
                  case 0 -> RetryPolicy.none();
                  case 1 -> RetryPolicy.fixed(Duration.ofSeconds(random.nextInt(1, 100)));
                  default -> RetryPolicy.exponential();
                };
            b.retryPolicy(policy);
            lastRetry = policy;
            return "retry=" + policy;
          });
      for (Supplier<String> step : steps) {
        if (random.nextInt(3) == 0) {
          input.append(' ').append(step.get());
        }
      }
      JobRequest request = b.build();
      if (!lastRetry.allowsRetry()) {
        lastMaxAttempts = 1;
      }
      if (lastRunAt != null && lastDelay != null) {
        throw new AssertionError("build() accepted both a run-at and a delay: " + input);
      }
      return request;
    }
  }
}
