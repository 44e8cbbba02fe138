package dev.docket.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.JobId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JobIdsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void idsMadeInTheSameMillisecond_strictlyIncrease_evenPastTheCounterRange() {
    var ids = new JobIds(InstantSource.fixed(T0), new SplittableRandom(1));
    List<JobId> made = new ArrayList<>();

    for (int i = 0; i < 10_000; i++) {
      made.add(ids.next());
    }

    assertThat(made).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void ids_areVersion7Uuids_carryingTheMillisecondOfTheClock() {
    var ids = new JobIds(InstantSource.fixed(T0), new SplittableRandom(1));

    JobId id = ids.next();

    assertThat(id.value().version()).isEqualTo(7);
    assertThat(id.value().variant()).isEqualTo(2);
    assertThat(id.value().getMostSignificantBits() >>> 16).isEqualTo(T0.toEpochMilli());
  }

  @Test
  void idsOfTwoGeneratorsInOneProcess_increaseTogether() {
    var first = new JobIds(InstantSource.fixed(T0), new SplittableRandom(1));
    var second = new JobIds(InstantSource.fixed(T0), new SplittableRandom(2));
    List<JobId> made = new ArrayList<>();

    for (int i = 0; i < 100; i++) {
      made.add(first.next());
      made.add(second.next());
    }

    assertThat(made).isSorted();
  }

  @Test
  void aClockThatStepsBack_neverMakesAnIdSmallerThanTheLastOne() {
    var now = new Instant[] {T0};
    var ids = new JobIds(() -> now[0], new SplittableRandom(1));

    JobId before = ids.next();
    now[0] = T0.minusSeconds(5);
    JobId after = ids.next();

    assertThat(after).isGreaterThan(before);
  }
}
