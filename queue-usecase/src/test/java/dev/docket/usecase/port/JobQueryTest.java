package dev.docket.usecase.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.JobId;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobQueryTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "+294277-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z",
        "-4714-11-24T00:00:00Z",
        "0000-12-31T23:59:59Z",
        "-1000000000-01-01T00:00:00Z"
      })
  void aCreatedTime_outsideYears1To9999_isRefused_beforeAnyStoreSeesIt(String text) {
    Instant time = Instant.parse(text);

    assertThatThrownBy(() -> JobQuery.builder().createdFrom(time).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Created-from " + time + " is out of range");
    assertThatThrownBy(() -> JobQuery.builder().createdBefore(time).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Created-before " + time + " is out of range");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"})
  void theEdgesOfTheSupportedRange_areAccepted(String text) {
    Instant time = Instant.parse(text);

    assertThat(JobQuery.builder().createdFrom(time).build().createdFrom()).contains(time);
    assertThat(JobQuery.builder().createdBefore(time).build().createdBefore()).contains(time);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "{\"a\": 1               | expected , or } in an object (at character 8)",
        "{a: 1}                  | expected a quoted key (at character 2)",
        "{\"a\": 01}              | expected , or } in an object (at character 8)",
        "[1, 2,]                 | unexpected character ']' (at character 7)",
        "{\"a\": \"x}             | a string is not closed (at character 7)",
        "{\"a\": tru}             | unexpected character 't' (at character 7)",
        "{\"a\": \"\\q\"}           | unknown escape \\q (at character 8)",
        "{\"a\": \"\\u12\"}         | a \\u escape needs four hex digits (at character 8)",
        "{\"a\": \"\\u0000\"}       | \\u0000, which PostgreSQL cannot search for",
        "{\"a\": \"\\ud800\"}       | half of a surrogate pair",
        "[1e200000]              | a number is out of range (at character 2)",
        "[1.5e-20000]            | a number is out of range",
        "{\"a\": 1} {\"b\": 2}      | unexpected text after the JSON value (at character 10)",
        "``                      | it ends where a value should be (at character 1)",
      })
  void aPayloadFilter_thatIsNotJsonPostgresCanHold_isRefused_sayingWhereAndWhy(
      String json, String why) {
    assertThatThrownBy(() -> JobQuery.builder().payloadContains(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("The payload filter is not valid JSON: ")
        .hasMessageContaining(why);
  }

  @ParameterizedTest
  @ValueSource(strings = {"42", "\"customer\"", "true", "null"})
  void aPayloadFilter_thatIsAScalar_isRefused_askingForAnObject(String json) {
    assertThatThrownBy(() -> JobQuery.builder().payloadContains(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use an object such as {\"customer\": 42} or an array");
  }

  @Test
  void aPayloadFilter_longerThanTheLimit_isRefused() {
    String json = "[" + "1,".repeat(JobQuery.MAX_PAYLOAD_FILTER_LENGTH / 2) + "1]";

    assertThatThrownBy(() -> JobQuery.builder().payloadContains(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the most is 10000");
  }

  @Test
  void aPayloadFilter_nestedTooDeep_isRefused() {
    String json = "[".repeat(300) + "]".repeat(300);

    assertThatThrownBy(() -> JobQuery.builder().payloadContains(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nests deeper than 256 levels");
  }

  @Test
  void aPayloadFilter_keepsItsText_forTheStoreToParse() {
    String json = " { \"customer\" : { \"id\" : 42 } , \"tags\": [\"caf\u00e9\", 1.0e2] } ";

    assertThat(JobQuery.builder().payloadContains(json).build().payloadContains()).contains(json);
  }

  @ParameterizedTest
  @CsvSource({
    "\u2026a1b2c3d4e5f6, a1b2c3d4e5f6",
    "...A1B2C3D4E5F6, a1b2c3d4e5f6",
    " beef , beef",
    "8f2c-a1b2c3d4e5f6, 8f2ca1b2c3d4e5f6",
    "0190a1b2-0000-7000-8000-a1b2c3d4e5f6, 0190a1b2000070008000a1b2c3d4e5f6"
  })
  void anIdSuffix_isNormalized_toTheLowercaseHexDigitsAnIdEndsWith(String given, String digits) {
    assertThat(JobQuery.builder().idSuffix(given).build().idSuffix()).contains(digits);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc",
        "",
        "----",
        "\u2026",
        "xyz123",
        "a1b2 c3d4",
        "0190a1b2-0000-7000-8000-a1b2c3d4e5f6a"
      })
  void anIdSuffix_thatIsNotFourTo32HexDigits_isRefused(String given) {
    assertThatThrownBy(() -> JobQuery.builder().idSuffix(given))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the end of a job id: use 4 to 32 hex digits");
  }

  @Test
  void aQuery_takesOneCursor_notBoth() {
    var id = JobId.of(UUID.fromString("0190a1b2-0000-7000-8000-a1b2c3d4e5f6"));

    assertThatThrownBy(() -> JobQuery.builder().afterId(id).beforeId(id).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not both: give one cursor");
    var after = JobQuery.builder().afterId(id).build();
    assertThat(after.before(id).afterId()).isEmpty();
    assertThat(after.before(id).beforeId()).contains(id);
    assertThat(after.before(id).after(id).beforeId()).isEmpty();
    assertThat(after.before(id).fromStart().beforeId()).isEmpty();
  }
}
