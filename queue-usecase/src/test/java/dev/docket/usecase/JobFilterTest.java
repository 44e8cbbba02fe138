package dev.docket.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.usecase.port.JobChange;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobFilterTest {
  static final JobId ID = new JobId(UUID.fromString("0190a0a0-0000-7000-8000-000000000001"));
  static final JobChange CHANGE =
      new JobChange(
          JobChange.Type.STATE,
          ID,
          "emails",
          "mail.send",
          List.of("tenant:7", "vip"),
          JobState.RUNNING,
          1,
          2,
          Optional.empty(),
          Instant.parse("2026-12-02T10:00:00Z"));

  @Test
  void duplicateNames_areAccepted_andCountOnce() {
    JobFilter filter = JobFilter.all().queues("emails", "emails").kinds("a", "a").tags("t", "t");

    assertThat(filter.queues()).containsExactly("emails");
    assertThat(filter.kinds()).containsExactly("a");
    assertThat(filter.tags()).containsExactly("t");
    assertThat(JobFilter.all().jobIds(ID, ID).jobIds()).containsExactly(ID);
  }

  @Test
  void aNullName_isRejected() {
    assertThatThrownBy(() -> JobFilter.all().queues("emails", null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aSecondCall_replacesTheFirstsNames_ratherThanNarrowingThem() {
    JobFilter filter = JobFilter.all().queues("reports").queues("emails");

    assertThat(filter.queues()).containsExactly("emails");
    assertThat(filter.matches(CHANGE)).isTrue();
  }

  @Test
  void all_matchesEveryChange() {
    assertThat(JobFilter.all().matches(CHANGE)).isTrue();
  }

  @Test
  void eachNarrowing_matchesOnlyWhatItNames() {
    assertThat(JobFilter.all().queues("emails", "reports").matches(CHANGE)).isTrue();
    assertThat(JobFilter.all().queues("reports").matches(CHANGE)).isFalse();
    assertThat(JobFilter.all().kinds("mail.send").matches(CHANGE)).isTrue();
    assertThat(JobFilter.all().kinds("mail.bounce").matches(CHANGE)).isFalse();
    assertThat(JobFilter.job(ID).matches(CHANGE)).isTrue();
    assertThat(JobFilter.job(new JobId(UUID.randomUUID())).matches(CHANGE)).isFalse();
    assertThat(JobFilter.all().tags("vip", "other").matches(CHANGE)).as("any one tag").isTrue();
    assertThat(JobFilter.all().tags("other").matches(CHANGE)).isFalse();
  }

  @Test
  void narrowings_combine_allMustHold() {
    assertThat(JobFilter.all().queues("emails").kinds("mail.send").tags("vip").matches(CHANGE))
        .isTrue();
    assertThat(JobFilter.all().queues("emails").kinds("other").matches(CHANGE)).isFalse();
  }

  @Test
  void withStats_keepsTheNarrowing() {
    JobFilter filter = JobFilter.all().queues("emails").withStats();

    assertThat(filter.stats()).isTrue();
    assertThat(filter.queues()).containsExactly("emails");
    assertThat(JobFilter.all().stats()).isFalse();
  }
}
