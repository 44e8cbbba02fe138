package dev.docket.usecase.port;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The default {@code count} pages away from a query's cursor, in either direction. */
class JobOperationsDefaultsTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** Only {@code list}, over a fixed list of jobs, as a store without a count of its own. */
  private static final class ListOnly implements JobOperations {
    private final List<Job> jobs;

    ListOnly(List<Job> jobs) {
      this.jobs = jobs;
    }

    @Override
    public JobPage list(JobQuery query) {
      Comparator<Job> reading =
          query.beforeId().isPresent()
              ? Comparator.comparing(Job::id)
              : Comparator.comparing(Job::id).reversed();
      var found =
          jobs.stream()
              .filter(job -> query.withinCursor(job.id()) && query.matches(job))
              .sorted(reading)
              .limit(query.limit() + 1L)
              .toList();
      return JobPage.of(query, found);
    }

    @Override
    public Optional<Job> find(JobId id) {
      return Optional.empty();
    }

    @Override
    public Optional<Job> update(JobId id, UnaryOperator<Job> change) {
      return Optional.empty();
    }

    @Override
    public Optional<Job> delete(JobId id) {
      return Optional.empty();
    }

    @Override
    public List<Job> running(RunningQuery query) {
      return List.of();
    }

    @Override
    public List<QueueStats> stats(Instant now) {
      return List.of();
    }
  }

  @Test
  void count_pastEitherCursor_pagesAwayFromIt_throughEveryMatch() {
    var jobs = new ArrayList<Job>();
    for (int i = 1; i <= 2_500; i++) {
      var spec =
          new JobSpec(
              "q",
              "k",
              "{\"n\": " + i + "}",
              Priority.NORMAL,
              1,
              RetryPolicy.none(),
              NOW,
              Optional.empty(),
              List.of());
      jobs.add(
          Job.submit(JobId.of(new UUID(0x0190_0000_0000_7000L + ((long) i << 16), i)), spec, NOW));
    }
    var operations = new ListOnly(jobs);
    JobId middle = jobs.get(1_199).id(); // the 1,200th oldest

    assertThat(operations.count(JobQuery.builder().beforeId(middle).build(), 10_000))
        .isEqualTo(1_300);
    assertThat(operations.count(JobQuery.builder().afterId(middle).build(), 10_000))
        .isEqualTo(1_199);
    assertThat(operations.count(JobQuery.all(), 10_000)).isEqualTo(2_500);
    assertThat(operations.count(JobQuery.builder().beforeId(middle).build(), 1_100))
        .isEqualTo(1_100);
  }
}
