package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.runtime.RuntimeOptions;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server configured for bodies of at most {@value #LIMIT} bytes refuses longer ones with 413,
 * whether the client declares the length or streams the body in chunks.
 */
class HttpBodyLimitTest {
  static final int LIMIT = 1024;

  static HttpFixture docket;

  @BeforeAll
  static void start() {
    docket =
        HttpFixture.start(
            RuntimeOptions.defaults(), HttpFixture.httpOptions().maxBodyBytes(LIMIT).build());
  }

  @AfterAll
  static void stop() {
    docket.close();
  }

  /** A valid job for queue {@code queue} whose JSON is exactly {@code bytes} long. */
  private static String jobOfLength(String queue, int bytes) {
    String start = "{\"kind\": \"k\", \"queue\": \"" + queue + "\", \"payload\": {\"pad\": \"";
    String end = "\"}}";
    return start + "x".repeat(bytes - start.length() - end.length()) + end;
  }

  @Test
  void enqueue_withABodyOfExactlyTheLimit_isAccepted() {
    String body = jobOfLength("limit-ok", LIMIT);
    assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT);

    var response = docket.post("/api/jobs", body);

    assertThat(response.status()).as("%s", response).isEqualTo(201);
    assertThat(response.json().path("queue").asText()).isEqualTo("limit-ok");
  }

  @Test
  void enqueue_withABodyOneByteOverTheLimit_isRefusedWith413() {
    var response = docket.post("/api/jobs", jobOfLength("limit-over", LIMIT + 1));

    assertTooLarge(response);
    assertThat(jobsIn("limit-over")).isZero();
  }

  @Test
  void enqueue_withALongBodyInChunks_isRefusedWith413() {
    byte[] body = jobOfLength("limit-chunked", 4 * LIMIT).getBytes(StandardCharsets.UTF_8);

    // An input stream of unknown length goes out with Transfer-Encoding: chunked.
    var response =
        docket.send(
            docket
                .request("/api/jobs")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(body))));

    assertTooLarge(response);
    assertThat(jobsIn("limit-chunked")).isZero();
  }

  @Test
  void bulk_withABodyOverTheLimit_isRefusedWith413() {
    var jobs = new StringBuilder("{\"jobs\": [");
    for (int i = 0; i < 50; i++) {
      jobs.append(i == 0 ? "" : ",").append("{\"kind\": \"k\", \"queue\": \"limit-bulk\"}");
    }

    var response = docket.post("/api/jobs/bulk", jobs.append("]}").toString());

    assertTooLarge(response);
    assertThat(jobsIn("limit-bulk")).isZero();
  }

  @Test
  void aLongBody_withoutTheToken_isRefusedWith401_beforeItIsRead() {
    var response =
        docket.send(
            docket
                .anonymous("/api/jobs")
                .POST(HttpRequest.BodyPublishers.ofString(jobOfLength("limit-anon", 4 * LIMIT))));

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().path("error").asText()).isEqualTo("unauthorized");
  }

  private static void assertTooLarge(HttpFixture.Response response) {
    assertThat(response.status()).as("%s", response).isEqualTo(413);
    assertThat(response.contentType()).startsWith("application/json");
    assertThat(response.json().path("error").asText()).isEqualTo("body_too_large");
    assertThat(response.json().path("message").asText()).contains(String.valueOf(LIMIT));
  }

  private static int jobsIn(String queue) {
    var response = docket.get("/api/jobs?queue=" + queue);
    assertThat(response.status()).isEqualTo(200);
    return response.json().path("jobs").size();
  }
}
