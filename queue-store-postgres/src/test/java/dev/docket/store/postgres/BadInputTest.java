package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.PayloadException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile text is refused by validation or stored as data; it never runs as SQL. */
class BadInputTest {
  private static PgFixture pg;

  @BeforeAll
  static void start() {
    pg = new PgFixture("badinput");
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "q'; DROP TABLE jobs; --",
        "q\" OR 1=1",
        "q;SELECT pg_sleep(10)",
        "é",
        "q\u0000",
        "q\u202Eevil",
        "$$",
        "q\\"
      })
  void hostileQueueKindAndTagNames_areRefusedBeforeAnySql(String name) {
    assertThatThrownBy(() -> JobRequest.ofJson("k", "{}").queue(name))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobRequest.ofJson(name, "{}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobQuery.builder().tag(name))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobQuery.builder().queue(name))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(pg.count("true")).isGreaterThanOrEqualTo(0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "'; DROP TABLE jobs; --",
        "\" OR \"1\"=\"1",
        "key with spaces, commas, and $1 placeholders :name ?",
        "emoji \uD83D\uDE80 and RTL \u05E9\u05DC\u05D5\u05DD and combining e\u0301",
        "backslash \\ and percent % and underscore _"
      })
  void hostileUniqueKeysAndPayloadText_areStoredAsData_andFoundAgain(String text) {
    String payload =
        "{\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(text) + "}";
    Job job = pg.client.submit(JobRequest.ofJson("k", payload).uniqueKey(text).tags("t:1").build());

    Job again = pg.client.submit(JobRequest.ofJson("k", "{}").uniqueKey(text).build());

    assertThat(again).isEqualTo(job);
    assertThat(pg.store.storage().find(job.id()).orElseThrow().payload()).isEqualTo(payload);
    assertThat(pg.store.storage().find(job.id()).orElseThrow().uniqueKey()).contains(text);
    assertThat(pg.count("true")).isPositive();
  }

  @Test
  void aPayloadThatIsNotJson_isRefusedWithAClearError_andNothingIsStored() {
    var id = JobId.of(UUID.fromString("01900000-0000-7000-8000-0000000000aa"));
    var spec =
        new JobSpec(
            "default",
            "k",
            "{not json'); DROP TABLE jobs; --",
            Priority.NORMAL,
            3,
            RetryPolicy.exponential(),
            pg.clock.instant(),
            Optional.empty(),
            List.of());
    Job bad = Job.submit(id, spec, pg.clock.instant());

    assertThatThrownBy(() -> pg.store.storage().insert(List.of(bad)))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("not valid JSON");
    assertThat(pg.store.storage().find(id)).isEmpty();
  }
}
