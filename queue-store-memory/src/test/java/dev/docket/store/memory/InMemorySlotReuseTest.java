package dev.docket.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobSpec;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Priority;
import dev.docket.domain.RetryPolicy;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.PurgeRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The memory store gives the slots of deleted and purged jobs to new jobs: no reader may then see
 * the new job under the old one's id, or lose track of either.
 */
class InMemorySlotReuseTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private final JobStorage storage = MemoryStore.create();
  private long ids;

  private Job newJob() {
    var spec =
        new JobSpec(
            "q",
            "k",
            "{}",
            Priority.NORMAL,
            3,
            RetryPolicy.fixed(Duration.ofSeconds(1)),
            NOW,
            Optional.empty(),
            List.of());
    return Job.submit(JobId.of(new UUID(1, ++ids)), spec, NOW);
  }

  @Test
  void aDeletedJobsSlot_goesToANewJob_andEachIdFindsOnlyItsOwnJob() {
    Job old = newJob();
    storage.insert(List.of(old));
    assertThat(storage.delete(old.id())).contains(old);

    Job fresh = newJob();
    storage.insert(List.of(fresh));

    assertThat(storage.find(old.id())).isEmpty();
    assertThat(storage.find(fresh.id())).contains(fresh);
    assertThat(storage.list(JobQuery.all()).jobs()).containsExactly(fresh);
  }

  @Test
  void purgedJobsSlots_goToNewJobs_whichAreClaimedAndFinishedNormally() {
    var first = new ArrayList<Job>();
    for (int i = 0; i < 50; i++) {
      first.add(newJob());
    }
    storage.insert(first);
    complete(storage.claim(new ClaimRequest("q", 50, "w", Duration.ofMinutes(1), NOW)));
    assertThat(
            storage.purge(
                new PurgeRequest(EnumSet.of(JobState.COMPLETED), NOW.plusSeconds(1), 1_000)))
        .isEqualTo(50);

    var second = new ArrayList<Job>();
    for (int i = 0; i < 50; i++) {
      second.add(newJob());
    }
    storage.insert(second);
    List<Job> claimed = storage.claim(new ClaimRequest("q", 100, "w", Duration.ofMinutes(1), NOW));

    assertThat(claimed).extracting(Job::id).containsExactlyElementsOf(ids(second));
    assertThat(complete(claimed)).isEmpty();
    for (Job job : first) {
      assertThat(storage.find(job.id())).isEmpty();
    }
    for (Job job : second) {
      assertThat(storage.find(job.id()))
          .hasValueSatisfying(j -> assertThat(j.state()).isEqualTo(JobState.COMPLETED));
    }
  }

  private List<Outcome> complete(List<Job> claimed) {
    var outcomes = new ArrayList<Outcome>();
    for (Job job : claimed) {
      outcomes.add(new Outcome.Completed(job.id(), job.lease().orElseThrow().fence(), NOW));
    }
    return storage.report(outcomes);
  }

  private static List<JobId> ids(List<Job> jobs) {
    return jobs.stream().map(Job::id).toList();
  }
}
