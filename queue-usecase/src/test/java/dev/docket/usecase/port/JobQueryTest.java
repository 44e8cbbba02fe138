package dev.docket.usecase.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
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
}
