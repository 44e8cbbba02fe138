package dev.docket.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.Outcome;
import dev.docket.domain.Progress;
import dev.docket.usecase.JobRequest;
import dev.docket.usecase.port.ClaimRequest;
import dev.docket.usecase.port.JobStorage;
import dev.docket.usecase.port.ProgressReport;
import dev.docket.usecase.port.RescueRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResultAndProgressTest {
  private static PgFixture pg;
  private static JobStorage storage;

  @BeforeAll
  static void start() {
    pg = new PgFixture("results");
    storage = pg.store.storage();
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void completions_inOneBatch_keepEachResult_byteForByte() {
    List<Job> claimed = claimed("results", 3);
    // Spacing and key order that jsonb would change, non-ASCII text (a surrogate pair among it),
    // and a result as long as a job may keep.
    String spaced = "{ \"b\" : 1,\n  \"a\" : [ 1.50, \"\\u00e9\" ] }";
    String nonAscii = "{\"name\":\"Zoë € 😀 \\\"quoted\\\" \\\\ back\"}";
    String filler = "\"" + "é€😀x".repeat((Job.MAX_RESULT_LENGTH - 2) / 5);
    String longest = filler + "x".repeat(Job.MAX_RESULT_LENGTH - filler.length() - 1) + "\"";
    assertThat(longest).hasSize(Job.MAX_RESULT_LENGTH);
    List<String> results = List.of(spaced, nonAscii, longest);

    var outcomes =
        List.<Outcome>of(
            completed(claimed.get(0), Optional.of(spaced)),
            completed(claimed.get(1), Optional.of(nonAscii)),
            completed(claimed.get(2), Optional.of(longest)));
    assertThat(storage.report(outcomes)).isEmpty();

    for (int i = 0; i < 3; i++) {
      Job expected = outcomes.get(i).applyTo(claimed.get(i));
      Job stored = storage.find(claimed.get(i).id()).orElseThrow();
      assertThat(stored).isEqualTo(expected);
      assertThat(stored.result()).contains(results.get(i));
    }
  }

  @Test
  void aCompletionWithoutResult_storesNone() {
    Job job = claimed("noresult", 1).get(0);

    storage.report(List.of(completed(job, Optional.empty())));

    assertThat(storage.find(job.id()).orElseThrow().result()).isEmpty();
  }

  @Test
  void progress_underTheLease_isStored_asTheDomainMakesIt() {
    Job job = claimed("progress", 1).get(0);
    long fence = job.lease().orElseThrow().fence();
    var first = new Progress(10, "page 1 of 10", pg.clock.instant().plusSeconds(1));
    // An earlier report time than the job's last change: updated_at stays where it was.
    var second = new Progress(40, "Seite 4 von 10 – ½ fertig", job.updatedAt().minusSeconds(5));

    assertThat(storage.reportProgress(new ProgressReport(job.id(), fence, first))).isTrue();
    Job afterFirst = job.reportProgress(fence, first);
    assertThat(storage.find(job.id())).contains(afterFirst);
    assertThat(storage.reportProgress(new ProgressReport(job.id(), fence, second))).isTrue();

    Job expected = afterFirst.reportProgress(fence, second);
    assertThat(storage.find(job.id())).contains(expected);
    assertThat(expected.updatedAt()).isEqualTo(afterFirst.updatedAt());
  }

  @Test
  void progress_underAStaleFence_isRefused_andChangesNothing() {
    Job job = claimed("stale", 1).get(0);
    long fence = job.lease().orElseThrow().fence();
    var progress = new Progress(50, "half", pg.clock.instant());

    assertThat(storage.reportProgress(new ProgressReport(job.id(), fence + 1, progress))).isFalse();
    assertThat(storage.find(job.id())).contains(job);

    storage.report(List.of(completed(job, Optional.empty())));
    assertThat(storage.reportProgress(new ProgressReport(job.id(), fence, progress)))
        .as("a finished job")
        .isFalse();
    assertThat(
            storage.reportProgress(
                new ProgressReport(
                    new dev.docket.domain.JobId(java.util.UUID.randomUUID()), fence, progress)))
        .as("a job that does not exist")
        .isFalse();
  }

  @Test
  void progress_isKeptByARelease_andARescue_andClearedByTheNextClaim() {
    Job job = claimed("keep", 1).get(0);
    long fence = job.lease().orElseThrow().fence();
    var progress = new Progress(70, "almost", pg.clock.instant());
    storage.reportProgress(new ProgressReport(job.id(), fence, progress));

    storage.report(List.of(new Outcome.Released(job.id(), fence, pg.clock.instant())));
    Job released = storage.find(job.id()).orElseThrow();
    assertThat(released.progress()).contains(progress);

    Job reclaimed = claim("keep", 1).get(0);
    assertThat(reclaimed.progress()).as("a new attempt").isEmpty();
    assertThat(storage.find(job.id())).contains(reclaimed);

    long newFence = reclaimed.lease().orElseThrow().fence();
    storage.reportProgress(new ProgressReport(job.id(), newFence, progress));
    var rescue = new RescueRequest(pg.clock.instant().plus(Duration.ofHours(1)), 10, pg.random);
    // Other tests' jobs run under leases as long, and are rescued along.
    Job rescued =
        storage.rescueExpired(rescue).stream()
            .filter(j -> j.id().equals(job.id()))
            .findFirst()
            .orElseThrow();
    assertThat(rescued.progress()).contains(progress);
    assertThat(storage.find(job.id())).contains(rescued);
  }

  @Test
  void anOperatorsChange_keepsTheProgress() {
    Job job = claimed("operator", 1).get(0);
    long fence = job.lease().orElseThrow().fence();
    var progress = new Progress(5, "", pg.clock.instant());
    storage.reportProgress(new ProgressReport(job.id(), fence, progress));

    Job cancelled = storage.update(job.id(), j -> j.cancel(pg.clock.instant())).orElseThrow();

    assertThat(cancelled.progress()).contains(progress);
    assertThat(storage.find(job.id())).contains(cancelled);
  }

  private static Outcome completed(Job claimed, Optional<String> result) {
    return new Outcome.Completed(
        claimed.id(), claimed.lease().orElseThrow().fence(), pg.clock.instant(), result);
  }

  private static List<Job> claimed(String queue, int count) {
    var requests = new java.util.ArrayList<JobRequest>();
    for (int i = 0; i < count; i++) {
      requests.add(JobRequest.ofJson("test.job", "{}").queue(queue).build());
    }
    storage.insert(pg.client.prepare(requests));
    return claim(queue, count);
  }

  private static List<Job> claim(String queue, int count) {
    List<Job> claimed =
        storage.claim(
            new ClaimRequest(queue, count, "worker", Duration.ofSeconds(30), pg.clock.instant()));
    assertThat(claimed).hasSize(count);
    return claimed;
  }
}
