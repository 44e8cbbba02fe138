package dev.docket.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.runtime.RuntimeOptions;
import dev.docket.store.postgres.PostgresStoreModule;
import dev.docket.store.postgres.TestDatabase;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API on PostgreSQL answers bad input as the memory store does: a time no store can hold is a
 * 400 with our message, not a 503 with PostgreSQL's, and it logs nothing.
 */
class HttpPostgresTest {
  static HttpFixture docket;
  static String schema;

  @BeforeAll
  static void start() {
    TestDatabase db = TestDatabase.get();
    schema = db.freshSchema("http_pg");
    docket =
        HttpFixture.startOn(
            new PostgresStoreModule(db.options(schema).listen(false).build()),
            RuntimeOptions.defaults(),
            HttpFixture.httpOptions().build());
  }

  @AfterAll
  static void stop() {
    if (docket != null) {
      docket.close();
      TestDatabase.get().dropSchema(schema);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "createdFrom=%2B294277-01-01T00:00:00Z",
        "createdBefore=%2B294277-01-01T00:00:00Z",
        "createdFrom=-4714-11-24T00:00:00Z",
        "createdFrom=%2B10000-01-01T00:00:00Z&createdBefore=%2B10001-01-01T00:00:00Z"
      })
  void aListTimeFilter_beyondPostgresRange_is400WithOurMessage_andLogsNoWarning(String query) {
    try (var log = JulCapture.of(DocketServer.class)) {
      var response = docket.get("/api/jobs?" + query);

      assertThat(response.status()).as("%s", response).isEqualTo(400);
      assertThat(response.json().path("error").asText()).isEqualTo("invalid_parameter");
      assertThat(response.json().path("message").asText())
          .contains("is out of range")
          .doesNotContain("portal", "timestamp out of range");
      assertThat(log.lines(Level.WARNING)).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"})
  void aListTimeFilter_atTheEdgesOfTheSupportedRange_isAnswered(String time) {
    var response = docket.get("/api/jobs?createdFrom=" + time.replace("+", "%2B"));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1e-99999",
        "1e99999",
        "1e-16384",
        "1e131072",
        "-1e-2147483648",
        "1e2147483647",
        "123456789012345678901234567890e-20000"
      })
  void aPayloadNumber_withAnExtremeExponent_isStoredOrRefusedWithA4xx_neverA5xx(String number) {
    try (var log = JulCapture.of(DocketServer.class)) {
      var response =
          docket.post(
              "/api/jobs",
              "{\"kind\":\"k\",\"queue\":\"numbers\",\"payload\":{\"n\":" + number + "}}");

      assertThat(response.status()).as("%s", response).isIn(201, 400);
      assertThat(log.lines(Level.WARNING)).isEmpty();
    }
  }
}
