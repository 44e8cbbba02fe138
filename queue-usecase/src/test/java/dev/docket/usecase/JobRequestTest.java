package dev.docket.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.RetryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRequestTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void noRetryPolicy_meansOneAttempt_andRefusesMoreAttemptsGivenAlongside() {
    var request = JobRequest.ofJson("k", "{}").retryPolicy(RetryPolicy.none()).build();

    assertThat(request.toSpec("{}", T0).maxAttempts()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                JobRequest.ofJson("k", "{}").retryPolicy(RetryPolicy.none()).maxAttempts(5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never retries");
  }

  @Test
  void setters_checkTheirValueAtOnce() {
    var builder = JobRequest.ofJson("k", "{}");
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      tooMany.add("t" + i);
    }

    assertThatThrownBy(() -> builder.tags(tooMany)).hasMessageContaining("21 tags");
    assertThatThrownBy(() -> builder.runAt(Instant.parse("1969-01-01T00:00:00Z")))
        .hasMessageContaining("Run-at 1969-01-01T00:00:00Z is out of range");
    assertThatThrownBy(() -> builder.queue("no spaces")).hasMessageContaining("'no spaces'");
    assertThatThrownBy(() -> builder.maxAttempts(0)).hasMessageContaining("Max attempts 0");
    assertThatThrownBy(() -> JobRequest.ofJson("bad kind", "{}"))
        .hasMessageContaining("'bad kind'");
  }
}
